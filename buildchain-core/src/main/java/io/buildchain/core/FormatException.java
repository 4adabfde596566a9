package io.buildchain.core;

/** Input that does not have the expected shape (a malformed manifest, key, request, block, file name...). */
public class FormatException extends BuildchainException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
