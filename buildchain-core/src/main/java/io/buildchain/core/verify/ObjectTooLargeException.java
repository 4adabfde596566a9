package io.buildchain.core.verify;

import java.io.IOException;

/**
 * A read refused for size: more bytes arrived, were announced or are on disk than the caller's bound.
 * {@link #received()} says what came ("more than 13", "Content-Length 1099511627776"), for the caller's message.
 */
final class ObjectTooLargeException extends IOException {
    private final String received;

    ObjectTooLargeException(String message, String received) {
        super(message);
        this.received = received;
    }

    String received() {
        return received;
    }
}
