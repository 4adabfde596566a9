package io.buildchain.core.chain;

import io.buildchain.core.BuildchainException;

/** The signing node refused a request (allow-list, replay, bad signature): retrying it will not help. */
public class SignerRefusedException extends BuildchainException {
    public SignerRefusedException(String reason) {
        super("signer refused the request: " + reason);
    }
}
