package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment one builder built in (OS, architecture, kernel, JDK, time zone, umask, locale, user, build path,
 * container image, git revision and tree, host), each field marked as measured inside the build or self-reported,
 * kept beside its manifest and signed by its builder key with a detached signature. It is
 * outside the vote on purpose: it differs between builders by nature, and explains why a build diverged.
 * It names the manifest and the builder key, so it cannot be moved to another submission.
 *
 * <p>The format is small, strict and canonical, so the signed bytes are the parsed bytes:
 * <pre>
 * buildchain-buildinfo/1
 * manifest BASE32_SHA384
 * builder BASE32_KEY
 * os Linux
 * jdk-version 17.0.15
 * ...
 * </pre>
 * one {@code name value} per line, LF-terminated, names in {@link #FIELDS} order, each at most once.
 */
public final class BuildInfo {
    public static final String FORMAT = "buildchain-buildinfo/1";
    /** A buildinfo is a few hundred bytes; anything longer is refused unread. */
    public static final int MAX_BYTES = 4096;
    public static final int MAX_VALUE = 256;
    /** What the signature covers is this prefix and the file, so it can never be mistaken for a request. */
    private static final byte[] SIGNATURE_CONTEXT = "buildchain buildinfo signature v1\0".getBytes(StandardCharsets.US_ASCII);
    static final String MANIFEST = "manifest";
    static final String BUILDER = "builder";
    /**
     * The names of the fields measured inside the build, by the build's own shell in its container, separated by
     * spaces. Every other field is self-reported: written by the process that ran buildchain, before or after the
     * build (the host, the image it was asked for, the git revision it checked out). A buildinfo without this
     * field (every buildinfo before it existed) is self-reported throughout.
     */
    public static final String MEASURED = "measured";
    /**
     * Every field, in the order they are written; the environment fields come after manifest and builder. The
     * fields after {@code host} came later and go after the first ones, so every earlier buildinfo still parses
     * to the same bytes.
     */
    public static final List<String> FIELDS = List.of(MANIFEST, BUILDER, "os", "arch", "kernel", "jdk-vendor",
            "jdk-version", "tz", "umask", "locale", "image", "image-digest", "host", "java-home", "javac-version",
            "user", "build-path", "hostname", "container", "dockerfile-digest", "deps-digest", "git-revision",
            "git-tree", MEASURED);

    private final byte[] bytes;
    private final Digest manifest;
    private final PublicKey builder;
    private final Map<String, String> environment;

    private BuildInfo(byte[] bytes, Digest manifest, PublicKey builder, Map<String, String> environment) {
        this.bytes = bytes;
        this.manifest = manifest;
        this.builder = builder;
        this.environment = Collections.unmodifiableMap(environment);
    }

    /** The buildinfo of a build of {@code manifest} by {@code builder}; unknown or bad fields are refused. */
    public static BuildInfo of(Digest manifest, PublicKey builder, Map<String, String> environment) {
        StringBuilder text = new StringBuilder(FORMAT).append('\n');
        text.append(MANIFEST).append(' ').append(manifest.base32()).append('\n');
        text.append(BUILDER).append(' ').append(builder.base32()).append('\n');
        for (String name : environment.keySet()) {
            if (!FIELDS.contains(name) || name.equals(MANIFEST) || name.equals(BUILDER)) {
                throw new FormatException("buildinfo: unknown field \"" + name + "\" (expected one of "
                        + String.join(", ", FIELDS.subList(2, FIELDS.size())) + ")");
            }
        }
        for (String name : FIELDS.subList(2, FIELDS.size())) {
            String value = environment.get(name);
            if (value != null) {
                text.append(name).append(' ').append(value).append('\n');
            }
        }
        return parse(text.toString().getBytes(StandardCharsets.UTF_8), "buildinfo");
    }

    /** Parses exactly the canonical form; anything else is refused with the line that is wrong. */
    public static BuildInfo parse(byte[] bytes, String source) {
        if (bytes.length > MAX_BYTES) {
            throw new FormatException(source + ": a buildinfo is at most " + MAX_BYTES + " bytes, got " + bytes.length);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(source + ": not UTF-8");
        }
        if (!text.endsWith("\n")) {
            throw new FormatException(source + ": expected a final newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (!lines[0].equals(FORMAT)) {
            throw new FormatException(source + ":1: expected \"" + FORMAT + "\"");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int nextField = 0;
        for (int i = 1; i < lines.length; i++) {
            String where = source + ":" + (i + 1);
            String line = lines[i];
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new FormatException(where + ": expected \"NAME VALUE\"");
            }
            String name = line.substring(0, space);
            String value = line.substring(space + 1);
            int index = FIELDS.indexOf(name);
            if (index < 0) {
                throw new FormatException(where + ": unknown field \"" + printable(name) + "\"");
            }
            if (index < nextField) {
                throw new FormatException(where + ": field \"" + name + "\" is repeated or out of order");
            }
            nextField = index + 1;
            checkValue(value, where + ": " + name);
            fields.put(name, value);
        }
        if (!fields.containsKey(MANIFEST) || !fields.containsKey(BUILDER)) {
            throw new FormatException(source + ": expected the manifest and builder fields");
        }
        String measured = fields.get(MEASURED);
        if (measured != null) {
            for (String name : measured.split(" ", -1)) {
                if (!fields.containsKey(name) || FIELDS.indexOf(name) < 2 || name.equals(MEASURED)) {
                    throw new FormatException(source + ": measured names \"" + printable(name)
                            + "\", which is not a field of this buildinfo");
                }
            }
        }
        String manifestText = fields.remove(MANIFEST);
        String builderText = fields.remove(BUILDER);
        Digest manifest = Digest.parse(manifestText, source + ": manifest");
        PublicKey builder = PublicKey.parse(builderText, source + ": builder");
        if (!manifest.base32().equals(manifestText) || !builder.base32().equals(builderText)) {
            throw new FormatException(source + ": manifest and builder must be in canonical base32 (upper case)");
        }
        return new BuildInfo(bytes.clone(), manifest, builder, fields);
    }

    private static void checkValue(String value, String where) {
        if (value.isEmpty() || value.length() > MAX_VALUE) {
            throw new FormatException(where + ": expected 1 to " + MAX_VALUE + " characters, got " + value.length());
        }
        if (!value.strip().equals(value)) {
            throw new FormatException(where + ": leading or trailing white space");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                throw new FormatException(where + ": control or formatting character at position " + (i + 1));
            }
        }
    }

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** The detached signature: Ed25519 by the builder key over a fixed context and the file's bytes. */
    public byte[] sign(SigningKey key) {
        if (!key.publicKey().equals(builder)) {
            throw new FormatException("buildinfo names builder " + builder + ", not the signing key " + key.publicKey());
        }
        byte[] message = signedMessage();
        return key.sign(message, 0, message.length);
    }

    /**
     * Checks that the signature is the builder's over these bytes and that this buildinfo belongs to the
     * submission it came with: that builder key and that manifest.
     */
    public void verify(byte[] signature, PublicKey expectedBuilder, Digest expectedManifest, String where) {
        if (!builder.equals(expectedBuilder)) {
            throw new VerificationException(where + ": buildinfo names builder " + builder + ", but the request is by "
                    + expectedBuilder);
        }
        if (!manifest.equals(expectedManifest)) {
            throw new VerificationException(where + ": buildinfo is for manifest " + manifest + ", not " + expectedManifest);
        }
        byte[] message = signedMessage();
        if (signature.length != SigningKey.SIGNATURE_LENGTH
                || !builder.verify(signature, 0, message, 0, message.length)) {
            throw new VerificationException(where + ": buildinfo signature does not verify with builder key " + builder);
        }
    }

    private byte[] signedMessage() {
        byte[] message = new byte[SIGNATURE_CONTEXT.length + bytes.length];
        System.arraycopy(SIGNATURE_CONTEXT, 0, message, 0, SIGNATURE_CONTEXT.length);
        System.arraycopy(bytes, 0, message, SIGNATURE_CONTEXT.length, bytes.length);
        return message;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public Digest manifest() {
        return manifest;
    }

    public PublicKey builder() {
        return builder;
    }

    /** The environment fields in {@link #FIELDS} order (without manifest and builder). */
    public Map<String, String> environment() {
        return environment;
    }

    /** The fields measured inside the build (see {@link #MEASURED}); empty when all are self-reported. */
    public List<String> measured() {
        String names = environment.get(MEASURED);
        return names == null ? List.of() : List.of(names.split(" "));
    }

    /** One line for logs and pages: "os Linux, arch amd64, jdk-version 17.0.15, …". */
    public String summary() {
        StringBuilder out = new StringBuilder();
        environment.forEach((name, value) -> out.append(out.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(value));
        return out.length() == 0 ? "(no environment recorded)" : out.toString();
    }
}
