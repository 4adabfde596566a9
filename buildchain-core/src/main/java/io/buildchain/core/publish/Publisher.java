package io.buildchain.core.publish;

import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.EnvironmentCauses;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.quorum.Vote;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.root.KeyChangeGuard;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Publishes a release, all or nothing: applies the quorum, stores artifacts, manifests and the release's
 * artifacts view, gets the block from the signer (trying each agreeing builder's request in turn), stores
 * block and evidence, checks the chain back to the genesis is whole, then moves the tail, then extends the log of
 * the signer's chain. The store lock serialises publishers, and a journal entry written before signing lets
 * the next publish finish a release (or store a log checkpoint's block) whose publisher died.
 */
public final class Publisher {
    private final Store store;
    private final BlockSigner signer;
    private final Consumer<String> log;

    public Publisher(Store store, BlockSigner signer, Consumer<String> log) {
        this.store = store;
        this.signer = signer;
        this.log = log;
    }

    /**
     * One release to publish.
     *
     * @param artifacts        where the accepted manifest's files are; empty to use the first agreeing submission's
     * @param allowOlderSource the operator's explicit choice to publish a release whose source time is older than
     *                         the branch's tail (normally refused as stale)
     */
    public record Release(String project, String branch, int quorum, KeyList trusted, List<Submission> submissions,
            Optional<Path> artifacts, boolean allowOlderSource) {
        public Release(String project, String branch, int quorum, KeyList trusted, List<Submission> submissions,
                Optional<Path> artifacts) {
            this(project, branch, quorum, trusted, submissions, artifacts, false);
        }
    }

    /** @param repeated whether these submissions were published already (as {@code block}): nothing new was signed */
    public record Result(QuorumDecision decision, Block block, Evidence evidence, boolean repeated) {
    }

    public Result publish(Release release) throws IOException {
        Store.checkName(release.project(), "project");
        Store.checkName(release.branch(), "branch");
        // A buildinfo is outside the vote, but one not signed by its builder for its manifest is refused here.
        release.submissions().forEach(Submission::checkedBuildInfo);
        // Freshness is decided against the ledger as it stands under the lock: nothing counts twice.
        try (DirectoryLock lock = store.lock()) {
            store.cleanTmp();
            LogWriter logWriter = new LogWriter(store, signer, log, Clock.systemUTC());
            // A restarted signer (new key) signs nothing here until the root certified its key.
            if (signer.key().isPresent()) {
                KeyChangeGuard.check(store, signer.key().get());
            }
            logWriter.recover();
            List<PendingRelease> unanswered = finishPendingReleases();
            Optional<Result> retry = alreadyPublished(release);
            if (retry.isPresent()) {
                return retry.get();
            }
            QuorumDecision decision = Quorum.decide(release.submissions(), release.trusted(), release.quorum(),
                    RequestLedger.read(store));
            List<Explanation> divergence = explainDivergence(decision, release.artifacts());
            if (!decision.met()) {
                throw new QuorumNotMetException(decision, divergence);
            }
            Vote chosen = decision.agreeing().get(0);
            Path artifacts = release.artifacts().or(() -> decision.agreeing().stream()
                    .map(v -> v.submission().artifacts()).flatMap(Optional::stream).findFirst())
                    .orElseThrow(() -> new FormatException("no artifacts directory: give --artifacts DIR"));
            checkRecord(release, chosen, artifacts);
            if (!release.allowOlderSource()) {
                Optional<String> stale = staleSource(store, release.project(), release.branch(), chosen.manifest().time());
                if (stale.isPresent()) {
                    throw new VerificationException(stale.get() + "; to publish it anyway the operator must allow it"
                            + " explicitly (publish --allow-older-source)");
                }
            }
            for (Map.Entry<String, Digest> file : chosen.manifest().files().entrySet()) {
                store.importArtifact(artifacts.resolve(file.getKey()), file.getValue(), file.getKey());
            }
            for (Vote vote : decision.votes()) {
                if (vote.manifest() != null) {
                    store.putObject(vote.submission().manifest());
                }
            }
            // The release's artifacts view is built (and its names checked) before anything is signed.
            store.views().prepare(chosen.digest(), chosen.manifest());
            Evidence evidence = Evidence.of(release.project(), release.branch(), decision, divergence);
            List<String> refusals = new ArrayList<>();
            // Every agreeing request signs the same manifest: if the signer refuses one, another may do.
            for (Vote vote : decision.agreeing()) {
                PendingRelease pending = new PendingRelease(release.project(), release.branch(),
                        HexFormat.of().formatHex(vote.request().bytes()), evidence, null);
                writePending(pending);
                String builder = decision.builderName(vote);
                if (vote == decision.agreeing().get(0)) {
                    // The vote is shown before the signer is asked, so a failed signing still says who voted how.
                    decision.report().lines().forEach(log);
                }
                log.accept("signing " + builder + "'s request with " + signer.describe());
                Block block;
                try {
                    block = signer.sign(vote.request());
                } catch (SignerRefusedException | SignerSilentException e) {
                    String why = Refusal.explain(store, vote.request(), e.getMessage());
                    log.accept("request of " + builder + " not signed: " + why);
                    refusals.add(builder + ": " + why);
                    if (e instanceof SignerRefusedException) {
                        deletePending(pending);
                    }
                    // A silent signer may have signed and lost the reply: the journal stays until it answers another.
                    continue;
                }
                Result result = new Result(decision, block, finish(pending, block), false);
                logWriter.extend(block);
                abandon(unanswered, release);
                return result;
            }
            throw new SignerRefusedException("none of the " + refusals.size() + " agreeing requests for "
                    + release.project() + "/" + release.branch() + " was signed; nothing was published: "
                    + String.join("; ", refusals));
        }
    }

    /**
     * Why a release of {@code sourceTime} is stale on project/branch (its source is older than the tail's), or
     * empty if it is not.
     */
    public static Optional<String> staleSource(Store store, String project, String branch, long sourceTime)
            throws IOException {
        Optional<Block> tail = store.tail(project, branch);
        if (tail.isEmpty()) {
            return Optional.empty();
        }
        Path manifestObject = store.objectPath(tail.get().digest());
        if (!Files.isRegularFile(manifestObject)) {
            return Optional.empty();
        }
        long tailTime = Manifest.parse(Files.readAllBytes(manifestObject), "tail manifest").time();
        if (Long.compareUnsigned(sourceTime, tailTime) >= 0) {
            return Optional.empty();
        }
        return Optional.of("stale release: its source time " + Long.toUnsignedString(sourceTime) + " is older than "
                + Long.toUnsignedString(tailTime) + " of the current tail of " + project + "/" + branch + " (block "
                + Long.toUnsignedString(tail.get().counter()) + ")");
    }

    /** A release that names itself must name this project and branch, and describe the files being published. */
    private static void checkRecord(Release release, Vote chosen, Path artifacts) throws IOException {
        if (ReleaseRecord.entry(chosen.manifest()).isEmpty()) {
            return;
        }
        String where = "release record of manifest " + chosen.digest();
        Path file = artifacts.resolve(ReleaseRecord.NAME);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > ReleaseRecord.MAX_BYTES) {
            throw new FormatException(where + ": " + ReleaseRecord.NAME + " is missing from the artifacts or too large");
        }
        ReleaseRecord record = ReleaseRecord.of(chosen.manifest(), Files.readAllBytes(file), where);
        record.checkFor(release.project(), release.branch(), where);
        record.checkSizes(artifacts, where);
    }

    /**
     * The exact retry of the release the branch's tail holds (every submission is recorded in its evidence and
     * the tail carries one of them) is answered from the store: nothing is signed or counted again.
     */
    private Optional<Result> alreadyPublished(Release release) throws IOException {
        Optional<Block> tail = store.tail(release.project(), release.branch());
        if (tail.isEmpty() || !Files.isRegularFile(store.evidencePath(tail.get()))) {
            return Optional.empty();
        }
        Path path = store.evidencePath(tail.get());
        Evidence evidence = Evidence.parse(Files.readAllBytes(path), "evidence of the tail");
        Set<String> recorded = new HashSet<>();
        evidence.submissions().forEach(entry -> recorded.add(entry.request()));
        boolean carried = false;
        for (Submission submission : release.submissions()) {
            if (!recorded.contains(HexFormat.of().formatHex(submission.request()))) {
                return Optional.empty();
            }
            carried |= submission.request().length == SignedRequest.SIZE
                    && tail.get().carries(SignedRequest.decode(submission.request(), "request"));
        }
        if (!carried) {
            return Optional.empty();
        }
        // Said once, by the caller, from the result: a repeat prints neither the vote nor the divergence again.
        return Optional.of(new Result(Quorum.decide(release.submissions(), release.trusted(), release.quorum()),
                tail.get(), evidence, true));
    }

    /**
     * Finishes releases whose publisher died after writing the journal; call with the lock held. A request
     * the signer now refuses is abandoned (it can never be signed), and one whose chain is not whole yet
     * waits, so that neither keeps later releases from being published.
     */
    private List<PendingRelease> finishPendingReleases() throws IOException {
        List<PendingRelease> unanswered = new ArrayList<>();
        Path pendingDir = store.root().resolve("pending");
        if (!Files.isDirectory(pendingDir)) {
            return unanswered;
        }
        List<Path> entries;
        try (Stream<Path> files = Files.walk(pendingDir)) {
            entries = files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList();
        }
        for (Path entry : entries) {
            PendingRelease pending = Json.MAPPER.readValue(entry.toFile(), PendingRelease.class);
            SignedRequest request = SignedRequest.decode(HexFormat.of().parseHex(pending.request()), entry.toString());
            String what = "the interrupted release of " + pending.project() + "/" + pending.branch() + " (manifest "
                    + request.digest() + ")";
            log.accept("finishing " + what);
            try {
                Block block = pending.block() != null ? Block.decode(HexFormat.of().parseHex(pending.block()),
                        entry.toString()) : signer.sign(request);
                finish(pending, block);
            } catch (SignerRefusedException e) {
                log.accept("abandoning " + what + ": " + Refusal.explain(store, request, e.getMessage())
                        + "; its builders can submit it again as a new release");
                deletePending(pending);
            } catch (SignerSilentException e) {
                // Silence is a refusal or a signer that is down: only a signature for another request tells.
                log.accept("no answer for " + what + "; it is abandoned if the signer signs this release");
                unanswered.add(pending);
            } catch (ChainIncompleteException e) {
                log.accept("leaving " + what + " waiting: " + e.getMessage());
            }
        }
        return unanswered;
    }

    /** The signer just signed another request, so it is up: journaled requests it did not answer are refused. */
    private void abandon(List<PendingRelease> unanswered, Release release) throws IOException {
        for (PendingRelease pending : unanswered) {
            SignedRequest request = SignedRequest.decode(HexFormat.of().parseHex(pending.request()), "journal");
            log.accept("abandoning the interrupted release of " + pending.project() + "/" + pending.branch() + ": "
                    + Refusal.explain(store, request, "the signer signs other requests but does not answer this one")
                    + "; its builders can submit it again as a new release");
            // A journal of this release's branch was replaced by this release's own, which is finished.
            if (!pending.project().equals(release.project()) || !pending.branch().equals(release.branch())) {
                deletePending(pending);
            }
        }
    }

    /**
     * Stores the block and evidence, checks that the block's chain is whole in the store, puts the release's
     * artifacts views in place, and only then moves the tail.
     */
    private Evidence finish(PendingRelease pending, Block block) throws IOException {
        Digest digest = block.digest();
        Path manifestObject = store.objectPath(digest);
        if (!Files.exists(manifestObject)) {
            throw new VerificationException("signer returned a block for manifest " + digest
                    + ", which is not in the store");
        }
        Manifest manifest = Manifest.parse(Files.readAllBytes(manifestObject), manifestObject.toString());
        Evidence evidence = pending.evidence().withBlock(block.signatureBase32());
        // Counted before the evidence is public, so nobody can replay these requests.
        RequestLedger.read(store).countAll(RequestLedger.requestsOf(evidence)).countAll(List.of(block.request()))
                .save(store);
        // A block by a key the store does not trust yet is not stored; the release waits in the journal.
        KeyChangeGuard.admit(store, block);
        store.putEvidence(block, evidence.toJson());
        try {
            ChainCompleteness.check(store, block);
        } catch (ChainIncompleteException e) {
            // Keep the signed block with its journal, so the release is finished once the chain is whole.
            writePending(pending.withBlock(block));
            throw e;
        }
        Optional<Block> current = store.tail(pending.project(), pending.branch());
        if (current.isPresent() && current.get().publicKey().equals(block.publicKey())
                && Long.compareUnsigned(current.get().counter(), block.counter()) > 0) {
            log.accept("tail " + pending.project() + "/" + pending.branch() + " is already newer (counter "
                    + current.get().counter() + "); leaving it");
        } else {
            store.views().prepare(digest, manifest);
            store.views().makeCurrent(pending.project(), pending.branch(), digest);
            store.views().makeNewest(digest);
            store.setTail(pending.project(), pending.branch(), block);
        }
        deletePending(pending);
        return evidence;
    }

    private void deletePending(PendingRelease pending) throws IOException {
        Path journal = pendingPath(pending.project(), pending.branch());
        Files.deleteIfExists(journal);
        try {
            Files.deleteIfExists(journal.getParent());
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // Another branch of the project is pending; its directory stays.
        }
    }

    private Path pendingPath(String project, String branch) {
        return store.root().resolve("pending").resolve(project).resolve(branch + ".json");
    }

    private void writePending(PendingRelease pending) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(pending);
        AtomicFiles.write(pendingPath(pending.project(), pending.branch()), store.tmp(), out -> out.write(json),
                AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }

    /**
     * Explains each distinct dissenting manifest against the accepted one (or, without a quorum, against
     * the one most trusted builders signed): one explanation per dissenting manifest, the accepted side first.
     */
    static List<Explanation> explainDivergence(QuorumDecision decision, Optional<Path> releaseArtifacts) throws IOException {
        Map<Digest, Vote> firstByDigest = new LinkedHashMap<>();
        for (Vote vote : decision.votes()) {
            if (vote.manifest() != null) {
                firstByDigest.putIfAbsent(vote.digest(), vote);
            }
        }
        Optional<Digest> reference = decision.accepted().or(() -> decision.tally().keySet().stream().findFirst());
        if (reference.isEmpty() || firstByDigest.size() < 2) {
            return List.of();
        }
        Vote base = firstByDigest.get(reference.get());
        Optional<Path> baseArtifacts = base.submission().artifacts().or(() -> releaseArtifacts);
        Divergence.Side accepted = new Divergence.Side(sources(decision, reference.get()), base.manifest(),
                baseArtifacts);
        List<Explanation> explanations = new ArrayList<>();
        for (Map.Entry<Digest, Vote> other : firstByDigest.entrySet()) {
            if (!other.getKey().equals(reference.get())) {
                explanations.add(Divergence.explain(accepted, new Divergence.Side(sources(decision, other.getKey()),
                        other.getValue().manifest(), other.getValue().submission().artifacts()))
                        .withCausesFirst(environmentCauses(decision, reference.get(), other.getKey())));
            }
        }
        return explanations;
    }

    /** The builders behind one manifest, as the explanation names that side. */
    private static String sources(QuorumDecision decision, Digest manifest) {
        return String.join(", ", decision.votes().stream().filter(v -> manifest.equals(v.digest()))
                .map(decision::builderName).distinct().toList());
    }

    /**
     * The environment differences, read first: the recorded buildinfo of each builder of {@code dissenting}
     * against the reference builders'.
     */
    private static List<Explanation.Cause> environmentCauses(QuorumDecision decision, Digest reference,
            Digest dissenting) {
        List<EnvironmentCauses.Builder> builders = EnvironmentCauses.builders(decision).stream()
                .filter(b -> reference.equals(b.manifest()) || dissenting.equals(b.manifest())).toList();
        return EnvironmentCauses.causes(builders, reference, decision.accepted().isPresent());
    }
}
