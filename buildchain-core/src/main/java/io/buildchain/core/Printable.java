package io.buildchain.core;

/**
 * Text from outside (archive entry names and owners, JSON keys, parser messages quoting input) placed into our
 * own lines: a message stays one bounded line and a report keeps its lines, whatever the text holds.
 */
public final class Printable {
    private Printable() {
    }

    /**
     * {@code text} with every control, format and line-separator character but tab as '?' ("null" for none, as
     * string concatenation does).
     */
    public static String of(String text) {
        return line(text, Integer.MAX_VALUE);
    }

    /** {@link #of} cut after {@code maxChars} characters, saying how long the whole was. */
    public static String line(String text, int maxChars) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 32);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= maxChars) {
                return out.append("… (").append(text.length()).append(" characters in all)").toString();
            }
            char c = text.charAt(i);
            out.append(breaks(c) ? '?' : c);
        }
        return out.toString();
    }

    /** Whether {@link #of} leaves {@code text} as it is: no character in it may break a line or reorder one. */
    public static boolean isPrintable(String text) {
        return text.chars().noneMatch(c -> breaks((char) c));
    }

    private static boolean breaks(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) && c != '\t' || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
    }
}
