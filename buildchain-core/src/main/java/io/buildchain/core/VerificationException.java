package io.buildchain.core;

/** Well-formed data that fails a security check: a bad signature, a wrong key, a digest mismatch, a rollback. */
public class VerificationException extends BuildchainException {
    public VerificationException(String message) {
        super(message);
    }
}
