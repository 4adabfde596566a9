package io.buildchain.core.publish;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.quorum.QuorumDecision;
import java.util.List;

/** Nothing was published: not enough trusted builders agree. Carries the vote and the divergence. */
public class QuorumNotMetException extends BuildchainException {
    private final transient QuorumDecision decision;
    private final List<String> divergence;

    public QuorumNotMetException(QuorumDecision decision, List<String> divergence) {
        super(decision.summary());
        this.decision = decision;
        this.divergence = List.copyOf(divergence);
    }

    public QuorumDecision decision() {
        return decision;
    }

    public List<String> divergence() {
        return divergence;
    }
}
