package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-toto layout of one project/branch, signed by the owner's offline root key: one step {@code build} whose
 * threshold is the quorum and whose functionaries are the trusted builder keys, one per operator (in-toto counts
 * keys, so an operator with two keys would count twice: such a trust file is refused), and one inspection that
 * checks the files in the directory in-toto-verify runs in against the agreeing links (SHA-256 and SHA-384 of
 * every file, no file missing, none extra). in-toto's own MATCH rule cannot do that here: an inspection records
 * SHA-256 only and MATCH compares whole digest sets, so the check is a short Python program (in-toto-verify is
 * Python, so python3 is there), written in the signed layout for anyone to read.
 */
public final class Layout {
    public static final String INSPECTION = "buildchain-files";
    /** Where the inspection finds the links, relative to the files: the export's layout. */
    public static final String LINK_DIR_FROM_FILES = "..";
    /** No braces: in-toto formats its error message with the command in it, and a brace there breaks it. */
    static final String CHECK_FILES = String.join("\n",
            "import glob,hashlib,json,os,sys",
            "def h(p):",
            " a,b=hashlib.sha256(),hashlib.sha384()",
            " with open(p,'rb') as f:",
            "  for c in iter(lambda:f.read(1<<20),b''):a.update(c);b.update(c)",
            " return dict(sha256=a.hexdigest(),sha384=b.hexdigest())",
            "L=[json.load(open(p,encoding='utf-8'))['signed']['products'] for p in glob.glob(os.path.join(sys.argv[1],'build.*.link'))]",
            "F=set(os.path.relpath(os.path.join(r,n)).replace(os.sep,'/') for r,_,ns in os.walk('.') for n in ns)-set([sys.argv[2]])",
            "sys.exit(0 if L and all(set(P)==F and all(P[n]==h(n) for n in F) for P in L) else 1)");

    private Layout() {
    }

    /**
     * @param productPatterns in-toto (fnmatch) patterns for the release's file names; nothing else may be a product
     * @param expires         when in-toto-verify stops accepting the layout (whole seconds, UTC)
     */
    public static SignedMetadata sign(String project, String branch, int quorum, KeyList trusted,
            List<String> productPatterns, Instant expires, SigningKey owner) {
        Map<String, PublicKey> functionaries = functionaries(trusted);
        if (quorum < 1 || quorum > functionaries.size()) {
            throw new FormatException("--quorum " + quorum + ": expected 1 to " + functionaries.size()
                    + " (one functionary per operator in the trust file)");
        }
        if (!expires.isAfter(Instant.now())) {
            throw new FormatException("--expires " + expires + ": already past");
        }
        if (productPatterns.isEmpty()) {
            throw new FormatException("give the release's file names as --product PATTERN (one or more)");
        }
        ObjectNode layout = Json.MAPPER.createObjectNode();
        layout.put("_type", "layout");
        layout.put("expires", expires.truncatedTo(ChronoUnit.SECONDS).toString());
        layout.put("readme", "buildchain " + project + "/" + branch + ": a release is what at least " + quorum
                + " of these builders, one per operator, built byte for byte the same");
        ObjectNode keys = layout.putObject("keys");
        functionaries.values().forEach(key -> keys.set(new InTotoKey(key).keyid(), new InTotoKey(key).layoutEntry()));
        ObjectNode step = layout.putArray("steps").addObject();
        step.put("_type", "step");
        step.put("name", BuildLink.STEP);
        step.put("threshold", quorum);
        ArrayNode pubkeys = step.putArray("pubkeys");
        functionaries.keySet().forEach(pubkeys::add);
        step.putArray("expected_command");
        ArrayNode materials = step.putArray("expected_materials");
        // Only this branch's releases: a link names its release's PROJECT/BRANCH as its material.
        materials.addArray().add("REQUIRE").add(BuildLink.materialName(project, branch));
        materials.addArray().add("ALLOW").add(BuildLink.materialName(project, branch));
        materials.addArray().add("DISALLOW").add("*");
        ArrayNode products = step.putArray("expected_products");
        productPatterns.forEach(pattern -> products.addArray().add("ALLOW").add(pattern));
        products.addArray().add("DISALLOW").add("*");
        ObjectNode inspection = layout.putArray("inspect").addObject();
        inspection.put("_type", "inspection");
        inspection.put("name", INSPECTION);
        inspection.putArray("run").add("python3").add("-I").add("-c").add(CHECK_FILES).add(LINK_DIR_FROM_FILES)
                .add(INSPECTION + ".link");
        inspection.putArray("expected_materials");
        inspection.putArray("expected_products");
        return SignedMetadata.sign(layout, owner);
    }

    /** Trusted keys by keyid, sorted; refused if an operator has several keys or two keyids share a prefix. */
    static Map<String, PublicKey> functionaries(KeyList trusted) {
        Map<String, List<PublicKey>> byOperator = new LinkedHashMap<>();
        trusted.keys().forEach(key -> byOperator.computeIfAbsent(trusted.operatorId(key), o -> new ArrayList<>()).add(key));
        Map<String, PublicKey> byKeyid = new TreeMap<>();
        Map<String, PublicKey> byPrefix = new LinkedHashMap<>();
        for (List<PublicKey> keys : byOperator.values()) {
            if (keys.size() > 1) {
                throw new FormatException("operator " + trusted.operator(keys.get(0)).orElse("?") + " has "
                        + keys.size() + " keys in the trust file; in-toto counts keys, not operators, so give a trust "
                        + "file with one key per operator for the layout");
            }
            InTotoKey key = new InTotoKey(keys.get(0));
            PublicKey other = byPrefix.put(key.prefix(), keys.get(0));
            if (other != null) {
                throw new FormatException("keys " + other + " and " + keys.get(0) + " share the keyid prefix "
                        + key.prefix() + ", which in-toto's link file names cannot tell apart");
            }
            byKeyid.put(key.keyid(), keys.get(0));
        }
        return byKeyid;
    }

    /**
     * A layout refused unless it is one, signed by {@code owner}, whose step {@code build} requires the material
     * of {@code project}/{@code branch} and which has not expired: in-toto-verify would refuse this branch's links
     * under another's layout, and any expired one.
     */
    public static SignedMetadata check(byte[] json, PublicKey owner, String project, String branch, String where) {
        SignedMetadata layout = SignedMetadata.parse(json, where);
        if (!"layout".equals(layout.type())) {
            throw new FormatException(where + ": not an in-toto layout");
        }
        if (!layout.signedBy(owner)) {
            throw new VerificationException(where + ": not signed by the root key " + owner);
        }
        Instant expires;
        try {
            expires = Instant.parse(layout.signed().path("expires").asText(""));
        } catch (DateTimeParseException e) {
            throw new FormatException(where + ": expires " + layout.signed().path("expires") + " is not a UTC time");
        }
        if (!expires.isAfter(Instant.now())) {
            throw new FormatException(where + ": expired at " + expires + " (in-toto-verify refuses it; the owner signs "
                    + "a new one with 'root in-toto-layout')");
        }
        List<String> required = new ArrayList<>();
        for (JsonNode rule : buildStep(layout).path("expected_materials")) {
            if ("REQUIRE".equals(rule.path(0).textValue())) {
                required.add(rule.path(1).asText());
            }
        }
        String material = BuildLink.materialName(project, branch);
        if (!required.contains(material)) {
            throw new FormatException(where + ": its step " + BuildLink.STEP + " requires "
                    + (required.isEmpty() ? "no material" : String.join(", ", required)) + ", not " + material);
        }
        return layout;
    }

    /** The step {@code build} of a layout, or a missing node. */
    public static JsonNode buildStep(SignedMetadata layout) {
        for (JsonNode step : layout.signed().path("steps")) {
            if (BuildLink.STEP.equals(step.path("name").textValue())) {
                return step;
            }
        }
        return MissingNode.getInstance();
    }

    /** The functionaries of the step {@code build}, by keyid. */
    public static Map<String, PublicKey> builders(SignedMetadata layout, String where) {
        Map<String, PublicKey> out = new TreeMap<>();
        for (JsonNode keyid : buildStep(layout).path("pubkeys")) {
            out.put(keyid.asText(), InTotoKey.parse(layout.signed().path("keys").get(keyid.asText()),
                    where + " key " + keyid.asText()).key());
        }
        return out;
    }
}
