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
        SUCCEEDED("succeeded"),
        REVOKED("revoked"),
        ROLLBACK("rollback"),
        KEY_CHANGE("signer key changed"),
        /** A root statement this client saw for the store is missing from it now (a revocation hidden). */
        STATEMENT_WITHHELD("statement withheld"),
        /** The store showed this client a log of a signer key, and shows none (or a smaller one) now. */
        LOG_WITHHELD("log withheld"),
        /** The newest release of a branch has an older version or source time than one seen as newest before. */
        OLDER_RELEASE("older release"),
        /** The store's newest signed time is older than the client's --max-age. */
        FREEZE("freeze"),
        /** A release with no release record: nothing signed says which project and branch it is for. */
        UNBOUND_RELEASE("unbound release"),
        /** Evidence the chain binds (through the publisher's evidence note) is missing or altered. */
        EVIDENCE_WITHHELD("evidence withheld");

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
