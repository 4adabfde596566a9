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
 * Reproducible builds as a vote: a release is accepted only when at least k distinct trusted operators signed,
 * through their builder keys, requests for byte-identical manifests. A key counts once, an operator counts once
 * (a key with no operator is its own); untrusted keys, bad signatures and builders that signed two different
 * manifests count zero. Every submission is kept in the decision.
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
        if (quorum > trusted.operatorCount()) {
            throw new FormatException("quorum " + quorum + " can never be met: only " + trusted.size()
                    + " trusted builder key(s) are configured"
                    + (trusted.operatorCount() < trusted.size() ? ", run by " + trusted.operatorCount()
                            + " distinct operator(s)" : ""));
        }
        if (submissions.isEmpty()) {
            throw new FormatException("no submissions: give at least one MANIFEST:REQUEST pair");
        }
        List<Vote> votes = new ArrayList<>();
        for (Submission submission : submissions) {
            votes.add(classify(submission, trusted, freshness));
        }
        List<Integer> candidates = new ArrayList<>();
        List<Ballot> ballots = new ArrayList<>();
        for (int i = 0; i < votes.size(); i++) {
            if (votes.get(i).status() == Vote.Status.AGREE) {
                candidates.add(i);
                ballots.add(new Ballot(votes.get(i).key(), votes.get(i).digest()));
            }
        }
        Count count = count(ballots, trusted);
        for (int c = 0; c < candidates.size(); c++) {
            Counted counted = count.ballots().get(c);
            if (counted.status() != Vote.Status.AGREE) {
                int i = candidates.get(c);
                votes.set(i, votes.get(i).withStatus(counted.status(), counted.reason()));
            }
        }

        Map<Digest, Integer> tally = new LinkedHashMap<>();
        count.operators().forEach((digest, operators) -> tally.put(digest, operators.size()));
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
        long sameOperator = votes.stream().filter(v -> v.status() == Vote.Status.SAME_OPERATOR).count();
        return new QuorumDecision(quorum, trusted, accepted, List.copyOf(votes), sortedTally,
                summary(quorum, trusted, accepted, reached, sortedTally) + (sameOperator == 0 ? ""
                        : "; " + sameOperator + " vote(s) did not count again because their operator was already counted"));
    }

    /** A valid request by a trusted key for a manifest digest: what the counting rule looks at. */
    public record Ballot(PublicKey key, Digest digest) {
    }

    /** How one ballot counted: {@link Vote.Status#AGREE} if it counted, else why not. */
    public record Counted(Ballot ballot, Vote.Status status, String reason) {
    }

    /**
     * The count: each ballot's fate, and per manifest digest the distinct operators counted for it (by
     * {@link KeyList#operatorId}, each with the first key that counted for it), in ballot order.
     */
    public record Count(List<Counted> ballots, Map<Digest, Map<String, PublicKey>> operators) {
        /** Who counted for {@code digest}: operator names, or the key for a key that is its own operator. */
        public List<String> operatorsOf(Digest digest, KeyList trusted) {
            return operators.getOrDefault(digest, Map.of()).values().stream()
                    .map(key -> trusted.operator(key).orElse(trusted.describe(key))).toList();
        }
    }

    /**
     * The one counting rule, used by the publisher, the submission inbox, verify's recount and the pages: a key
     * counts once; a key behind two different manifests counts for neither; and an operator counts once per
     * manifest however many of its keys agree on it. Ballots must already be valid and trusted.
     */
    public static Count count(List<Ballot> ballots, KeyList trusted) {
        Map<PublicKey, Set<Digest>> digestsByKey = new HashMap<>();
        for (Ballot ballot : ballots) {
            digestsByKey.computeIfAbsent(ballot.key(), k -> new HashSet<>()).add(ballot.digest());
        }
        Set<PublicKey> counted = new HashSet<>();
        Map<Digest, Map<String, PublicKey>> operators = new LinkedHashMap<>();
        List<Counted> outcomes = new ArrayList<>();
        for (Ballot ballot : ballots) {
            int signed = digestsByKey.get(ballot.key()).size();
            if (signed > 1) {
                outcomes.add(new Counted(ballot, Vote.Status.EQUIVOCATION,
                        "this key signed " + signed + " different manifests"));
                continue;
            }
            if (!counted.add(ballot.key())) {
                outcomes.add(new Counted(ballot, Vote.Status.DUPLICATE_KEY, "this key was already counted"));
                continue;
            }
            Map<String, PublicKey> forDigest = operators.computeIfAbsent(ballot.digest(), d -> new LinkedHashMap<>());
            PublicKey first = forDigest.putIfAbsent(trusted.operatorId(ballot.key()), ballot.key());
            if (first != null) {
                outcomes.add(new Counted(ballot, Vote.Status.SAME_OPERATOR, "operator "
                        + trusted.operator(ballot.key()).orElseThrow() + " was already counted for this manifest (key "
                        + trusted.describe(first) + ")"));
            } else {
                outcomes.add(new Counted(ballot, Vote.Status.AGREE, null));
            }
        }
        return new Count(List.copyOf(outcomes), operators);
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

    private static String summary(int quorum, KeyList trusted, Optional<Digest> accepted, List<Digest> reached,
            Map<Digest, Integer> tally) {
        // Lists without operators read as before: every key is its own operator, a builder.
        String who = trusted.hasOperators() ? "operator(s)" : "builder(s)";
        if (accepted.isPresent()) {
            return "quorum met: " + tally.get(accepted.get()) + " distinct trusted " + who + " agree on manifest "
                    + accepted.get() + " (quorum " + quorum + " of " + trusted.operatorCount() + " trusted)";
        }
        if (reached.size() > 1) {
            return "quorum ambiguous: " + reached.size() + " different manifests each reached quorum " + quorum
                    + "; raise the quorum above half the trusted builders";
        }
        int best = tally.values().stream().max(Integer::compare).orElse(0);
        return "quorum not met: at most " + best + " distinct trusted " + who + " agree on any one manifest, "
                + quorum + " needed (" + tally.size() + " different manifest(s) among trusted builders)";
    }
}
