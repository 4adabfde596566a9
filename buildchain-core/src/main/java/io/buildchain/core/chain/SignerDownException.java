package io.buildchain.core.chain;

/**
 * The signing node was silent to a builder's request and then to the publisher's own request sent after it: it is not
 * there (stopped, or restarting), not refusing. The publish stops with its journal kept, so the next one finishes it.
 */
public class SignerDownException extends SignerSilentException {
    public SignerDownException(String message) {
        super(message);
    }
}
