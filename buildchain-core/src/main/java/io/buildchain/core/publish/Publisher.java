package io.buildchain.core.publish;

import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.Remedies;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerDownException;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.chain.UnexpectedKeyException;
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
import io.buildchain.core.root.SignerHead;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
    private final Remedies remedies;

    public Publisher(Store store, BlockSigner signer, Consumer<String> log) {
        this(store, signer, log, Remedies.COMMANDS);
    }

    /** @param remedies how refusals name the recoveries they ask for (a CI server's own ways, not commands) */
    public Publisher(Store store, BlockSigner signer, Consumer<String> log, Remedies remedies) {
        this.store = store;
        this.signer = signer;
        this.log = log;
        this.remedies = remedies;
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

    /**
     * What a publish did.
     *
     * @param taken            the submissions of the one release this publish was about: the only ones counted,
     *                         and the ones a caller may now consume (see {@link ReleaseChoice})
     * @param alreadyPublished the branch's newest release has this manifest already: nothing was signed
     */
    public record Result(QuorumDecision decision, Block block, Evidence evidence, List<Submission> taken,
            boolean alreadyPublished) {
    }

    /**
     * The publish as a sequence of journaled steps ({@link PendingRelease.Step}): decide, journal, learn the
     * signer's key, send, receive, store, recount, move the tail. Each step is written to the journal before it is
     * acted on, so the next publish resumes an interrupted one from where it stopped.
     */
    public Result publish(Release release) throws IOException {
        Store.checkName(release.project(), "project");
        Store.checkName(release.branch(), "branch");
        // A buildinfo is outside the vote, but one not signed by its builder for its manifest is refused here.
        release.submissions().forEach(Submission::checkedBuildInfo);
        // Freshness is decided against the ledger as it stands under the lock: nothing counts twice.
        try (DirectoryLock lock = store.lock()) {
            store.cleanTmp();
            LogWriter logWriter = new LogWriter(store, signer, log, Clock.systemUTC()).advising(remedies);
            // A restarted signer (new key) signs nothing here until the root certified its key.
            if (signer.key().isPresent()) {
                KeyChangeGuard.check(store, signer.key().get());
            }
            ReleaseChoice early = choose(release);
            Optional<Result> retry = alreadyPublished(release, early);
            if (retry.isPresent()) {
                return retry.get();
            }
            // The vote is shown before the signer is asked, so a failed signing still says who voted how.
            String shown = early.decision().met() ? early.decision().report() : "";
            shown.lines().forEach(log);
            // No builder's request reaches a signer whose key is not known to be accepted, not even one a stopped
            // publish had on the line: each is sent right after a request of our own showed the key (see send).
            boolean keyLearned = !signer.keyKnownBeforeSigning();
            if (!keyLearned) {
                logWriter.recover(); // a signing node's own request left journaled is asked for by learnKey
            }
            Resumed resumed = finishPendingReleases(release, logWriter);
            List<PendingRelease> unanswered = resumed.unanswered();
            ReleaseChoice choice = choose(release);
            retry = alreadyPublished(release, choice);
            if (retry.isPresent()) {
                if (resumed.finished().isPresent()) {
                    logWriter.extend(resumed.finished().get()); // the finished release is in the log users read
                }
                return retry.get();
            }
            QuorumDecision decision = choice.decision();
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
            // Requests of this release sent and not answered: a stalled node signs them late, while the next goes out.
            List<PendingRelease> sent = new ArrayList<>();
            // Every agreeing request signs the same manifest: if the signer refuses one, another may do.
            for (Vote vote : decision.agreeing()) {
                PendingRelease pending = PendingRelease.journaled(release.project(), release.branch(),
                        HexFormat.of().formatHex(vote.request().bytes()), evidence, release.quorum(),
                        release.trusted());
                writePending(pending);
                String builder = decision.builderName(vote);
                if (vote == decision.agreeing().get(0) && !decision.report().equals(shown)) {
                    decision.report().lines().forEach(log); // finishing an interrupted release changed the vote
                }
                log.accept("signing " + builder + "'s request with " + signer.describe());
                List<Block> late = new ArrayList<>();
                Block block = null;
                try {
                    block = send(pending, late, logWriter);
                } catch (SignerDownException e) {
                    throw e;
                } catch (SignerRefusedException | SignerSilentException e) {
                    if (lateAnswer(late, sent).isEmpty()) {
                        // The signer answered our own request just now: its silence here is a refusal, or a stall
                        // (a block it signs late, while the next request goes out, is still the release).
                        String why = Refusal.explain(store, vote.request(), keyLearned ? "the signer refused it (it "
                                + "answered the publisher's own request just before; or it stalled, and a block it "
                                + "signs late is still taken)" : e.getMessage(), remedies);
                        log.accept("request of " + builder + " not signed: " + why);
                        refusals.add(builder + ": " + why);
                        if (e instanceof SignerRefusedException || keyLearned) {
                            deletePending(pending);
                        }
                        sent.add(pending);
                        // A silent signer may have signed and lost the reply: the journal stays until it answers another.
                        continue;
                    }
                }
                Block newest = block;
                Optional<PendingRelease> earlier = lateAnswer(late, sent);
                if (earlier.isEmpty()) {
                    pending = pending.withBlock(block);
                } else {
                    // The reply to a request of this release sent before, late: that block is the release. One for
                    // this request is only a link of the chain (its request is in the release's evidence).
                    pending = earlier.get();
                    block = Block.decode(HexFormat.of().parseHex(pending.block()), "late reply");
                    writePending(pending);
                    if (newest != null) {
                        BlockImport.put(store, newest);
                    }
                    log.accept("block " + Long.toUnsignedString(block.counter()) + " answers the request sent before for "
                            + "this release: it is the release" + (newest == null ? "" : "; block "
                            + Long.toUnsignedString(newest.counter()) + " for " + builder + "'s request is only a link "
                            + "of the chain"));
                    newest = newest == null ? block : newest;
                }
                Finished finished = finish(pending, block, release);
                Result result = new Result(decision, finished.block(), finished.evidence(), choice.taken(), false);
                logWriter.extend(newest);
                abandon(unanswered, release);
                return result;
            }
            throw new SignerRefusedException("none of the " + refusals.size() + " agreeing requests for "
                    + release.project() + "/" + release.branch() + " was signed; nothing was published: "
                    + String.join("; ", refusals));
        }
    }

    /** The one release among the submissions this publish is about, decided against the ledger as it is now. */
    private ReleaseChoice choose(Release release) throws IOException {
        return ReleaseChoice.choose(release.submissions(), release.trusted(), release.quorum(),
                RequestLedger.read(store).advising(remedies),
                release.allowOlderSource() ? OptionalLong.empty() : tailSourceTime(release.project(), release.branch()));
    }

    private OptionalLong tailSourceTime(String project, String branch) throws IOException {
        Optional<Block> tail = store.tail(project, branch);
        if (tail.isEmpty() || !Files.isRegularFile(store.objectPath(tail.get().digest()))) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Manifest.parse(Files.readAllBytes(store.objectPath(tail.get().digest())),
                "tail manifest").time());
    }

    /**
     * Sends the journaled request: the journal says SENT before it goes, and holds the block once it is back. Right
     * before each write of it to a signing node, the node's key is learned with a new request of the publisher's own,
     * so a node restarted meanwhile (a new key) is refused before any builder's request reaches it. The request is
     * written once; if the node stays silent, its key is asked again and the request written a second time. Blocks
     * the line brings meanwhile for other requests are stored (later blocks link through them) and added to
     * {@code late}.
     *
     * @throws SignerDownException if the node answers none of the publisher's own requests: the journal stays
     */
    private Block send(PendingRelease pending, List<Block> late, LogWriter logWriter) throws IOException {
        SignedRequest request = SignedRequest.decode(HexFormat.of().parseHex(pending.request()), "journal");
        try {
            learnKey(logWriter, "asking " + signer.describe() + " which key it signs with (a request of the "
                    + "publisher's own)");
        } catch (SignerDownException e) {
            if (pending.reached() == PendingRelease.Step.JOURNALED) {
                deletePending(pending); // nothing went out: the submissions wait for the next publish as they are
            }
            throw e;
        }
        writePending(pending.at(PendingRelease.Step.SENT));
        Block block;
        try {
            block = sendOnce(pending, request, late);
        } catch (SignerSilentException silent) {
            if (signer.keyKnownBeforeSigning()) {
                throw silent;
            }
            learnKey(logWriter, silent.getMessage() + "; asking " + signer.describe() + " which key it signs with "
                    + "before sending the request again");
            block = sendOnce(pending, request, late);
        }
        writePending(pending.withBlock(block));
        return block;
    }

    /** Learns a signing node's key with a new request of the publisher's own, saying {@code why} first. */
    private void learnKey(LogWriter logWriter, String why) throws IOException {
        if (signer.keyKnownBeforeSigning()) {
            return;
        }
        log.accept(why);
        try {
            logWriter.learnKey();
        } catch (SignerDownException e) {
            throw e;
        } catch (SignerSilentException e) {
            throw new SignerDownException(e.getMessage() + "; nothing was published; a release already journaled "
                    + "(step SENT) is finished by the next publish");
        }
    }

    /** One write of the request and its read ({@link BlockSigner#signOnce}); blocks for other requests are stored. */
    private Block sendOnce(PendingRelease pending, SignedRequest request, List<Block> late) throws IOException {
        List<Block> brought = new ArrayList<>();
        try {
            return signer.signOnce(request, other -> {
                if (brought.stream().noneMatch(seen -> Arrays.equals(seen.bytes(), other.bytes()))) {
                    brought.add(other);
                }
            });
        } catch (UnexpectedKeyException e) {
            // A block of a key not accepted yet is still a block of the signer's chain: kept until it is certified.
            writePending(pending.withBlock(e.block()));
            throw e;
        } finally {
            for (Block other : brought) {
                if (late.stream().noneMatch(seen -> Arrays.equals(seen.bytes(), other.bytes()))) {
                    late.add(other);
                }
                if (BlockImport.put(store, other)) {
                    log.accept("stored block " + Long.toUnsignedString(other.counter()) + " " + other.signatureBase32()
                            + ", signed for an earlier request");
                }
            }
        }
    }

    /**
     * The journal of the request in {@code sent} that a block in {@code late} answers, with that block (the earliest
     * such block): a stalled node's late reply to a request of this release given up on before.
     */
    private static Optional<PendingRelease> lateAnswer(List<Block> late, List<PendingRelease> sent) {
        return late.stream().sorted(Comparator.comparingLong(b -> b.counter() ^ Long.MIN_VALUE))
                .flatMap(block -> sent.stream().filter(p -> block.carries(SignedRequest.decode(
                        HexFormat.of().parseHex(p.request()), "journal"))).map(p -> p.withBlock(block)))
                .findFirst();
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
     * The branch's newest release when it already has the manifest {@code release}'s submissions are for (the rule
     * {@link #publish} answers "already published" by), asked before anything else is done: a CI job run again on
     * the same source then copies no output and asks no signer.
     */
    public Optional<Block> published(Release release) throws IOException {
        try (DirectoryLock lock = store.lock()) {
            return alreadyPublished(release, choose(release)).map(Result::block);
        }
    }

    /**
     * "already published as block ..." when the branch's newest release has the manifest these submissions are for:
     * the exact retry of the tail's submissions, or new requests for the same manifest (builders that signed again).
     * Nothing is signed or counted; the release's submissions may be consumed.
     */
    private Optional<Result> alreadyPublished(Release release, ReleaseChoice choice) throws IOException {
        Optional<Block> tail = store.tail(release.project(), release.branch());
        if (tail.isEmpty() || !Files.isRegularFile(store.evidencePath(tail.get()))) {
            return Optional.empty();
        }
        Digest published = tail.get().digest();
        boolean same = choice.decision().accepted().map(published::equals).orElse(!choice.decision().met()
                && choice.taken().stream().anyMatch(s -> Digest.of(s.manifest()).equals(published)));
        if (!same) {
            return Optional.empty();
        }
        Evidence evidence = Evidence.parse(Files.readAllBytes(store.evidencePath(tail.get())), "evidence of the tail");
        // Said once, by the caller, from the result: a repeat prints neither the vote nor the divergence again.
        return Optional.of(new Result(choice.decision(), tail.get(), evidence, choice.taken(), true));
    }

    /**
     * Resumes releases whose publisher died, each from the step its journal names; call with the lock held. A
     * request sent before is sent again (the node answers it with the block it made, or signs it now), a block
     * already received is stored without asking. A request the signer refuses is abandoned (its builders submit
     * again, with new requests), and one whose chain is not whole yet waits, so neither keeps later releases from
     * being published.
     *
     * @return the journals the signer did not answer (when its silence may mean it is down), and whether one was finished
     */
    private Resumed finishPendingReleases(Release release, LogWriter logWriter) throws IOException {
        List<PendingRelease> unanswered = new ArrayList<>();
        Optional<Block> finished = Optional.empty();
        Path pendingDir = store.root().resolve("pending");
        if (!Files.isDirectory(pendingDir)) {
            return new Resumed(unanswered, finished);
        }
        List<Path> entries;
        try (Stream<Path> files = Files.walk(pendingDir)) {
            entries = files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList();
        }
        // A request whose block is in the store already (kept from the line by the key probe, or brought in by
        // import-blocks) is finished from it, not sent again; and in chain order, so no release lands before another.
        List<PendingRelease> journals = new ArrayList<>();
        for (Path entry : entries) {
            PendingRelease pending = Json.MAPPER.readValue(entry.toFile(), PendingRelease.class);
            SignedRequest request = SignedRequest.decode(HexFormat.of().parseHex(pending.request()), entry.toString());
            Optional<Block> stored = pending.block() == null ? storedBlockFor(request) : Optional.empty();
            if (stored.isPresent()) {
                log.accept("the block for the journaled request of " + pending.project() + "/" + pending.branch()
                        + " is in the store: block " + Long.toUnsignedString(stored.get().counter()));
                pending = pending.withBlock(stored.get());
                writePending(pending);
            }
            journals.add(pending);
        }
        journals.sort(Comparator.comparing((PendingRelease p) -> p.block() == null).thenComparing(
                p -> p.block() == null ? 0 : Block.decode(HexFormat.of().parseHex(p.block()), "journal").counter(),
                Long::compareUnsigned));
        for (PendingRelease pending : journals) {
            SignedRequest request = SignedRequest.decode(HexFormat.of().parseHex(pending.request()), "journal");
            String what = "the interrupted release of " + pending.project() + "/" + pending.branch() + " (manifest "
                    + request.digest() + ", journaled at step " + pending.reached() + ")";
            log.accept("finishing " + what);
            try {
                resume(pending, release, pendingPath(pending.project(), pending.branch()).toString(), logWriter);
                finished = SignerHead.read(StoreReader.of(store.root()));
            } catch (SignerDownException e) {
                throw e;
            } catch (SignerRefusedException e) {
                abandonJournal(pending, what, Refusal.explain(store, request, e.getMessage(), remedies));
            } catch (SignerSilentException e) {
                log.accept("no answer for " + what + "; it is abandoned if the signer signs this release");
                unanswered.add(pending);
            } catch (ChainIncompleteException e) {
                log.accept("leaving " + what + " waiting: " + e.getMessage());
            } catch (ReleaseRefusedException e) {
                log.accept("abandoning " + what + ": " + e.getMessage() + "; its builders can submit it again as a new "
                        + "release");
            }
        }
        return new Resumed(unanswered, finished);
    }

    /**
     * What finishing the journals left: those the signer did not answer, and the signer chain's newest block if a
     * journal was finished (a release the log must cover, when nothing else is signed after it).
     */
    private record Resumed(List<PendingRelease> unanswered, Optional<Block> finished) {
    }

    /** Finishes one journal from its step: a block already received is used, else the request is sent (again). */
    private void resume(PendingRelease pending, Release release, String where, LogWriter logWriter)
            throws IOException {
        if (pending.block() == null) {
            Block block = send(pending, new ArrayList<>(), logWriter);
            finish(pending.withBlock(block), block, release);
            return;
        }
        Block block = Block.decode(HexFormat.of().parseHex(pending.block()), where);
        try {
            finish(pending, block, release);
        } catch (TrustRefusal e) {
            if (e.cause() != TrustRefusal.Cause.SUCCEEDED && e.cause() != TrustRefusal.Cause.REVOKED) {
                throw e;
            }
            // The root has since succeeded or revoked that block's key: the current signer signs the request anew.
            log.accept("the journaled block of " + pending.project() + "/" + pending.branch() + " is by a key this "
                    + "store no longer accepts (" + e.getMessage() + "); asking the current signer again");
            Block again = send(pending.at(PendingRelease.Step.SENT), new ArrayList<>(), logWriter);
            finish(pending.withBlock(again), again, release);
        }
    }

    private void abandonJournal(PendingRelease pending, String what, String why) throws IOException {
        log.accept("abandoning " + what + ": " + why + "; its builders can submit it again as a new release");
        deletePending(pending);
    }

    /** The signer just signed another request, so it is up: journaled requests it did not answer are refused. */
    private void abandon(List<PendingRelease> unanswered, Release release) throws IOException {
        for (PendingRelease pending : unanswered) {
            SignedRequest request = SignedRequest.decode(HexFormat.of().parseHex(pending.request()), "journal");
            log.accept("abandoning the interrupted release of " + pending.project() + "/" + pending.branch() + ": "
                    + Refusal.explain(store, request, "the signer signs other requests but does not answer this one",
                            remedies)
                    + "; its builders can submit it again as a new release");
            // A journal of this release's branch was replaced by this release's own, which is finished.
            if (!pending.project().equals(release.project()) || !pending.branch().equals(release.branch())) {
                deletePending(pending);
            }
        }
    }

    /** A release whose tail moved: its block, and the evidence stored with it. */
    private record Finished(Block block, Evidence evidence) {
    }

    /**
     * From a received block to the moved tail: counts the requests, stores the block, checks that the chain is whole,
     * takes the release's first block (see {@link #firstBlockOfRelease}), stores the evidence, journals STORED,
     * recounts the vote as users will, and only then moves the tail. Each part is idempotent, so a journal at SIGNED
     * or STORED is finished by running this again.
     */
    private Finished finish(PendingRelease pending, Block received, Release release) throws IOException {
        Digest digest = received.digest();
        Path manifestObject = store.objectPath(digest);
        if (!Files.exists(manifestObject)) {
            throw new VerificationException("signer returned a block for manifest " + digest
                    + ", which is not in the store");
        }
        Manifest manifest = Manifest.parse(Files.readAllBytes(manifestObject), manifestObject.toString());
        // Counted before the evidence is public, so nobody can replay these requests.
        List<SignedRequest> counted = new ArrayList<>(RequestLedger.requestsOf(pending.evidence()));
        counted.add(received.request());
        RequestLedger.update(store, counted);
        // A block by a key the store does not trust yet is not stored; the release waits in the journal (SIGNED).
        // One stored already was admitted then (its key may have handed over since, after it): it stays valid.
        if (!Files.exists(store.blockPath(received.signature()))) {
            KeyChangeGuard.admit(store, received);
        }
        // A chain with a gap keeps the release in the journal (SIGNED, with its block) until the gap is filled.
        ChainCompleteness.check(store, received, remedies);
        Block block = firstBlockOfRelease(received, pending);
        if (releaseAfter(block)) {
            deletePending(pending);
            throw new ReleaseRefusedException("block " + Long.toUnsignedString(block.counter()) + " of "
                    + pending.project() + "/" + pending.branch() + " lies before a release published since: a release "
                    + "placed before another would change what that one counted; it stays a link of the chain");
        }
        if (block != received) {
            pending = pending.withBlock(block);
            writePending(pending);
            log.accept("block " + Long.toUnsignedString(block.counter()) + " carries a request of this release "
                    + "signed before: it is the release; block " + Long.toUnsignedString(received.counter())
                    + " is only a link of the chain");
        }
        Evidence evidence = pending.evidence().withBlock(block.signatureBase32());
        store.putEvidence(block, evidence.toJson());
        writePending(pending.at(PendingRelease.Step.STORED));
        // This branch's journal is held to the keys trusted now (one removed since counts no more) and the higher
        // quorum; another branch's to its own, which this publish does not know.
        boolean thisBranch = pending.project().equals(release.project()) && pending.branch().equals(release.branch());
        KeyList trusted = thisBranch || pending.trusted() == null ? release.trusted()
                : KeyList.parse(pending.trusted(), "the journal's trusted keys");
        int quorum = thisBranch ? Math.max(pending.quorum(), release.quorum())
                : pending.quorum() > 0 ? pending.quorum() : release.quorum();
        recount(block, trusted, quorum, pending);
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
        return new Finished(block, evidence);
    }

    /**
     * The earliest block, back from {@code block} to the previous release on its key's chain, that carries a request
     * this release counts for the same manifest. A node that answers again only its very last request signs a
     * journaled request anew once the key probe went before it; the block it made for it first, brought in later
     * from the signer's chain ({@code import-blocks}), is the release, so that request is not counted twice.
     */
    private Block firstBlockOfRelease(Block block, PendingRelease pending) throws IOException {
        Set<String> ours = new HashSet<>();
        for (SignedRequest request : RequestLedger.requestsOf(pending.evidence())) {
            ours.add(request.signatureBase32());
        }
        Block first = block;
        for (Block earlier : sinceLastRelease(block)) {
            if (earlier.digest().equals(block.digest()) && ours.contains(earlier.request().signatureBase32())) {
                first = earlier;
            }
        }
        return first;
    }

    /** The stored block carrying {@code request}, on the signer's chain since its last release. */
    private Optional<Block> storedBlockFor(SignedRequest request) throws IOException {
        Optional<Block> head = SignerHead.read(StoreReader.of(store.root()));
        if (head.isEmpty()) {
            return Optional.empty();
        }
        return sinceLastRelease(head.get()).stream().filter(b -> b.carries(request)).findFirst();
    }

    /**
     * {@code from} and the stored blocks before it on its key's chain, newest first, back to the newest block with
     * evidence (not included) or a gap. A release is taken only from these: one placed before a published release
     * would change what that release's recount counted.
     */
    private List<Block> sinceLastRelease(Block from) throws IOException {
        List<Block> blocks = new ArrayList<>(List.of(from));
        Block current = from;
        while (Long.compareUnsigned(current.counter(), 1) > 0) {
            Path previous = store.blockPath(current.previous());
            if (!Files.isRegularFile(previous)) {
                break;
            }
            Block earlier = Block.decode(Files.readAllBytes(previous), previous.toString());
            // Counters fall along the links; a file that breaks that (a damaged store) ends the walk, not loops it.
            if (!earlier.publicKey().equals(from.publicKey()) || Files.exists(store.evidencePath(earlier))
                    || Long.compareUnsigned(earlier.counter(), current.counter()) >= 0) {
                break;
            }
            current = earlier;
            blocks.add(current);
        }
        return blocks;
    }

    /**
     * Whether a release other than {@code block} lies after it on the signer's chain as the store holds it (from the
     * head back to {@code block}'s counter; a block of another key, or a gap, ends the look).
     */
    private boolean releaseAfter(Block block) throws IOException {
        Optional<Block> head = SignerHead.read(StoreReader.of(store.root()));
        Block current = head.orElse(block);
        while (current.publicKey().equals(block.publicKey())
                && Long.compareUnsigned(current.counter(), block.counter()) > 0) {
            if (Files.exists(store.evidencePath(current))) {
                return true;
            }
            Path previous = store.blockPath(current.previous());
            if (!Files.isRegularFile(previous)) {
                return false;
            }
            Block earlier = Block.decode(Files.readAllBytes(previous), previous.toString());
            if (Long.compareUnsigned(earlier.counter(), current.counter()) >= 0) {
                return false; // not a chain (a damaged store): ChainCompleteness says so for the block itself
            }
            current = earlier;
        }
        return false;
    }

    /**
     * The recount users run ({@code verify --quorum K --trust FILE}: the same routine, over the evidence as stored,
     * counting zero for requests counted before on the chain): a tail never moves to a release it rejects.
     */
    private void recount(Block block, KeyList trusted, int quorum, PendingRelease pending) throws IOException {
        ChainVerifier verifier = new ChainVerifier(StoreReader.of(store.root()), block.publicKey());
        try {
            verifier.checkQuorum(block, trusted, quorum, verifier.countedBefore(verifier.blocksBefore(block)));
        } catch (VerificationException e) {
            // The block stays a link of the chain, not a release: no evidence may name it one.
            Files.deleteIfExists(store.evidencePath(block));
            deletePending(pending);
            throw new ReleaseRefusedException("block " + Long.toUnsignedString(block.counter()) + " of "
                    + pending.project() + "/" + pending.branch() + " is signed and stored, but the tail was not moved: "
                    + "the recount users run (verify --quorum " + quorum + " --trust ...) rejects it: " + e.getMessage());
        }
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
