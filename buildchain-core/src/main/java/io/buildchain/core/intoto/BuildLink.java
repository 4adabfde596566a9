package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.release.ReleaseRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The in-toto link a builder signs for the step {@code build}: its products are the release's files (every
 * manifest entry, the release record included) with their SHA-256 and SHA-384 in hex, its one material is named
 * {@code PROJECT/BRANCH} (so a layout accepts only its own branch's releases) and is the source revision as
 * {@code gitCommit}. Builders who agree sign links with identical materials and products, which is what in-toto's
 * step threshold compares.
 */
public final class BuildLink {
    public static final String STEP = "build";
    private static final Pattern REVISION = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private BuildLink() {
    }

    /** in-toto's name for a functionary's link: {@code build.KEYID[0:8].link}. */
    public static String fileName(PublicKey builder) {
        return STEP + "." + new InTotoKey(builder).prefix() + ".link";
    }

    public static SignedMetadata sign(ObjectNode products, ReleaseRecord record, SigningKey builder) {
        ObjectNode link = Json.MAPPER.createObjectNode();
        link.put("_type", "link");
        link.put("name", STEP);
        link.set("materials", materials(record));
        link.set("products", products);
        link.putObject("byproducts");
        link.putArray("command");
        link.putObject("environment");
        return SignedMetadata.sign(link, builder);
    }

    /** The material's name: the release's project and branch. */
    public static String materialName(String project, String branch) {
        return project + "/" + branch;
    }

    /** {@code {"PROJECT/BRANCH": {"gitCommit": REVISION}}}. */
    static ObjectNode materials(ReleaseRecord record) {
        ObjectNode materials = Json.MAPPER.createObjectNode();
        materials.set(materialName(record.project(), record.branch()), gitCommit(record.revision()));
        return materials;
    }

    /** {@code {"gitCommit": REVISION}}; in-toto digests are hex, so the revision must be a commit id. */
    static ObjectNode gitCommit(String revision) {
        if (revision == null || !REVISION.matcher(revision).matches()) {
            throw new FormatException("in-toto: the release record's revision \"" + revision + "\" is not a git "
                    + "commit id (40 or 64 lower-case hex digits), and in-toto names materials by hex digests");
        }
        return Json.MAPPER.createObjectNode().put("gitCommit", revision);
    }

    /**
     * The release's files as in-toto artifacts, each hashed from {@code fileOf} its name; each file's SHA-384 must
     * be the manifest's, so a link never names bytes other than the signed ones.
     */
    public static ObjectNode products(Manifest manifest, Function<String, Path> fileOf) throws IOException {
        ObjectNode products = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
            MessageDigest sha256 = sha256();
            MessageDigest sha384 = Digest.newSha384();
            Path path = fileOf.apply(file.getKey());
            try (InputStream in = Files.newInputStream(path)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha256.update(buffer, 0, n);
                    sha384.update(buffer, 0, n);
                }
            }
            if (!Digest.wrap(sha384.digest()).equals(file.getValue())) {
                throw new VerificationException(path + ": its SHA-384 is not the manifest's");
            }
            products.putObject(file.getKey()).put("sha256", HexFormat.of().formatHex(sha256.digest()))
                    .put("sha384", HexFormat.of().formatHex(file.getValue().bytes()));
        }
        return products;
    }

    /**
     * Refuses a link that is not {@code builder}'s signed link for the step {@code build} naming exactly the
     * release's {@code products} (SHA-256 and SHA-384 of its files) and the record's project, branch and revision.
     */
    public static void check(SignedMetadata link, PublicKey builder, ObjectNode products, ReleaseRecord record,
            String where) {
        if (!"link".equals(link.type()) || !STEP.equals(link.signed().path("name").textValue())) {
            throw new FormatException(where + ": not an in-toto link for the step \"" + STEP + "\"");
        }
        if (!link.signedBy(builder)) {
            throw new VerificationException(where + ": not signed by the builder key " + builder);
        }
        if (!link.signed().path("materials").equals(materials(record))) {
            throw new VerificationException(where + ": its materials do not name " + materialName(record.project(),
                    record.branch()) + " at revision " + record.revision());
        }
        checkArtifacts(link.signed().path("products"), products, where);
    }

    /**
     * Artifacts (products, or a Statement's subjects as a map) naming exactly the release's {@code products}: SHA-256
     * included, which SLSA tools match subjects by and in-toto compares between the links of a step.
     */
    static void checkArtifacts(JsonNode artifacts, ObjectNode products, String where) {
        if (!artifacts.isObject() || artifacts.size() != products.size()) {
            throw new VerificationException(where + ": names " + artifacts.size() + " files, the manifest "
                    + products.size());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = artifacts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> artifact = it.next();
            if (!artifact.getValue().equals(products.get(artifact.getKey()))) {
                throw new VerificationException(where + ": " + artifact.getKey() + " is not the manifest's file "
                        + "(expected its sha256 and sha384, nothing else)");
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
