package io.buildchain.core.publish;

import io.buildchain.core.VerificationException;

/**
 * A signed block that cannot become its release (the recount rejects it, or a newer release is on the chain before
 * it): the journal is dropped, the block stays a link of the chain, and the builders submit again with new requests.
 */
public class ReleaseRefusedException extends VerificationException {
    public ReleaseRefusedException(String message) {
        super(message);
    }
}
