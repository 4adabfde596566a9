package io.buildchain.core.ci;

import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A CI job run again on the same source builds the same manifest with new requests. When the builders agree on the
 * very manifest the branch's tail already carries, the release is published already: the answer is that block,
 * not a second block for the same release. The vote is counted as the publisher counts it, and only decides this.
 */
public final class Republish {
    private Republish() {
    }

    /** The branch's tail when the agreeing manifest of {@code votes} is the one it carries; empty otherwise. */
    public static Optional<Block> sameManifestAsTail(Store store, String project, String branch, List<Submission> votes,
            KeyList trusted, int quorum) throws IOException {
        Optional<Block> tail = store.tail(project, branch);
        if (tail.isEmpty()) {
            return Optional.empty();
        }
        QuorumDecision decision = Quorum.decide(votes, trusted, quorum);
        return decision.met() && decision.agreeing().get(0).digest().equals(tail.get().digest()) ? tail
                : Optional.empty();
    }
}
