package hudson.util;

import java.io.IOException;
import org.kohsuke.stapler.HttpResponse;

public abstract class FormValidation extends IOException implements HttpResponse {
    /** The real constructors are private: only the factories below make instances. */
    private FormValidation() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static FormValidation ok() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static FormValidation ok(String message) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static FormValidation warning(String message) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static FormValidation error(String message) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
