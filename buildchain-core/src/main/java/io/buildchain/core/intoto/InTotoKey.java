package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.crypto.PublicKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An Ed25519 public key in securesystemslib's JSON key format, the one {@code in-toto-verify --key-types ed25519}
 * reads. Its keyid is what securesystemslib computes: the SHA-256, in hex, of the canonical JSON of
 * {@code {"keyid_hash_algorithms":["sha256","sha512"],"keytype":"ed25519","keyval":{"public":HEX},"scheme":"ed25519"}}
 * (securesystemslib always puts its default keyid hash algorithms in, whatever the key file says).
 */
public record InTotoKey(PublicKey key) {
    /** in-toto names a link file {@code STEP.KEYID[0:8].link}. */
    public static final int PREFIX_LENGTH = 8;

    /** The public key file's JSON (what in-toto-keygen writes to {@code NAME.pub}). */
    public ObjectNode publicJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("keytype", "ed25519");
        json.put("scheme", "ed25519");
        json.putArray("keyid_hash_algorithms").add("sha256").add("sha512");
        json.putObject("keyval").put("public", HexFormat.of().formatHex(key.bytes()));
        return json;
    }

    /** As a layout lists a key under {@code keys}: the public JSON with its keyid. */
    public ObjectNode layoutEntry() {
        return publicJson().put("keyid", keyid());
    }

    public String keyid() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CanonicalJson.encode(publicJson())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public String prefix() {
        return keyid().substring(0, PREFIX_LENGTH);
    }

    /** An ed25519 key as a layout or key file holds it; anything else is refused. */
    public static InTotoKey parse(JsonNode json, String where) {
        if (json == null || !"ed25519".equals(json.path("keytype").textValue())
                || !"ed25519".equals(json.path("scheme").textValue())) {
            throw new FormatException(where + ": expected an ed25519 key (keytype and scheme \"ed25519\")");
        }
        String hex = json.path("keyval").path("public").textValue();
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new FormatException(where + ": keyval.public must be 64 lower-case hex digits");
        }
        return new InTotoKey(PublicKey.wrap(HexFormat.of().parseHex(hex)));
    }
}
