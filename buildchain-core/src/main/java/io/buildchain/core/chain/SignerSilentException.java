package io.buildchain.core.chain;

import io.buildchain.core.BuildchainException;

/**
 * The signing node sent nothing back. pihsm answers a request it will not sign with silence, so this is
 * either a refusal (a stale builder counter, a key not on its allow-list) or a node that is not there.
 */
public class SignerSilentException extends BuildchainException {
    public SignerSilentException(String message) {
        super(message);
    }
}
