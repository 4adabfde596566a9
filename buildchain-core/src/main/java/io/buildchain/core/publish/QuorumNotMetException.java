package io.buildchain.core.publish;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.quorum.QuorumDecision;
import java.util.List;

/** Nothing was published: not enough trusted builders agree. Carries the vote and the divergence. */
public class QuorumNotMetException extends BuildchainException {
    private final transient QuorumDecision decision;
    private final transient List<Explanation> explanations;

    public QuorumNotMetException(QuorumDecision decision, List<Explanation> explanations) {
        super(decision.summary());
        this.decision = decision;
        this.explanations = List.copyOf(explanations);
    }

    public QuorumDecision decision() {
        return decision;
    }

    /** The divergence in full, as text lines. */
    public List<String> divergence() {
        return Explanation.lines(explanations);
    }

    public List<Explanation> explanations() {
        return explanations;
    }
}
