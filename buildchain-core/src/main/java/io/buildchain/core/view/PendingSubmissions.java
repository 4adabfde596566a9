package io.buildchain.core.view;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.quorum.Vote;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.Store;
import io.buildchain.core.submit.SubmissionInbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * What waits in the store's submission inbox, per branch and manifest: who submitted it and how many more
 * agreeing operators the quorum needs. Counted by {@link Quorum#decide}, as the next {@code publish
 * --from-submissions} counts, with the trusted keys and quorum recorded with the branch's newest release and the
 * store's ledger of requests already counted.
 */
public final class PendingSubmissions {
    private PendingSubmissions() {
    }

    /**
     * @param quorum 0 when the branch has no release with evidence yet (nothing says whom the publisher trusts)
     */
    public record Branch(String project, String branch, int quorum, int trustedOperators, List<Waiting> releases) {
    }

    /** One manifest waiting: its version if it names one, the submissions for it, and what it still needs. */
    public record Waiting(String manifest, String version, List<Entry> entries, List<String> agreeing, int needed) {
    }

    /** @param note why this submission does not count, or null when it counts */
    public record Entry(String builder, String operator, String key, String note) {
    }

    /** Every branch {@code scope} allows (null for all) with submissions waiting. */
    public static List<Branch> read(Store store, StoreView view, BiPredicate<String, String> scope) throws IOException {
        List<Branch> branches = new ArrayList<>();
        Path inbox = store.root().resolve("submissions");
        if (!Files.isDirectory(inbox)) {
            return branches;
        }
        for (Path project : StoreView.sorted(inbox)) {
            for (Path branch : Files.isDirectory(project) ? StoreView.sorted(project) : List.<Path>of()) {
                String p = project.getFileName().toString();
                String b = branch.getFileName().toString();
                try {
                    Store.checkName(p, "project");
                    Store.checkName(b, "branch");
                    if (scope == null || scope.test(p, b)) {
                        branch(store, view, p, b).ifPresent(branches::add);
                    }
                } catch (BuildchainException | IOException e) {
                    // The inbox's own directories (tmp, lock), anything the inbox would never write, an upload
                    // being filed: not listed (the publisher reads the inbox itself and says what is wrong).
                }
            }
        }
        return branches;
    }

    private static Optional<Branch> branch(Store store, StoreView view, String project, String branch) throws IOException {
        Optional<Evidence> newest = view.releases(project, branch).stream().map(ReleaseView::evidence)
                .filter(e -> e != null).findFirst();
        KeyList trusted = newest.map(Evidence::publisherTrust).orElse(KeyList.of(Map.of()));
        List<Submission> submissions = new SubmissionInbox(store, trusted, 1).pending(project, branch);
        if (submissions.isEmpty()) {
            return Optional.empty();
        }
        int quorum = newest.map(Evidence::quorum).orElse(0);
        QuorumDecision decision = quorum < 1 || quorum > trusted.operatorCount() ? null
                : Quorum.decide(submissions, trusted, quorum, RequestLedger.read(store));
        Map<Digest, List<Entry>> entries = new LinkedHashMap<>();
        Map<Digest, Set<String>> agreeing = new LinkedHashMap<>();
        Map<Digest, String> versions = new LinkedHashMap<>();
        for (int i = 0; i < submissions.size(); i++) {
            Submission submission = submissions.get(i);
            Digest digest = Digest.of(submission.manifest());
            versions.computeIfAbsent(digest, d -> version(submission));
            Vote vote = decision == null ? null : decision.votes().get(i);
            boolean counts = vote != null && (vote.status() == Vote.Status.AGREE || vote.status() == Vote.Status.DISSENT
                    || vote.status() == Vote.Status.NO_QUORUM);
            String operator = vote == null || vote.key() == null ? null : VoteCount.name(trusted, vote.key());
            if (counts) {
                agreeing.computeIfAbsent(digest, d -> new LinkedHashSet<>()).add(operator);
            }
            entries.computeIfAbsent(digest, d -> new ArrayList<>()).add(new Entry(submission.source(), operator,
                    vote == null || vote.key() == null ? null : vote.key().base32(),
                    counts ? null : vote == null ? "not counted: nothing published yet says whom the publisher trusts"
                            : vote.status().label() + (vote.reason() == null ? "" : ": " + vote.reason())));
        }
        List<Waiting> waiting = new ArrayList<>();
        entries.forEach((digest, list) -> {
            List<String> who = List.copyOf(agreeing.getOrDefault(digest, Set.of()));
            waiting.add(new Waiting(digest.base32(), versions.get(digest), List.copyOf(list), who,
                    quorum < 1 ? -1 : Math.max(0, quorum - who.size())));
        });
        return Optional.of(new Branch(project, branch, quorum, trusted.operatorCount(), List.copyOf(waiting)));
    }

    /** The version a submitted manifest's release record names, or null. */
    private static String version(Submission submission) {
        try {
            Manifest manifest = Manifest.parse(submission.manifest(), submission.source());
            Optional<Digest> entry = ReleaseRecord.entry(manifest);
            Optional<Path> artifacts = submission.artifacts();
            if (entry.isEmpty() || artifacts.isEmpty()) {
                return null;
            }
            Path record = artifacts.get().resolve(ReleaseRecord.NAME);
            if (!Files.isRegularFile(record) || Files.size(record) > ReleaseRecord.MAX_BYTES) {
                return null;
            }
            return ReleaseRecord.of(manifest, Files.readAllBytes(record), "release record").version();
        } catch (BuildchainException | IOException e) {
            return null;
        }
    }
}
