package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import java.io.IOException;
import java.util.HexFormat;

/**
 * in-toto 1.x metadata (a link or a layout) with its signatures: {@code {"signatures":[{"keyid":…,"sig":HEX}],
 * "signed":{…}}}, each signature Ed25519 over the canonical JSON of {@code signed}.
 */
public record SignedMetadata(ObjectNode signed, ArrayNode signatures) {
    /** Links and layouts of a release are a few KB per file; this bounds what is read. */
    public static final int MAX_BYTES = 32 << 20;

    public static SignedMetadata sign(ObjectNode signed, SigningKey key) {
        byte[] canonical = CanonicalJson.encode(signed);
        ArrayNode signatures = Json.MAPPER.createArrayNode();
        signatures.addObject().put("keyid", new InTotoKey(key.publicKey()).keyid())
                .put("sig", HexFormat.of().formatHex(key.sign(canonical, 0, canonical.length)));
        return new SignedMetadata(signed, signatures);
    }

    public byte[] toJson() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("signatures", signatures);
        out.set("signed", signed);
        try {
            return Json.MAPPER.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }

    public static SignedMetadata parse(byte[] json, String where) {
        if (json.length > MAX_BYTES) {
            throw new FormatException(where + ": larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new FormatException(where + ": not JSON");
        }
        if (root == null || !root.path("signed").isObject() || !root.path("signatures").isArray()) {
            throw new FormatException(where + ": expected in-toto metadata {\"signatures\": [...], \"signed\": {...}}");
        }
        return new SignedMetadata((ObjectNode) root.get("signed"), (ArrayNode) root.get("signatures"));
    }

    public String type() {
        return signed.path("_type").asText("");
    }

    /** Whether the first signature carrying {@code key}'s keyid holds (in-toto checks that one only). */
    public boolean signedBy(PublicKey key) {
        String keyid = new InTotoKey(key).keyid();
        for (JsonNode signature : signatures) {
            if (keyid.equals(signature.path("keyid").textValue())) {
                String hex = signature.path("sig").asText("");
                if (!hex.matches("[0-9a-f]{128}")) {
                    return false;
                }
                byte[] canonical = CanonicalJson.encode(signed);
                return key.verify(HexFormat.of().parseHex(hex), 0, canonical, 0, canonical.length);
            }
        }
        return false;
    }
}
