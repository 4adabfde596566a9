package io.buildchain.core;

/** Any failure the user should see as one line: the message names what was wrong and what was expected. */
public class BuildchainException extends RuntimeException {
    public BuildchainException(String message) {
        super(message);
    }

    public BuildchainException(String message, Throwable cause) {
        super(message, cause);
    }
}
