package io.buildchain.jenkins.steps;

import hudson.AbortException;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.root.TrustRefusal;

/**
 * How a step ends on an expected refusal (a quorum that can never be met, a branch another job publishes, a
 * directory outside any checkout...): one line naming the step, as an {@link AbortException}, which Jenkins prints
 * as {@code ERROR: <message>} without a stack trace. Anything unexpected keeps its stack trace.
 */
final class Refusals {
    static final String CERTIFY_IN_JENKINS = "Certify the signer key on the offline root machine (Manage Jenkins > "
            + "System > Build chain shows the command), then paste the certificate there under \"Add a certificate or "
            + "revocation\".";
    private Refusals() {
    }

    interface Body<T> {
        T run() throws Exception;
    }

    static <T> T oneLine(String functionName, Body<T> body) throws Exception {
        try {
            return body.run();
        } catch (TrustRefusal e) {
            // Its commands end in 'buildchain root add --store JENKINS_HOME/...': in Jenkins the certificate is pasted.
            throw new AbortException(functionName + ": " + (e.commands().isEmpty() ? e.getMessage() : e.reason() + " "
                    + CERTIFY_IN_JENKINS));
        } catch (BuildchainException e) {
            throw new AbortException(functionName + ": " + e.getMessage());
        }
    }
}
