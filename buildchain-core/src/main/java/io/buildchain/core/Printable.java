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
            int type = Character.getType(c);
            boolean breaks = Character.isISOControl(c) && c != '\t' || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
            out.append(breaks ? '?' : c);
        }
        return out.toString();
    }
}
