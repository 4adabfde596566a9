package hudson;

import java.io.IOException;

public class AbortException extends IOException {
    /** A real exception even here, so offline tests see the one line a step fails with. */
    public AbortException(String message) {
        super(message);
    }
}
