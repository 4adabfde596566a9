package io.buildchain.core.quorum;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reproducible builds as a vote: a release is accepted only when at least k distinct trusted builder keys
 * signed requests for byte-identical manifests. A key counts once; untrusted keys, bad signatures and
 * builders that signed two different manifests count zero. Every submission is kept in the decision.
 */
public final class Quorum {
    private Quorum() {
    }

    /** A vote with no memory of earlier releases ({@link Freshness#UNCHECKED}). */
    public static QuorumDecision decide(List<Submission> submissions, KeyList trusted, int quorum) {
        return decide(submissions, trusted, quorum, Freshness.UNCHECKED);
    }

    /**
     * The vote. A request {@code freshness} calls stale counts zero and, being someone else's old request,
     * never makes its key equivocate: only fresh requests are compared.
     */
    public static QuorumDecision decide(List<Submission> submissions, KeyList trusted, int quorum,
            Freshness freshness) {
        if (quorum < 1) {
            throw new FormatException("quorum: expected at least 1, got " + quorum);
        }
        if (quorum > trusted.size()) {
            throw new FormatException("quorum " + quorum + " can never be met: only " + trusted.size()
                    + " trusted builder key(s) are configured");
        }
        if (submissions.isEmpty()) {
            throw new FormatException("no submissions: give at least one MANIFEST:REQUEST pair");
        }
        List<Vote> votes = new ArrayList<>();
        for (Submission submission : submissions) {
            votes.add(classify(submission, trusted, freshness));
        }
        markRepeatedKeys(votes);

        Map<Digest, Integer> tally = new LinkedHashMap<>();
        for (Vote vote : votes) {
            if (vote.status() == Vote.Status.AGREE) {
                tally.merge(vote.digest(), 1, Integer::sum);
            }
        }
        List<Digest> reached = tally.entrySet().stream().filter(e -> e.getValue() >= quorum).map(Map.Entry::getKey)
                .toList();
        Optional<Digest> accepted = reached.size() == 1 ? Optional.of(reached.get(0)) : Optional.empty();
        for (int i = 0; i < votes.size(); i++) {
            Vote vote = votes.get(i);
            if (vote.status() == Vote.Status.AGREE && !accepted.map(vote.digest()::equals).orElse(false)) {
                votes.set(i, vote.withStatus(accepted.isPresent() ? Vote.Status.DISSENT : Vote.Status.NO_QUORUM,
                        null));
            }
        }
        Map<Digest, Integer> sortedTally = new LinkedHashMap<>();
        tally.entrySet().stream().sorted(Map.Entry.<Digest, Integer>comparingByValue().reversed())
                .forEach(e -> sortedTally.put(e.getKey(), e.getValue()));
        return new QuorumDecision(quorum, trusted, accepted, List.copyOf(votes), sortedTally,
                summary(quorum, trusted, accepted, reached, sortedTally));
    }

    private static Vote classify(Submission submission, KeyList trusted, Freshness freshness) {
        Digest digest = Digest.of(submission.manifest());
        Manifest manifest = null;
        String manifestProblem = null;
        try {
            // Reasons end up in public evidence: they name no path of the publisher.
            manifest = Manifest.parseCanonical(submission.manifest(), "manifest");
        } catch (BuildchainException e) {
            manifestProblem = e.getMessage();
        }
        SignedRequest request;
        try {
            request = SignedRequest.decode(submission.request(), "request");
        } catch (BuildchainException e) {
            return new Vote(submission, Vote.Status.BAD_REQUEST, null, digest, manifest, null, e.getMessage());
        }
        PublicKey key = request.publicKey();
        if (!request.signatureValid()) {
            return new Vote(submission, Vote.Status.BAD_REQUEST, key, digest, manifest, request,
                    "request signature does not verify");
        }
        if (!request.digest().equals(digest)) {
            return new Vote(submission, Vote.Status.BAD_REQUEST, key, digest, manifest, request,
                    "request signs manifest " + request.digest() + ", not this one");
        }
        if (manifestProblem != null) {
            return new Vote(submission, Vote.Status.INVALID_MANIFEST, key, digest, null, request, manifestProblem);
        }
        if (!trusted.contains(key)) {
            return new Vote(submission, Vote.Status.UNTRUSTED, key, digest, manifest, request,
                    "key is not in the trusted builder list");
        }
        Optional<String> stale = freshness.staleness(request);
        if (stale.isPresent()) {
            return new Vote(submission, Vote.Status.REPLAYED, key, digest, manifest, request, stale.get());
        }
        return new Vote(submission, Vote.Status.AGREE, key, digest, manifest, request, null);
    }

    /** A key counts once; a key behind two different manifests counts for neither. */
    private static void markRepeatedKeys(List<Vote> votes) {
        Map<PublicKey, Set<Digest>> digestsByKey = new HashMap<>();
        for (Vote vote : votes) {
            if (vote.status() == Vote.Status.AGREE) {
                digestsByKey.computeIfAbsent(vote.key(), k -> new HashSet<>()).add(vote.digest());
            }
        }
        Set<PublicKey> counted = new HashSet<>();
        for (int i = 0; i < votes.size(); i++) {
            Vote vote = votes.get(i);
            if (vote.status() != Vote.Status.AGREE) {
                continue;
            }
            if (digestsByKey.get(vote.key()).size() > 1) {
                votes.set(i, vote.withStatus(Vote.Status.EQUIVOCATION,
                        "this key signed " + digestsByKey.get(vote.key()).size() + " different manifests"));
            } else if (!counted.add(vote.key())) {
                votes.set(i, vote.withStatus(Vote.Status.DUPLICATE_KEY, "this key was already counted"));
            }
        }
    }

    private static String summary(int quorum, KeyList trusted, Optional<Digest> accepted, List<Digest> reached,
            Map<Digest, Integer> tally) {
        if (accepted.isPresent()) {
            return "quorum met: " + tally.get(accepted.get()) + " distinct trusted builder(s) agree on manifest "
                    + accepted.get() + " (quorum " + quorum + " of " + trusted.size() + " trusted)";
        }
        if (reached.size() > 1) {
            return "quorum ambiguous: " + reached.size() + " different manifests each reached quorum " + quorum
                    + "; raise the quorum above half the trusted builders";
        }
        int best = tally.values().stream().max(Integer::compare).orElse(0);
        return "quorum not met: at most " + best + " distinct trusted builder(s) agree on any one manifest, "
                + quorum + " needed (" + tally.size() + " different manifest(s) among trusted builders)";
    }
}
