package io.buildchain.core;

/**
 * Text from outside (archive entry names and owners, parser messages quoting input) placed into our own
 * lines: a message stays one line and a report keeps its lines, whatever the text holds.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} with every control character but tab as '?' ("null" for none, as string concatenation does). */
    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(Character.isISOControl(c) && c != '\t' ? '?' : (char) c));
        return out.toString();
    }
}
