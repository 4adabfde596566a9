package io.buildchain.core.publish;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Freshness;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Submission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Which one release a publish is about. The submissions waiting for a branch may be for several releases (v1
 * still waiting while v2 arrives); a release is known by its manifest's source time, so one builder's v1 and
 * v2 are two votes in two releases, and equivocation is two different manifests of one source time by one key.
 * The oldest release (not older than the branch's tail) that meets the quorum is taken, with exactly its
 * submissions; the others are left as they are, uncounted. Without one that meets it, the newest is
 * reported. A submission whose manifest does not parse goes with the chosen release, to be recorded as invalid.
 *
 * @param taken    the submissions of the chosen release: the only ones counted, recorded and consumed
 * @param decision the quorum's decision over {@code taken}
 */
record ReleaseChoice(List<Submission> taken, QuorumDecision decision) {
    static ReleaseChoice choose(List<Submission> submissions, KeyList trusted, int quorum, Freshness ledger,
            OptionalLong tailTime) {
        TreeMap<Long, List<Submission>> bySourceTime = new TreeMap<>(Long::compareUnsigned);
        List<Submission> unreadable = new ArrayList<>();
        for (Submission submission : submissions) {
            OptionalLong time = sourceTime(submission);
            if (time.isPresent()) {
                bySourceTime.computeIfAbsent(time.getAsLong(), t -> new ArrayList<>()).add(submission);
            } else {
                unreadable.add(submission);
            }
        }
        if (bySourceTime.isEmpty()) {
            return new ReleaseChoice(unreadable, Quorum.decide(unreadable, trusted, quorum, ledger));
        }
        Map<Long, List<Submission>> candidates = tailTime.isPresent()
                ? bySourceTime.tailMap(tailTime.getAsLong(), true) : bySourceTime;
        if (candidates.isEmpty()) {
            candidates = bySourceTime.tailMap(bySourceTime.lastKey(), true); // all stale: the newest, refused as such
        }
        ReleaseChoice last = null;
        for (List<Submission> release : candidates.values()) {
            List<Submission> taken = new ArrayList<>(release);
            taken.addAll(unreadable);
            last = new ReleaseChoice(taken, Quorum.decide(taken, trusted, quorum, ledger));
            if (last.decision.met()) {
                return last;
            }
        }
        return last;
    }

    private static OptionalLong sourceTime(Submission submission) {
        try {
            return OptionalLong.of(Manifest.parse(submission.manifest(), submission.source()).time());
        } catch (BuildchainException e) {
            return OptionalLong.empty();
        }
    }
}
