package io.buildchain.core.quorum;

import io.buildchain.core.chain.SignedRequest;
import java.util.Optional;

/** Whether a builder request is new to whoever counts it: a request counts once, ever. */
@FunctionalInterface
public interface Freshness {
    /** Why {@code request} must not count again (it or a newer one was counted before), or empty if it is fresh. */
    Optional<String> staleness(SignedRequest request);

    /**
     * The named unsafe choice: every request counts as fresh. Only for a vote with no memory to compare against
     * (a one-off comparison of manifests); a publisher and a recounting client use a {@link RequestLedger}.
     */
    Freshness UNCHECKED = request -> Optional.empty();
}
