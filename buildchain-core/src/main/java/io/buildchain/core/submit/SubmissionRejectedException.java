package io.buildchain.core.submit;

import io.buildchain.core.BuildchainException;

/**
 * A submission refused, with the HTTP status that says why (400 malformed, 403 untrusted, 413 too large). The
 * message quotes what the uploader sent and goes back to it and into the log: one line, as every refusal is.
 */
public class SubmissionRejectedException extends BuildchainException {
    private final int status;

    public SubmissionRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
