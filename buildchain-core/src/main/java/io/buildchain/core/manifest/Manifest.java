package io.buildchain.core.manifest;

import io.buildchain.core.FormatException;
import io.buildchain.core.hash.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A build's manifest: the source revision time and every output file's SHA-384. Rendered byte for byte
 * as the original buildchain renders it ({@code serde_json::to_vec_pretty}), so identical builds give
 * identical manifest digests across both implementations.
 *
 * @param time  source revision time, Unix seconds, an unsigned 64-bit value
 * @param files names (see {@link ManifestNames}) in code-point order, mapped to their content digests
 */
public record Manifest(long time, SortedMap<String, Digest> files) {

    public Manifest {
        for (String name : files.keySet()) {
            ManifestNames.check(name);
        }
        // A map already in manifest order (as TreeHasher makes it) is copied in one linear pass, not re-sorted.
        TreeMap<String, Digest> sorted = new TreeMap<>(ManifestNames.ORDER);
        sorted.putAll(files);
        checkNoFileIsAlsoADirectory(sorted);
        files = Collections.unmodifiableSortedMap(sorted);
    }

    /** The exact bytes the original writes: 2-space indent, no trailing newline, {} for no files. */
    public byte[] render() {
        StringBuilder out = new StringBuilder(64 + files.size() * 128);
        out.append("{\n  \"time\": ").append(Long.toUnsignedString(time)).append(",\n  \"files\": ");
        if (files.isEmpty()) {
            out.append("{}");
        } else {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Digest> entry : files.entrySet()) {
                out.append(first ? "\n    " : ",\n    ");
                first = false;
                appendJsonString(out, entry.getKey());
                out.append(": ");
                appendJsonString(out, entry.getValue().base32());
            }
            out.append("\n  }");
        }
        out.append("\n}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** SHA-384 of {@link #render()}: the value a builder request and a block carry. */
    public Digest digest() {
        return Digest.of(render());
    }

    /** Strict parse; see {@link ManifestParser}. */
    public static Manifest parse(byte[] json, String source) {
        return ManifestParser.parse(json, source);
    }

    /**
     * Parses and also requires that the bytes are exactly what {@link #render()} gives, so that two equal
     * manifests always have equal digests (the quorum compares digests).
     */
    public static Manifest parseCanonical(byte[] json, String source) {
        Manifest manifest = parse(json, source);
        if (!java.util.Arrays.equals(manifest.render(), json)) {
            throw new FormatException(source + ": manifest is valid but not in canonical form "
                    + "(2-space indent, sorted names, no trailing newline); write it with 'buildchain manifest'");
        }
        return manifest;
    }

    /** serde_json's escaping: short escapes for \" \\ \b \f \n \r \t, a u00xx escape for other controls, rest raw. */
    public static void appendJsonString(StringBuilder out, String value) {
        out.append('"');
        if (!needsEscape(value)) {
            out.append(value).append('"');
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsEscape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    private static void checkNoFileIsAlsoADirectory(TreeMap<String, Digest> sorted) {
        String previous = "";
        for (String name : sorted.keySet()) {
            int slash = name.indexOf('/');
            // Neighbours in a tree share their directories: a parent the previous name had is checked already.
            while (slash >= 0 && previous.length() > slash && name.regionMatches(0, previous, 0, slash + 1)) {
                slash = name.indexOf('/', slash + 1);
            }
            previous = name;
            while (slash >= 0) {
                String parent = name.substring(0, slash);
                if (sorted.containsKey(parent)) {
                    throw new FormatException("file name " + ManifestNames.quote(parent)
                            + " is both a file and the directory of " + ManifestNames.quote(name));
                }
                slash = name.indexOf('/', slash + 1);
            }
        }
    }
}
