package io.buildchain.core.crypto;

import io.buildchain.core.FormatException;
import io.buildchain.core.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A list of public keys with optional labels, one per line: {@code BASE32KEY [label] [# comment]}. Blank
 * lines and comments are ignored. Used for trusted builders (quorum) and the signer's allow-list.
 */
public final class KeyList {
    /** '#' at the start or after a space starts a comment; "node#2" stays a label. */
    private static final Pattern TRAILING_COMMENT = Pattern.compile("(^|\\s)#.*");

    private final Map<PublicKey, String> labels;

    private KeyList(Map<PublicKey, String> labels) {
        this.labels = labels;
    }

    public static KeyList of(Map<PublicKey, String> labels) {
        return new KeyList(new LinkedHashMap<>(labels));
    }

    public static KeyList read(Path file) throws IOException {
        return parse(TextFiles.readUtf8(file, "public keys in base32, one per line: BASE32KEY [label]"), file.toString());
    }

    public static KeyList parse(String text, String source) {
        Map<PublicKey, String> labels = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = TRAILING_COMMENT.matcher(lines[i]).replaceFirst("").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            String where = source + ":" + (i + 1);
            PublicKey key = PublicKey.parse(parts[0], where);
            String label = parts.length > 1 ? parts[1] : "";
            if (labels.put(key, label) != null) {
                throw new FormatException(where + ": key " + key + " is listed twice");
            }
        }
        return new KeyList(labels);
    }

    public boolean contains(PublicKey key) {
        return labels.containsKey(key);
    }

    public Set<PublicKey> keys() {
        return labels.keySet();
    }

    public int size() {
        return labels.size();
    }

    public Optional<String> label(PublicKey key) {
        String label = labels.get(key);
        return label == null || label.isEmpty() ? Optional.empty() : Optional.of(label);
    }

    /** "label (KEY…)" or the key's first 12 characters, for reports. */
    public String describe(PublicKey key) {
        String shortKey = key.base32().substring(0, 12) + "…";
        return label(key).map(l -> l + " (" + shortKey + ")").orElse(shortKey);
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        labels.forEach((key, label) -> out.append(key.base32()).append(label.isEmpty() ? "" : " " + label).append('\n'));
        return out.toString();
    }
}
