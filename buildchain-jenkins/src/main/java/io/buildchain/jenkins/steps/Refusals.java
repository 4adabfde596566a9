package io.buildchain.jenkins.steps;

import hudson.AbortException;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.Remedies;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.root.TrustRefusal;
import java.nio.file.Path;

/**
 * How a step ends on an expected refusal (a quorum that can never be met, a branch another job publishes, a
 * directory outside any checkout...): one line naming the step, as an {@link AbortException}, which Jenkins prints
 * as {@code ERROR: <message>} without a stack trace. Anything unexpected keeps its stack trace.
 */
final class Refusals {
    static final String CERTIFY_IN_JENKINS = "Certify the signer key on the offline root machine (Manage Jenkins > "
            + "System > Build chain shows the command), then paste the certificate there under \"Add a certificate or "
            + "revocation\".";
    /** The recoveries refusals ask for, as a Jenkins user does them (no shell on the controller or the nodes). */
    static final Remedies REMEDIES = new Remedies() {
        @Override
        public String resumeAfter(long counter) {
            return "run the job again: buildchainManifest numbers each agent's next request above the newest one "
                    + "this controller counted of its key (" + Long.toUnsignedString(counter) + ")";
        }

        @Override
        public String missingBlocks(Path store) {
            return "the signing node keeps every block it signed in its state directory's chain/: paste the missing "
                    + "block files, base64, one per line, under Manage Jenkins > System > Build chain > \"Import "
                    + "blocks\"";
        }

        @Override
        public String allowRequestKey(PublicKey key, Path store) {
            return "a signing node started with --allow must list this controller's checkpoint request key " + key;
        }
    };

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
