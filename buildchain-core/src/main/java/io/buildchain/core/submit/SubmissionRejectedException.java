package io.buildchain.core.submit;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.Printable;

/**
 * A submission refused, with the HTTP status that says why (400 malformed, 403 untrusted, 413 too large). The
 * message quotes what the uploader sent (entry names, parser errors) and goes back to it and into the log, so it
 * is kept to one line whatever those hold.
 */
public class SubmissionRejectedException extends BuildchainException {
    private final int status;

    public SubmissionRejectedException(int status, String message) {
        super(Printable.of(message));
        this.status = status;
    }

    public int status() {
        return status;
    }
}
