package io.buildchain.core.view;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.root.RootStatement;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What the chain pages show, read from a local store (the one {@code serve} or Jenkins publishes). */
public final class StoreView {
    /** The most releases one branch page lists. */
    public static final int MAX_RELEASES = 100;
    /** The most blocks walked back from a tail (releases of other branches and checkpoints share the chain). */
    static final int MAX_WALK = 2_000;
    /**
     * Walks of a branch by store, branch and tail, kept a few seconds: every page of a branch (and the index, for
     * every branch) walks it, and anyone can ask for pages. Blocks and evidence never change once written; an
     * import or a root statement shows after at most this long.
     */
    private static final Map<String, Walked> WALKED = new ConcurrentHashMap<>();
    private static final int WALK_CACHE_LIMIT = 256;
    private static final long WALK_CACHE_NANOS = 10_000_000_000L;
    private final Store store;

    public StoreView(Store store) {
        this.store = store;
    }

    /** A branch with a tail. */
    public record BranchSummary(String project, String branch, Block tail) {
    }

    public List<BranchSummary> branches() throws IOException {
        List<BranchSummary> branches = new ArrayList<>();
        Path tails = store.root().resolve("tail");
        if (!Files.isDirectory(tails)) {
            return branches;
        }
        for (Path project : sorted(tails)) {
            for (Path branch : sorted(project)) {
                String p = project.getFileName().toString();
                String b = branch.getFileName().toString();
                try {
                    store.tail(p, b).ifPresent(tail -> branches.add(new BranchSummary(p, b, tail)));
                } catch (BuildchainException e) {
                    // A name the store would never write, or a damaged tail: not listed.
                }
            }
        }
        return branches;
    }

    /**
     * The signer keys the store's {@code root/statements} certify, in order; empty when the store has no
     * root or its statements do not check out (the pages then show keys without history; verification
     * refuses such a store and says why).
     */
    public Optional<KeyHistory> keyHistory() throws IOException {
        StoreReader reader = StoreReader.of(store.root());
        try {
            List<RootStatement> statements = RootStatements.read(reader);
            return statements.isEmpty() ? Optional.empty()
                    : Optional.of(KeyHistory.certified(RootStatements.root(statements).get(), statements, reader));
        } catch (BuildchainException e) {
            return Optional.empty();
        }
    }

    /**
     * The branch's releases, newest first: the tail, then the blocks reachable through previous links
     * whose evidence names this branch (blocks without evidence are listed too, checkpoint blocks marked), on
     * through each earlier certified key from the block where it handed over. Stops at a missing block. Each vote
     * is recounted as {@code verify --quorum} recounts it: requests counted in earlier blocks count zero.
     */
    public List<ReleaseView> releases(String project, String branch) throws IOException {
        Optional<Block> tail = store.tail(project, branch);
        String key = store.root() + "\n" + project + "\n" + branch + "\n"
                + tail.map(Block::signatureBase32).orElse("");
        long now = System.nanoTime();
        Walked cached = WALKED.get(key);
        if (cached != null && now - cached.made() < WALK_CACHE_NANOS) {
            return cached.releases();
        }
        List<ReleaseView> releases = List.copyOf(walk(project, branch, tail));
        if (WALKED.size() >= WALK_CACHE_LIMIT) {
            WALKED.clear();
        }
        WALKED.put(key, new Walked(now, releases));
        return releases;
    }

    private record Walked(long made, List<ReleaseView> releases) {
    }

    private List<ReleaseView> walk(String project, String branch, Optional<Block> tail) throws IOException {
        Optional<KeyHistory> keys = keyHistory();
        List<Block> walked = new ArrayList<>();
        List<Evidence> evidences = new ArrayList<>();
        Block block = tail.orElse(null);
        while (block != null && walked.size() < MAX_WALK) {
            walked.add(block);
            evidences.add(evidence(block));
            block = previous(block, keys);
        }
        VoteCount[] votes = new VoteCount[walked.size()];
        RequestLedger before = RequestLedger.empty();
        for (int i = walked.size() - 1; i >= 0; i--) {
            Evidence evidence = evidences.get(i);
            if (evidence != null) {
                votes[i] = VoteCount.of(evidence, before);
                before.countAll(RequestLedger.requestsOf(evidence));
            }
            before.countAll(List.of(walked.get(i).request()));
        }
        Set<PublicKey> checkpointRequesters = checkpointRequesters();
        List<ReleaseView> releases = new ArrayList<>();
        for (int i = 0; i < walked.size() && releases.size() < MAX_RELEASES; i++) {
            Evidence evidence = evidences.get(i);
            if (evidence == null || (project.equals(evidence.project()) && branch.equals(evidence.branch()))) {
                boolean checkpoint = evidence == null && checkpointRequesters.contains(walked.get(i).request().publicKey());
                releases.add(release(project, branch, walked.get(i), evidence, votes[i], checkpoint));
            }
        }
        return releases;
    }

    /** The branch's release {@code blockSignature}, or if it is not among them any block of the store by that name. */
    public Optional<ReleaseView> release(String project, String branch, String blockSignature) throws IOException {
        for (ReleaseView release : releases(project, branch)) {
            if (release.block().signatureBase32().equals(blockSignature)) {
                return Optional.of(release);
            }
        }
        // Beyond the walk: a block whose evidence names another branch is not shown under this one.
        return block(blockSignature).filter(b -> b.evidence() == null
                || (project.equals(b.evidence().project()) && branch.equals(b.evidence().branch())))
                .map(b -> b.labelled(project, branch));
    }

    /** The newest release of the branch that names itself {@code version}. */
    public Optional<ReleaseView> releaseByVersion(String project, String branch, String version) throws IOException {
        return releases(project, branch).stream()
                .filter(r -> r.isRelease() && r.record() != null && r.record().version().equals(version)).findFirst();
    }

    /**
     * The request keys of the publisher's log checkpoints, read from each signer's published checkpoint: blocks
     * they requested sign a checkpoint, not a release.
     */
    private Set<PublicKey> checkpointRequesters() throws IOException {
        Set<PublicKey> requesters = new HashSet<>();
        Path log = store.root().resolve("log");
        if (!Files.isDirectory(log)) {
            return requesters;
        }
        for (Path signer : sorted(log)) {
            Path file = signer.resolve("checkpoint");
            try {
                if (Files.isRegularFile(file) && Files.size(file) <= Checkpoint.MAX_BYTES) {
                    PublicKey key = PublicKey.parse(signer.getFileName().toString(), signer.toString());
                    requesters.add(Checkpoint.parse(Files.readAllBytes(file), key, file.toString()).block().request()
                            .publicKey());
                }
            } catch (BuildchainException e) {
                // Not a checkpoint this store's publisher wrote: its blocks stay unlabelled.
            }
        }
        return requesters;
    }

    /**
     * Every object the branch's releases name, all the way back (not only the newest {@link #MAX_RELEASES}):
     * manifests and their files.
     */
    public Set<Digest> reachableObjects(String project, String branch) throws IOException {
        Set<Digest> objects = new HashSet<>();
        Optional<KeyHistory> keys = keyHistory();
        Block block = store.tail(project, branch).orElse(null);
        while (block != null) {
            Evidence evidence = evidence(block);
            if (evidence != null && project.equals(evidence.project()) && branch.equals(evidence.branch())) {
                objects.add(block.digest());
                Path manifestObject = store.objectPath(block.digest());
                if (Files.isRegularFile(manifestObject)) {
                    byte[] bytes = Files.readAllBytes(manifestObject);
                    if (Digest.of(bytes).equals(block.digest())) {
                        objects.addAll(Manifest.parse(bytes, manifestObject.toString()).files().values());
                    }
                }
            }
            block = previous(block, keys);
        }
        return objects;
    }

    /** One release by its block signature, labelled with the project and branch its evidence names. */
    public Optional<ReleaseView> release(String blockSignature) throws IOException {
        return block(blockSignature).map(r -> r.evidence() == null ? r
                : r.labelled(r.evidence().project(), r.evidence().branch()));
    }

    /** Any block of the store by its signature, its vote not recounted (that needs the chain before it). */
    private Optional<ReleaseView> block(String blockSignature) throws IOException {
        byte[] signature;
        try {
            signature = Base32.decodeCanonical(blockSignature, 64, "block");
        } catch (BuildchainException e) {
            return Optional.empty();
        }
        Optional<Block> block = readBlock(signature);
        if (block.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(release(null, null, block.get(), evidence(block.get()), null, false));
    }

    private ReleaseView release(String project, String branch, Block block, Evidence evidence, VoteCount votes,
            boolean checkpoint) throws IOException {
        Path manifestObject = store.objectPath(block.digest());
        Manifest manifest = null;
        ReleaseRecord record = null;
        List<ReleaseView.FileView> files = new ArrayList<>();
        if (Files.isRegularFile(manifestObject)) {
            byte[] bytes = Files.readAllBytes(manifestObject);
            if (Digest.of(bytes).equals(block.digest())) {
                manifest = Manifest.parse(bytes, manifestObject.toString());
                for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
                    Path object = store.objectPath(file.getValue());
                    files.add(new ReleaseView.FileView(file.getKey(), file.getValue().base32(),
                            Files.isRegularFile(object) ? Files.size(object) : -1));
                }
                record = record(manifest);
            }
        }
        return new ReleaseView(project, branch, block, manifest, evidence, files, record, votes, checkpoint);
    }

    /** The release's record, if it carries a valid one. */
    private ReleaseRecord record(Manifest manifest) throws IOException {
        Optional<Digest> entry = ReleaseRecord.entry(manifest);
        if (entry.isEmpty()) {
            return null;
        }
        Path object = store.objectPath(entry.get());
        if (!Files.isRegularFile(object) || Files.size(object) > ReleaseRecord.MAX_BYTES) {
            return null;
        }
        try {
            return ReleaseRecord.of(manifest, Files.readAllBytes(object), "release record");
        } catch (BuildchainException e) {
            return null;
        }
    }

    private Evidence evidence(Block block) throws IOException {
        Path path = store.evidencePath(block);
        if (!Files.isRegularFile(path)) {
            return null;
        }
        try {
            return Evidence.parse(Files.readAllBytes(path), path.toString());
        } catch (BuildchainException e) {
            return null;
        }
    }

    /** The block before {@code block}: its previous link, or at a key's first block the block where the key before it handed over. */
    private Block previous(Block block, Optional<KeyHistory> keys) throws IOException {
        if (block.counter() > 1) {
            return readBlock(block.previous()).orElse(null);
        }
        Optional<KeyHistory.Era> era = keys.flatMap(k -> k.era(block.publicKey()));
        if (era.isEmpty() || era.get().number() == 1) {
            return null;
        }
        Optional<String> handover = keys.get().handedOverBefore(era.get().number()).flatMap(h -> h.lastBlock());
        return handover.isEmpty() ? null : readBlock(Base32.decode(handover.get(), "block")).orElse(null);
    }

    private Optional<Block> readBlock(byte[] signature) throws IOException {
        Path path = store.blockPath(signature);
        if (!Files.isRegularFile(path) || Files.size(path) != Block.SIZE) {
            return Optional.empty();
        }
        return Optional.of(Block.decode(Files.readAllBytes(path), path.toString()));
    }

    static List<Path> sorted(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(entry)) {
                    entries.add(entry);
                }
            }
        }
        entries.sort(null);
        return entries;
    }
}
