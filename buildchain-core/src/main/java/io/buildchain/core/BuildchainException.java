package io.buildchain.core;

/**
 * Any failure the user should see as one line: the message names what was wrong and what was expected. Messages
 * quote what attackers write (names, JSON keys, parser messages), so the line is made safe here, once: control
 * and line-breaking characters are escaped and the length is bounded.
 */
public class BuildchainException extends RuntimeException {
    /** Longer messages are cut: they reach terminals, logs and HTTP answers as they are. */
    public static final int MAX_MESSAGE_CHARS = 4096;

    public BuildchainException(String message) {
        super(oneLine(message));
    }

    public BuildchainException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code text} as one bounded line: control, format and line-separator characters as {@code \\uXXXX}. */
    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_MESSAGE_CHARS) + 16);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_MESSAGE_CHARS) {
                return out.append("… (").append(text.length()).append(" characters in all)").toString();
            }
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
