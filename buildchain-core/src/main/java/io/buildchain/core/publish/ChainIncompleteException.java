package io.buildchain.core.publish;

import io.buildchain.core.VerificationException;

/** A signed block whose chain back to the signer's genesis is not whole in the store: its tail does not move. */
public class ChainIncompleteException extends VerificationException {
    public ChainIncompleteException(String message) {
        super(message);
    }
}
