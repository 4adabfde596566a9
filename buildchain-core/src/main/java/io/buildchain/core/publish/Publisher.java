package io.buildchain.core.publish;

import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.quorum.Vote;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Publishes a release: applies the quorum, stores artifacts and manifests, gets the block from the
 * signer, stores block and evidence, then moves the tail. The store lock serialises publishers, and a
 * journal entry written before signing lets the next publish finish a release whose publisher died.
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
     * @param artifacts where the accepted manifest's files are; empty to use the first agreeing submission's
     */
    public record Release(String project, String branch, int quorum, KeyList trusted, List<Submission> submissions,
            Optional<Path> artifacts) {
    }

    public record Result(QuorumDecision decision, Block block, Evidence evidence) {
    }

    public Result publish(Release release) throws IOException {
        Store.checkName(release.project(), "project");
        Store.checkName(release.branch(), "branch");
        QuorumDecision decision = Quorum.decide(release.submissions(), release.trusted(), release.quorum());
        List<String> divergence = explainDivergence(decision, release.artifacts());
        if (!decision.met()) {
            throw new QuorumNotMetException(decision, divergence);
        }
        Vote chosen = decision.agreeing().get(0);
        Path artifacts = release.artifacts().or(() -> decision.agreeing().stream()
                .map(v -> v.submission().artifacts()).flatMap(Optional::stream).findFirst())
                .orElseThrow(() -> new FormatException("no artifacts directory: give --artifacts DIR"));

        try (DirectoryLock lock = store.lock()) {
            store.cleanTmp();
            finishPendingReleases();
            for (Map.Entry<String, Digest> file : chosen.manifest().files().entrySet()) {
                store.importArtifact(artifacts.resolve(file.getKey()), file.getValue(), file.getKey());
            }
            for (Vote vote : decision.votes()) {
                if (vote.manifest() != null) {
                    store.putObject(vote.submission().manifest());
                }
            }
            Evidence evidence = Evidence.of(release.project(), release.branch(), decision, divergence);
            PendingRelease pending = new PendingRelease(release.project(), release.branch(),
                    HexFormat.of().formatHex(chosen.request().bytes()), evidence);
            writePending(pending);
            log.accept("signing with " + signer.describe());
            Block block = signer.sign(chosen.request());
            return new Result(decision, block, finish(pending, block));
        }
    }

    /** Finishes releases whose publisher died after writing the journal; call with the lock held. */
    private void finishPendingReleases() throws IOException {
        Path pendingDir = store.root().resolve("pending");
        if (!Files.isDirectory(pendingDir)) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> files = Files.walk(pendingDir)) {
            entries = files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList();
        }
        for (Path entry : entries) {
            PendingRelease pending = Json.MAPPER.readValue(entry.toFile(), PendingRelease.class);
            SignedRequest request = SignedRequest.decode(HexFormat.of().parseHex(pending.request()), entry.toString());
            log.accept("finishing the interrupted release of " + pending.project() + "/" + pending.branch()
                    + " (manifest " + request.digest() + ")");
            try {
                finish(pending, signer.sign(request));
            } catch (SignerRefusedException e) {
                log.accept("abandoning the interrupted release of " + pending.project() + "/" + pending.branch() + ": "
                        + e.getMessage());
                Files.delete(entry);
            }
        }
    }

    private Evidence finish(PendingRelease pending, Block block) throws IOException {
        Digest digest = block.digest();
        Path manifestObject = store.objectPath(digest);
        if (!Files.exists(manifestObject)) {
            throw new VerificationException("signer returned a block for manifest " + digest
                    + ", which is not in the store");
        }
        Manifest manifest = Manifest.parse(Files.readAllBytes(manifestObject), manifestObject.toString());
        Evidence evidence = pending.evidence().withBlock(block.signatureBase32());
        store.putBlock(block);
        store.putEvidence(block, evidence.toJson());
        Optional<Block> current = store.tail(pending.project(), pending.branch());
        if (current.isPresent() && current.get().publicKey().equals(block.publicKey())
                && Long.compareUnsigned(current.get().counter(), block.counter()) > 0) {
            log.accept("tail " + pending.project() + "/" + pending.branch() + " is already newer (counter "
                    + current.get().counter() + "); leaving it");
        } else {
            store.setTail(pending.project(), pending.branch(), block);
            store.linkRelease(digest, manifest);
        }
        Path journal = pendingPath(pending.project(), pending.branch());
        Files.deleteIfExists(journal);
        try {
            Files.deleteIfExists(journal.getParent());
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // Another branch of the project is pending; its directory stays.
        }
        return evidence;
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
     * the one most trusted builders signed).
     */
    static List<String> explainDivergence(QuorumDecision decision, Optional<Path> releaseArtifacts) throws IOException {
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
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Digest, Vote> other : firstByDigest.entrySet()) {
            if (other.getKey().equals(reference.get())) {
                continue;
            }
            List<String> sources = decision.votes().stream().filter(v -> other.getKey().equals(v.digest()))
                    .map(v -> v.submission().source()).toList();
            lines.add("manifest " + other.getKey() + " (" + String.join(", ", sources) + ") differs from "
                    + reference.get() + " (" + base.submission().source() + "):");
            List<Divergence.FileDifference> differences = Divergence.compare(base.manifest(), other.getValue().manifest(),
                    baseArtifacts, other.getValue().submission().artifacts());
            Divergence.lines(differences).forEach(line -> lines.add("  " + line));
        }
        return lines;
    }
}
