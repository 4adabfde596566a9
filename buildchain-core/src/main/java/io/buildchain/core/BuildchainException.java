package io.buildchain.core;

/**
 * Any failure the user should see as one line: the message names what was wrong and what was expected. Messages
 * quote what attackers write (names, JSON keys, parser messages), so the line is made safe here, once, for every
 * refusal: see {@link Printable}.
 */
public class BuildchainException extends RuntimeException {
    /** Longer messages are cut: they reach terminals, logs and HTTP answers as they are. */
    public static final int MAX_MESSAGE_CHARS = 4096;

    public BuildchainException(String message) {
        super(Printable.line(message, MAX_MESSAGE_CHARS));
    }

    public BuildchainException(String message, Throwable cause) {
        super(Printable.line(message, MAX_MESSAGE_CHARS), cause);
    }
}
