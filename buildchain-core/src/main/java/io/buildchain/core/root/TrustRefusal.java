package io.buildchain.core.root;

import io.buildchain.core.VerificationException;
import java.util.List;

/**
 * A refusal of the signer-key history: one line that starts with its cause in plain words, so the CLI,
 * {@code serve} and Jenkins print the same thing.
 */
public final class TrustRefusal extends VerificationException {
    /** Each way the history can be attacked or broken. */
    public enum Cause {
        ANOTHER_ROOT("another root"),
        FORGED("forged"),
        NOT_IN_STORE("not in the store"),
        FORK("fork"),
        NOT_CERTIFIED("not certified"),
        REPLAYED("replayed"),
        REVOKED("revoked"),
        ROLLBACK("rollback"),
        KEY_CHANGE("signer key changed");

        private final String words;

        Cause(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private final Cause cause;
    private final String reason;
    private final List<String> commands;

    public TrustRefusal(Cause cause, String detail) {
        this(cause, detail, List.of());
    }

    /** @param commands what the operator runs to resolve it, in order (also in the message) */
    public TrustRefusal(Cause cause, String detail, List<String> commands) {
        super(cause.words() + ": " + detail + (commands.isEmpty() ? "" : " Run: " + String.join(" ; then: ", commands)));
        this.cause = cause;
        this.reason = cause.words() + ": " + detail;
        this.commands = List.copyOf(commands);
    }

    /** The message without the commands, for a front end that offers its own way (the Jenkins settings page). */
    public String reason() {
        return reason;
    }

    public List<String> commands() {
        return commands;
    }

    public Cause cause() {
        return cause;
    }
}
