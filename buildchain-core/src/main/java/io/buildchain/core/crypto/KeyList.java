package io.buildchain.core.crypto;

import io.buildchain.core.FormatException;
import io.buildchain.core.Printable;
import io.buildchain.core.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
/**
 * A list of public keys with optional labels, one per line: {@code BASE32KEY [label] [operator=NAME] [# comment]}.
 * Blank lines and comments are ignored. Used for trusted builders (quorum) and the signer's allow-list.
 * The operator says who runs a key, so that one party's several keys count as one vote; a key without one is
 * its own operator, so files written before operators existed mean what they meant.
 */
public final class KeyList {
    /** '#' at the start or after a space starts a comment; "node#2" stays a label. */
    private static final Pattern TRAILING_COMMENT = Pattern.compile("(^|\\s)#.*");
    private static final String OPERATOR = "operator=";
    private static final Pattern OPERATOR_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern MISSPELT_OPERATOR = Pattern.compile("(?!operator=)(?i:operators?[=:]).*");
    private final Map<PublicKey, String> labels;
    private final Map<PublicKey, String> operators;

    private KeyList(Map<PublicKey, String> labels, Map<PublicKey, String> operators) {
        this.labels = labels;
        this.operators = operators;
    }

    public static KeyList of(Map<PublicKey, String> labels) {
        return of(labels, Map.of());
    }

    /** @param operators the explicit operator of some of the keys (each must also be in {@code labels}) */
    public static KeyList of(Map<PublicKey, String> labels, Map<PublicKey, String> operators) {
        for (Map.Entry<PublicKey, String> operator : operators.entrySet()) {
            if (!labels.containsKey(operator.getKey())) {
                throw new FormatException("operator " + operator.getValue() + " names key " + operator.getKey()
                        + ", which is not in the list");
            }
            checkOperator(operator.getValue(), "operator of " + operator.getKey());
        }
        return new KeyList(new LinkedHashMap<>(labels), new LinkedHashMap<>(operators));
    }

    public static KeyList read(Path file) throws IOException {
        return parse(TextFiles.readUtf8(file, "public keys in base32, one per line: BASE32KEY [label]"), file.toString());
    }

    public static KeyList parse(String text, String source) {
        Map<PublicKey, String> labels = new LinkedHashMap<>();
        Map<PublicKey, String> operators = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = TRAILING_COMMENT.matcher(lines[i]).replaceFirst("").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = source + ":" + (i + 1);
            if (!Printable.isPrintable(line)) {
                // A label is printed in reports and pages: it must not move the cursor, start a line or reorder one.
                throw new FormatException(where + ": control, format or line-separator character in the line "
                        + "(expected BASE32KEY [label] [operator=NAME])");
            }
            PublicKey key = PublicKey.parse(parts[0], where);
            List<String> label = new ArrayList<>();
            String operator = null;
            for (int p = 1; p < parts.length; p++) {
                if (MISSPELT_OPERATOR.matcher(parts[p]).matches()) {
                    // A misspelt operator would silently make the key its own operator: one more vote.
                    throw new FormatException(where + ": \"" + parts[p] + "\": expected operator=NAME");
                } else if (!parts[p].startsWith(OPERATOR)) {
                    label.add(parts[p]);
                } else if (operator != null) {
                    throw new FormatException(where + ": operator= given twice for key " + key);
                } else {
                    operator = checkOperator(parts[p].substring(OPERATOR.length()), where);
                }
            }
            // Without an operator the label stays exactly as written, as before operators existed.
            String labelText = operator == null ? line.substring(parts[0].length()).strip() : String.join(" ", label);
            if (labels.put(key, labelText) != null) {
                throw new FormatException(where + ": key " + key + " is listed twice");
            }
            if (operator != null) {
                operators.put(key, operator);
            }
        }
        return new KeyList(labels, operators);
    }

    private static String checkOperator(String name, String where) {
        if (!OPERATOR_NAME.matcher(name).matches()) {
            throw new FormatException(where + ": operator=\"" + name + "\": expected operator=NAME, NAME 1 to 64 of "
                    + "letters, digits, '.', '_', '@', '-', starting with a letter or digit");
        }
        return name;
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

    /** Who runs {@code key}, if the list says so. */
    public Optional<String> operator(PublicKey key) {
        return Optional.ofNullable(operators.get(key));
    }

    /**
     * The identity the quorum counts for {@code key}: its operator's name, or for a key without one the key
     * itself (a key is its own operator). The two cannot collide: a key's identity holds a ':'. Names compare
     * without case: "acme" and "ACME" are one operator, one vote.
     */
    public String operatorId(PublicKey key) {
        String operator = operators.get(key);
        return operator != null ? operator.toLowerCase(java.util.Locale.ROOT) : "key:" + key.base32();
    }

    /** Whether any key has an explicit operator (reports then speak of operators rather than builders). */
    public boolean hasOperators() {
        return !operators.isEmpty();
    }

    /** How many distinct operators run the listed keys: the most a quorum can count. */
    public int operatorCount() {
        return (int) labels.keySet().stream().map(this::operatorId).distinct().count();
    }

    /** "operator NAME" or "own operator", for reports. */
    public String describeOperator(PublicKey key) {
        return operator(key).map(o -> "operator " + o).orElse("own operator");
    }

    /** "label (KEY…)" or the key's first 12 characters, for reports. */
    public String describe(PublicKey key) {
        String shortKey = key.base32().substring(0, 12) + "…";
        return label(key).map(l -> l + " (" + shortKey + ")").orElse(shortKey);
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        labels.forEach((key, label) -> out.append(key.base32()).append(label.isEmpty() ? "" : " " + label)
                .append(operators.containsKey(key) ? " " + OPERATOR + operators.get(key) : "").append('\n'));
        return out.toString();
    }
}
