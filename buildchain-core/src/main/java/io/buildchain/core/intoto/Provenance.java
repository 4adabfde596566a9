package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.VerificationException;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.release.ReleaseRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A builder's SLSA Provenance v1, as an in-toto Statement v1 in a DSSE envelope signed by its builder key
 * (docs/in-toto.md describes every field). The subjects are the link's products; the envelope's signature is
 * Ed25519 over DSSE's pre-authentication encoding of the payload type and the Statement's canonical JSON.
 */
public final class Provenance {
    public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
    /** Ours: a release built by independent builders and published when a quorum of them agree. */
    public static final String BUILD_TYPE = "urn:buildchain:build-type:quorum-release:v1";
    public static final String BUILDER_ID_PREFIX = "urn:buildchain:builder:ed25519:";

    private Provenance() {
    }

    /** in-toto's file name for a builder's envelope beside its link: {@code build.KEYID[0:8].provenance.json}. */
    public static String fileName(PublicKey builder) {
        return BuildLink.STEP + "." + new InTotoKey(builder).prefix() + ".provenance.json";
    }

    public static byte[] sign(ObjectNode products, Manifest manifest, ReleaseRecord record, Optional<BuildInfo> buildinfo,
            SigningKey builder) {
        ObjectNode statement = Json.MAPPER.createObjectNode();
        statement.put("_type", STATEMENT_TYPE);
        ArrayNode subjects = statement.putArray("subject");
        products.fields().forEachRemaining(p -> subjects.addObject().put("name", p.getKey()).set("digest", p.getValue()));
        statement.put("predicateType", PREDICATE_TYPE);
        ObjectNode predicate = statement.putObject("predicate");
        ObjectNode definition = predicate.putObject("buildDefinition");
        definition.put("buildType", BUILD_TYPE);
        definition.set("externalParameters", externalParameters(record));
        buildinfo.ifPresent(info -> {
            ObjectNode fields = definition.putObject("internalParameters").putObject("buildinfo");
            info.environment().forEach(fields::put);
        });
        definition.set("resolvedDependencies", resolvedDependencies(record));
        ObjectNode run = predicate.putObject("runDetails");
        run.putObject("builder").put("id", BUILDER_ID_PREFIX + builder.publicKey().base32());
        run.putArray("byproducts").addObject().put("name", "manifest.json").putObject("digest")
                .put("sha384", HexFormat.of().formatHex(manifest.digest().bytes()));
        byte[] payload = CanonicalJson.encode(statement);
        byte[] pae = pae(PAYLOAD_TYPE, payload);
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        envelope.put("payloadType", PAYLOAD_TYPE);
        envelope.put("payload", Base64.getEncoder().encodeToString(payload));
        envelope.putArray("signatures").addObject().put("keyid", new InTotoKey(builder.publicKey()).keyid())
                .put("sig", Base64.getEncoder().encodeToString(builder.sign(pae, 0, pae.length)));
        try {
            return Json.MAPPER.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }

    /** The release record's project, branch, version and source time. */
    private static ObjectNode externalParameters(ReleaseRecord record) {
        return Json.MAPPER.createObjectNode().put("project", record.project()).put("branch", record.branch())
                .put("version", record.version()).put("sourceTime", record.sourceTime());
    }

    /** The one dependency: the source at the record's revision. */
    private static ArrayNode resolvedDependencies(ReleaseRecord record) {
        ArrayNode dependencies = Json.MAPPER.createArrayNode();
        dependencies.addObject().put("name", "source").set("digest", BuildLink.gitCommit(record.revision()));
        return dependencies;
    }

    /** DSSE v1's pre-authentication encoding: {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}. */
    static byte[] pae(String payloadType, byte[] body) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + body.length + " ").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /**
     * The Statement of {@code envelope}, refused unless a signature by {@code builder} holds over it and its
     * subjects are exactly the release's {@code products} (its files with their SHA-256 and SHA-384) and its build
     * definition names the record's project, branch, version, source time and revision.
     */
    public static JsonNode check(byte[] envelope, PublicKey builder, ObjectNode products, ReleaseRecord record,
            String where) {
        JsonNode root;
        try {
            root = envelope.length > SignedMetadata.MAX_BYTES ? null : Json.MAPPER.readTree(envelope);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !PAYLOAD_TYPE.equals(root.path("payloadType").textValue())
                || !root.path("payload").isTextual() || !root.path("signatures").isArray()) {
            throw new FormatException(where + ": expected a DSSE envelope with payloadType " + PAYLOAD_TYPE);
        }
        byte[] payload = decodeBase64(root.get("payload").textValue());
        if (payload == null) {
            throw new FormatException(where + ": payload is not base64");
        }
        String keyid = new InTotoKey(builder).keyid();
        byte[] pae = pae(PAYLOAD_TYPE, payload);
        boolean signed = false;
        for (JsonNode signature : root.get("signatures")) {
            if (keyid.equals(signature.path("keyid").textValue())) {
                byte[] sig = decodeBase64(signature.path("sig").asText(""));
                signed = sig != null && sig.length == SigningKey.SIGNATURE_LENGTH
                        && builder.verify(sig, 0, pae, 0, pae.length);
                break;
            }
        }
        if (!signed) {
            throw new VerificationException(where + ": not signed by the builder key " + builder);
        }
        JsonNode statement;
        try {
            statement = Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new FormatException(where + ": the payload is not JSON");
        }
        if (!STATEMENT_TYPE.equals(statement.path("_type").textValue())
                || !PREDICATE_TYPE.equals(statement.path("predicateType").textValue())
                || !(BUILDER_ID_PREFIX + builder.base32()).equals(
                        statement.path("predicate").path("runDetails").path("builder").path("id").textValue())) {
            throw new VerificationException(where + ": not a SLSA provenance v1 Statement by builder " + builder);
        }
        ObjectNode subjects = Json.MAPPER.createObjectNode();
        for (JsonNode subject : statement.path("subject")) {
            if (subjects.replace(subject.path("name").asText(""), subject.path("digest")) != null) {
                throw new VerificationException(where + ": subject " + subject.path("name") + " is named twice");
            }
        }
        BuildLink.checkArtifacts(subjects, products, where);
        JsonNode definition = statement.path("predicate").path("buildDefinition");
        if (!BUILD_TYPE.equals(definition.path("buildType").textValue())
                || !sameJson(definition.path("externalParameters"), externalParameters(record))
                || !sameJson(definition.path("resolvedDependencies"), resolvedDependencies(record))) {
            throw new VerificationException(where + ": its build definition does not name " + record.project() + "/"
                    + record.branch() + " " + record.version() + " at revision " + record.revision());
        }
        return statement;
    }

    /** Equal as in-toto sees JSON (an int and a long of one value alike); a missing node equals nothing. */
    private static boolean sameJson(JsonNode a, JsonNode b) {
        return !a.isMissingNode() && Arrays.equals(CanonicalJson.encode(a), CanonicalJson.encode(b));
    }

    private static byte[] decodeBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
