package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.chain.SignatureBatch;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.hash.FileHasher;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Freshness;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.root.SignerTrust;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.store.Store;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.time.Duration;
import java.time.Instant;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.CountedNote;
import io.buildchain.core.log.EvidenceNote;
import java.util.Map;
import java.util.Set;

/**
 * An end user's offline check of a published store against a pinned signer key or the root key (see
 * {@link SignerTrust}): tail → block → manifest
 * → file objects, the embedded builder request, the previous links back to the signer's genesis with
 * continuous counters, optionally the recorded quorum and the client's last-seen tail.
 */
public final class ChainVerifier {
    private static final int MANIFEST_MAX = 64 << 20;
    private static final int EVIDENCE_MAX = 16 << 20;
    /** The largest file object read when no size is known for it; users raise it with --max-object-mib. */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 1L << 30;
    private final StoreReader store;
    private final SignerTrust trust;
    private final long maxObjectBytes;
    private KeyHistory keys;
    /** The evidence digest of each release the publisher's evidence note binds (read by {@link #select}). */
    private Map<String, Digest> boundEvidence = Map.of();
    /** What each release counted, as the publisher's note of counted requests lists it (read with the evidence note). */
    private Map<String, List<RequestLedger.Counted>> listedCounts = Map.of();
    /** The client's state of this store while a selected release is verified (read by {@link #select}), or null. */
    private TrustedSet trustedState;
    /** The checkpoint whose notes were read (by {@link #select}), or null without a log. */
    private Checkpoint notesCheckpoint;
    private final Map<PublicKey, HistoryVerifier> chains = new java.util.HashMap<>();

    public ChainVerifier(StoreReader store, PublicKey pinned) {
        this(store, SignerTrust.pinned(pinned), DEFAULT_MAX_OBJECT_BYTES);
    }

    public ChainVerifier(StoreReader store, SignerTrust trust) {
        this(store, trust, DEFAULT_MAX_OBJECT_BYTES);
    }

    /** @param maxObjectBytes the most read of a file object whose size is not known */
    public ChainVerifier(StoreReader store, SignerTrust trust, long maxObjectBytes) {
        this.store = store;
        this.trust = trust;
        this.maxObjectBytes = maxObjectBytes;
    }

    /** The signer keys this store's blocks may carry under the caller's trust, read from the store once. */
    public KeyHistory keys() throws IOException {
        if (keys == null) {
            keys = trust.history(store);
        }
        return keys;
    }

    /**
     * A release whose block and manifest have been verified.
     *
     * @param record what the release says about itself (checked to name this project and branch), or null for a
     *               manifest without one (written by the original tools or without --release-version)
     */
    public record Release(String project, String branch, Block block, Manifest manifest, ReleaseRecord record) {
        /** "version 1.2, revision abc" or a note that the release does not name itself. */
        public String describe() {
            return record == null ? "no release record (the release does not name its project, branch or version)"
                    : record.describe();
        }

        /** The manifest's digest of file {@code name}, refused if the release has no such file. */
        public Digest digestOf(String name) {
            Digest digest = manifest.files().get(name);
            if (digest == null) {
                throw new FormatException("no file \"" + name + "\" in the release (run without a file name to list them)");
            }
            return digest;
        }

        /**
         * The size the release signs for file {@code name}: its record's entry, or for the record itself its
         * canonical length (it was read and parsed exactly). Empty without a record: the original manifest
         * format has digests only, so such files are bounded by the verifier's object limit instead.
         */
        public OptionalLong signedSize(String name) {
            if (record == null) {
                return OptionalLong.empty();
            }
            if (name.equals(ReleaseRecord.NAME)) {
                return OptionalLong.of(record.render().length);
            }
            Long size = record.sizes().get(name);
            return size == null ? OptionalLong.empty() : OptionalLong.of(size);
        }
    }

    /**
     * Which release of a branch: the tail, or an earlier one by block signature or by recorded version.
     *
     * @param block   base32 block signature, or null
     * @param version the version its release record names, or null
     */
    public record Selector(String block, String version) {
        public static final Selector TAIL = new Selector(null, null);
    }

    /**
     * A selected release, the branch's tail, how the tail's place in the signer's chain was checked, and what the
     * client will remember of the store once the caller has checked what it needs.
     *
     * @param trusted the client's state of this store, or null when the user turned it off
     * @param age     "newest checkpoint signed 5m ago (...)", for the summary
     */
    public record Selected(Release release, Release tailRelease, History history, TrustedSet trusted, String age) {
        public Block tail() {
            return tailRelease.block();
        }

        /** Keeps the tail, the checkpoint and the root statements: later, older views of the store are refused. */
        public void remember() throws IOException {
            if (trusted == null) {
                return;
            }
            trusted.acceptTail(tailRelease.project(), tailRelease.branch(), tail(), versionOf(tailRelease),
                    tailRelease.manifest().time());
            if (history.checkpoint() != null) {
                trusted.acceptCheckpoint(history.checkpoint());
            }
            trusted.commit();
        }
    }

    /** The version a release's record names, or "-" without one. */
    static String versionOf(Release release) {
        return release.record() == null ? "-" : release.record().version();
    }

    /** Whether a release without a release record (the original format) may be verified: named, never null. */
    public enum UnboundReleases {
        /** The default: such a release names no project or branch, so a mirror could show it under another. */
        REFUSE,
        /** {@code --allow-unbound-release}: for stores in the original format. */
        ALLOW
    }

    /** What a full verification checked. */
    /** @param trusted the user's trusted builder keys, to name the builder by its label; null without --trust */
    public record Report(Release release, int chainLength, int filesChecked, String quorum, History history,
            KeyList trusted, String age) {
        public String summary() {
            Block block = release.block();
            StringBuilder out = new StringBuilder();
            out.append("verified ").append(release.project()).append('/').append(release.branch())
                    .append(": block ").append(block.signatureBase32(), 0, 16).append("… counter ")
                    .append(Long.toUnsignedString(block.counter())).append(", signer ").append(block.publicKey())
                    .append(certifiedKey(block)).append('\n');
            out.append("  release: ").append(release.describe()).append('\n');
            out.append("  manifest ").append(block.digest()).append(" (").append(release.manifest().files().size())
                    .append(" files, source time ").append(Long.toUnsignedString(release.manifest().time())).append(")\n");
            PublicKey builder = block.request().publicKey();
            out.append("  builder request by ").append(trusted == null ? builder.base32() : trusted.label(builder)
                    .map(label -> label + " (" + builder + ")").orElse(builder + " (not in your trusted keys)"))
                    .append(", counter ")
                    .append(Long.toUnsignedString(block.request().counter())).append('\n');
            out.append("  chain: ").append(history.description()).append('\n');
            out.append("  age: ").append(age).append('\n');
            out.append("  files: ").append(filesChecked).append(" checked against their sha384\n");
            out.append("  quorum: ").append(quorum != null ? quorum : "NOT recounted: the builders' vote was not checked"
                    + " (give --quorum K --trust TRUSTED_KEYS_FILE to recount it with your own builder keys)").append('\n');
            return out.toString();
        }

        /** Which certified key signed this release's block (an earlier release may predate the tail's key). */
        private String certifiedKey(Block block) {
            return history.keys().root().isEmpty() ? "" : history.keys().era(block.publicKey())
                    .map(era -> " (certified key #" + era.number() + " of " + history.keys().eras().size() + ")")
                    .orElse("");
        }
    }

    /**
     * Options of a verification.
     *
     * @param state  the client's memory of the stores it verified, or null when the user turned it off
     * @param maxAge refuse a store whose newest signed time is older than this
     */
    public record Options(boolean checkFiles, KeyList trusted, int quorum, ClientState state, UnboundReleases unbound,
            Optional<Duration> maxAge) {
        /** As before releases had to be bound: unbound releases allowed, no age limit. */
        public Options(boolean checkFiles, KeyList trusted, int quorum, ClientState state) {
            this(checkFiles, trusted, quorum, state, UnboundReleases.ALLOW, Optional.empty());
        }

        public static Options defaults() {
            return new Options(true, null, 0, null);
        }
    }

    /** Tail → block (pinned key, both signatures) → manifest object (digest) → parsed manifest. */
    public Release release(String project, String branch) throws IOException {
        Store.checkName(project, "project");
        Store.checkName(branch, "branch");
        String tailPath = "tail/" + project + "/" + branch;
        byte[] tail;
        try {
            tail = store.read(tailPath, Block.SIZE);
        } catch (NoSuchFileException e) {
            throw new VerificationException("no tail " + tailPath + " at " + store.describe(tailPath)
                    + ": nothing published for project '" + project + "', branch '" + branch + "'");
        }
        Block block = checkBlock(tail, store.describe(tailPath));
        Release release = releaseOf(project, branch, block);
        if (release.record() != null) {
            release.record().checkFor(project, branch, "the tail " + tailPath);
        }
        return release;
    }

    /** The block's manifest (digest checked) and its release record, if it has one (checked against the manifest). */
    private Release releaseOf(String project, String branch, Block block) throws IOException {
        String manifestPath = "object/" + block.digest().base32();
        byte[] manifestBytes = readVerified(manifestPath, block.digest(), MANIFEST_MAX);
        Manifest manifest = Manifest.parse(manifestBytes, store.describe(manifestPath));
        ReleaseRecord record = null;
        Optional<Digest> entry = ReleaseRecord.entry(manifest);
        if (entry.isPresent()) {
            String recordPath = "object/" + entry.get().base32();
            record = ReleaseRecord.of(manifest, readVerified(recordPath, entry.get(), ReleaseRecord.MAX_BYTES),
                    store.describe(recordPath));
        }
        return new Release(project, branch, block, manifest, record);
    }

    /**
     * The release {@code selector} names: the tail (checked against what the client saw of this store before), or an
     * earlier block on the tail's chain whose record (or, without one, evidence) names this project and branch.
     */
    public Selected select(String project, String branch, Selector selector, Options options) throws IOException {
        chains.clear(); // what the store shows now, not what an earlier verification read
        Release tail = release(project, branch);
        TrustedSet trusted = options.state() == null ? null : options.state().of(storeIdentity());
        History history = history(project, branch, tail.block(), trusted);
        boolean named = selector.block() != null || selector.version() != null;
        if (trusted != null && !named) {
            trusted.checkNewest(project, branch, tail.block(), versionOf(tail), tail.manifest().time());
        }
        bindEvidence(history.checkpoint(), trusted);
        String age = age(tail.block(), history, options.maxAge());
        Release selected = named && !matches(tail, selector) ? earlier(project, branch, selector, tail) : tail;
        if (selected.record() == null) {
            if (options.unbound() == UnboundReleases.REFUSE) {
                throw new TrustRefusal(TrustRefusal.Cause.UNBOUND_RELEASE, "block " + selected.block().signatureBase32()
                        .substring(0, 16) + "… shown as " + project + "/" + branch + " has no release record ("
                        + ReleaseRecord.NAME + "), so nothing signed says which project and branch it is for; pass "
                        + "--allow-unbound-release only for a store in the original format");
            }
            String path = "quorum/" + selected.block().signatureBase32() + ".json";
            if (hasEvidence(path) && !evidenceNames(selected.block(), project, branch)) {
                throw new VerificationException("wrong release: the evidence of block " + selected.block()
                        .signatureBase32() + " (" + store.describe(path) + ") names another project or branch than "
                        + project + "/" + branch);
            }
        }
        return new Selected(selected, tail, history, trusted, age);
    }

    /** The identity the client's state keeps this store under: the trusted key and the store's first signer key. */
    public String storeIdentity() throws IOException {
        KeyHistory keys = keys();
        return ClientState.identity(trust.trustedKey(), keys.eras().isEmpty() ? trust.trustedKey()
                : keys.eras().get(0).key());
    }

    /** The age of the store's newest signed time (its checkpoint or its tail), refused past {@code maxAge}. */
    private static String age(Block tail, History history, Optional<Duration> maxAge) {
        Block newest = history.checkpoint() != null
                && Long.compareUnsigned(history.checkpoint().block().timestamp(), tail.timestamp()) >= 0
                ? history.checkpoint().block() : tail;
        return TrustedSet.checkFresh(newest.timestamp(), maxAge, Instant.now(), (newest == tail ? "tail block"
                : "newest log checkpoint") + " (counter " + Long.toUnsignedString(newest.counter()) + ") was");
    }

    private boolean hasEvidence(String path) throws IOException {
        try (InputStream in = store.open(path, EVIDENCE_MAX)) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Reads the evidence note and the note of counted requests that go with {@code checkpoint} (none without a log or
     * from an older publisher).
     */
    private void bindEvidence(Checkpoint checkpoint, TrustedSet trusted) throws IOException {
        Map<String, Digest> bound = Map.of();
        listedCounts = Map.of();
        String dir = checkpoint == null ? null : "log/" + checkpoint.block().publicKey().base32() + "/";
        String path = dir == null ? null : dir + EvidenceNote.FILE;
        if (dir != null) {
            bound = readNote(path, EvidenceNote.MAX_BYTES).flatMap(note -> EvidenceNote.parse(note, checkpoint,
                    store.describe(path))).map(EvidenceNote::evidence).orElse(Map.of());
            String listPath = dir + CountedNote.FILE;
            listedCounts = readNote(listPath, CountedNote.MAX_BYTES).flatMap(note -> CountedNote.parse(note,
                    checkpoint, store.describe(listPath))).map(CountedNote::counted).orElse(Map.of());
        }
        if (trusted != null && checkpoint != null) {
            PublicKey signer = checkpoint.block().publicKey();
            trusted.checkEvidence(signer, bound, store.describe(path));
            for (Map.Entry<String, List<RequestLedger.Counted>> listed : listedCounts.entrySet()) {
                if (bound.containsKey(listed.getKey())) { // any verification pins the list, --quorum or not
                    trusted.checkCounted(signer, listed.getKey(), RequestLedger.Counted.digest(listed.getValue()),
                            store.describe(dir + CountedNote.FILE));
                }
            }
        }
        boundEvidence = bound;
        trustedState = trusted;
        notesCheckpoint = checkpoint;
    }

    private Optional<byte[]> readNote(String path, int maxBytes) throws IOException {
        try {
            return Optional.of(store.read(path, maxBytes));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code quorum/BLOCK.json}, or null when the store has none; refused when the publisher's evidence note binds
     * other bytes, or binds evidence the store no longer has.
     */
    private Evidence evidence(String block) throws IOException {
        Optional<Evidence> served = servedEvidence(block);
        if (served.isEmpty() && boundEvidence.containsKey(block)) {
            throw withheld(block, "");
        }
        return served.orElse(null);
    }

    /** {@code quorum/BLOCK.json} if the store serves it; refused when the publisher's evidence note binds other bytes. */
    private Optional<Evidence> servedEvidence(String block) throws IOException {
        String path = "quorum/" + block + ".json";
        Digest bound = boundEvidence.get(block);
        byte[] json;
        try {
            json = store.read(path, EVIDENCE_MAX);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bound != null && !Digest.of(json).equals(bound)) {
            throw new TrustRefusal(TrustRefusal.Cause.EVIDENCE_WITHHELD, store.describe(path) + " hashes to "
                    + Digest.of(json) + ", but the publisher's evidence note binds " + bound);
        }
        return Optional.of(Evidence.parse(json, store.describe(path)));
    }

    private TrustRefusal withheld(String block, String why) {
        String path = "quorum/" + block + ".json";
        return new TrustRefusal(TrustRefusal.Cause.EVIDENCE_WITHHELD, store.describe(path) + " is missing, but the "
                + "publisher's evidence note binds it (sha384 " + boundEvidence.get(block) + ")" + why);
    }

    /** The release {@code selector} names among the blocks before {@code tail}. */
    private Release earlier(String project, String branch, Selector selector, Release tail) throws IOException {
        // An earlier release is found by walking back from the tail, whatever the log says.
        List<String> older = new ArrayList<>(blocksBefore(tail.block()));
        for (int i = 0; i < older.size(); i++) {
            String name = older.get(i);
            if (selector.block() != null && !selector.block().equals(name)) {
                continue;
            }
            Block block = checkBlock(store.read("block/" + name, Block.SIZE), store.describe("block/" + name));
            if (selector.block() == null && !hasObject(block.digest())) {
                continue; // a log checkpoint's block signs the checkpoint's text, not a manifest in the store
            }
            Release release = releaseOf(project, branch, block);
            boolean onBranch = release.record() != null
                    ? release.record().project().equals(project) && release.record().branch().equals(branch)
                    : evidenceNames(block, project, branch);
            if (onBranch && matches(release, selector)) {
                return release;
            }
            if (selector.block() != null) {
                throw new VerificationException("block " + name + " is on the chain of " + project + "/" + branch
                        + " but is not one of its releases (" + (release.record() != null
                                ? "its record names " + release.record().project() + "/" + release.record().branch()
                                : "it has neither a release record nor evidence naming this branch") + ")");
            }
        }
        throw new VerificationException("no release " + (selector.block() != null ? "with block " + selector.block()
                : "with version " + selector.version()) + " on the chain of " + project + "/" + branch
                + " (tail block " + Long.toUnsignedString(tail.block().counter()) + ")");
    }

    private boolean hasObject(Digest digest) throws IOException {
        try (InputStream in = store.open("object/" + digest.base32(), MANIFEST_MAX)) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static boolean matches(Release release, Selector selector) {
        if (selector.block() != null) {
            return selector.block().equals(release.block().signatureBase32());
        }
        return release.record() != null && selector.version().equals(release.record().version());
    }

    private boolean evidenceNames(Block block, String project, String branch) throws IOException {
        Evidence evidence = evidence(block.signatureBase32());
        return evidence != null && project.equals(evidence.project()) && branch.equals(evidence.branch());
    }

    /** Everything about the tail: release, chain history, files, and what {@code options} asks for. */
    public Report verify(String project, String branch, Options options) throws IOException {
        return verify(project, branch, Selector.TAIL, options);
    }

    /** Everything about the selected release: as for the tail, plus that it is on the tail's chain. */
    public Report verify(String project, String branch, Selector selector, Options options) throws IOException {
        Selected selected = select(project, branch, selector, options);
        Release release = selected.release();
        int files = 0;
        if (options.checkFiles()) {
            for (String name : release.manifest().files().keySet()) {
                copyFile(release, name, OutputStream.nullOutputStream());
                files++;
            }
        }
        String quorum = options.trusted() == null ? null
                : checkQuorum(release.block(), options.trusted(), options.quorum(),
                        countedBefore(blocksBefore(release.block())));
        selected.remember();
        return new Report(release, (int) Math.min(release.block().counter(), Integer.MAX_VALUE), files, quorum,
                selected.history(), options.trusted(), selected.age());
    }

    /**
     * Checks that {@code tail} descends from what {@code trusted} (may be null) accepted before and belongs to
     * the signer's chain: by a short walk, the store's log, or the walk to the genesis ({@link HistoryVerifier}).
     * Under a root also the earlier keys' chains, each from the block where it handed over, that every root
     * statement seen before is still shown, and that no tail of the branch by a newer key was seen before. The
     * store's newest checkpoint of the tail's key is read in any case: a log once seen is required.
     */
    public History history(String project, String branch, Block tail, TrustedSet trusted) throws IOException {
        KeyHistory keys = keys();
        KeyHistory.Era era = keys.era(tail.publicKey()).orElseThrow();
        if (trusted != null && keys.root().isPresent()) {
            trusted.checkStatements(keys);
            trusted.checkKeys(project, branch, era, keys);
        }
        History history = chainOf(era.key()).check(project, branch, tail, trusted);
        if (history.checkpoint() == null) {
            Checkpoint newest = chainOf(era.key()).newestCheckpoint(trusted).orElse(null);
            history = new History(tail, newest, history.description(), history.keys());
        }
        if (keys.root().isEmpty()) {
            return history;
        }
        Optional<String> handedOver = era.handover().flatMap(SignerCertificate.Predecessor::lastBlock);
        if (handedOver.isPresent() && !handedOver.get().equals(tail.signatureBase32())) {
            chainOf(era.key()).requireOnChain(handoverBlock(era), tail, trusted, "block "
                    + tail.signatureBase32() + " by " + tail.publicKey() + " is not on the chain that key handed over to "
                    + era.successor().get() + " at block " + handedOver.get());
        }
        if (era.revokedFrom().isPresent()) {
            // A stolen key can sign a branch below the revoked counter; only the root-named block's own past counts,
            // walked link by link (a checkpoint the key signed proves nothing once it is stolen).
            Block revoked = revokedBlock(era);
            chainOf(era.key()).requireOnChainByWalk(revoked, tail, "block " + tail.signatureBase32() + " by "
                    + tail.publicKey() + " is not on the chain before block " + revoked.signatureBase32()
                    + ", from which the root revoked that key");
        }
        for (KeyHistory.Era earlier : keys.eras().subList(0, era.number() - 1)) {
            if (earlier.handover().get().lastBlock().isPresent()) {
                chainOf(earlier.key()).check(project, branch, handoverBlock(earlier), trusted);
            }
        }
        return new History(tail, history.checkpoint(), history.description() + "; the tail's signer key #" + era.number() + " of "
                + keys.eras().size() + " certified by root " + keys.root().get() + ", each linked to the last block of "
                + "the key before", keys);
    }

    /**
     * {@link #walkChain}, and under a root on through each earlier key's chain from the block where it handed over:
     * every block {@code tail} comes after, newest first (an earlier release, a request counted before, may be in
     * any of them).
     */
    public Set<String> blocksBefore(Block tail) throws IOException {
        Set<String> before = walkChain(tail);
        KeyHistory keys = keys();
        List<KeyHistory.Era> earlier = new ArrayList<>(keys.eras().subList(0, keys.era(tail.publicKey()).orElseThrow()
                .number() - 1));
        Collections.reverse(earlier);
        for (KeyHistory.Era era : earlier) {
            if (era.handover().get().lastBlock().isPresent()) {
                Block handover = handoverBlock(era);
                before.add(handover.signatureBase32());
                before.addAll(walkChain(handover));
            }
        }
        return before;
    }

    /** One per key, so its newest checkpoint is read once per verification. */
    private HistoryVerifier chainOf(PublicKey signer) {
        return chains.computeIfAbsent(signer, key -> new HistoryVerifier(store, key, this::checkBlock));
    }

    /** The block named where {@code era}'s key handed over, checked as any block of the history. */
    private Block handoverBlock(KeyHistory.Era era) throws IOException {
        String name = era.handover().get().lastBlock().get();
        String what = "block " + name + " (where " + era.key() + " handed over to " + era.successor().get() + ")";
        Block block = KeyHistory.readBlock(store, name).orElseThrow(() -> new TrustRefusal(TrustRefusal.Cause.NOT_IN_STORE,
                what + " is not in the store (" + store.describe("block/" + name) + ")"));
        keys().checkBlock(block, what);
        return block;
    }

    /** The block the root revoked {@code era}'s key from (the store holds it: the key history checked that). */
    private Block revokedBlock(KeyHistory.Era era) throws IOException {
        String name = era.revokedFrom().get().fromBlock();
        return KeyHistory.readBlock(store, name).orElseThrow(() -> new TrustRefusal(TrustRefusal.Cause.NOT_IN_STORE,
                "block " + name + " (from which the root revoked " + era.key() + ") is not in the store ("
                        + store.describe("block/" + name) + ")"));
    }

    /**
     * Walks {@code previous} links from {@code tail} back to the genesis: each earlier block must be in
     * the store, signed by the pinned key, and numbered exactly one less.
     *
     * @return base32 signatures of the blocks before {@code tail}
     */
    public Set<String> walkChain(Block tail) throws IOException {
        // The signatures are checked together, on every core. A broken link met first still reports the
        // earliest bad signature before it, as checking block by block would.
        SignatureBatch signatures = new SignatureBatch();
        HistoryVerifier chain = new HistoryVerifier(store, tail.publicKey(), (bytes, where) -> {
            Block block = checkPinned(bytes, where);
            signatures.addBlock(block, where);
            return block;
        });
        Set<String> ancestors = new LinkedHashSet<>();
        Block current = tail;
        try {
            while (current.counter() > 1) {
                current = chain.previous(current);
                ancestors.add(current.signatureBase32());
            }
        } catch (IOException | RuntimeException e) {
            signatures.verifyAll();
            throw e;
        }
        signatures.verifyAll();
        Genesis.of(current.publicKey(), current.previous()).verify("genesis of signer " + current.publicKey());
        return ancestors;
    }

    /**
     * The requests counted before: those inside the earlier blocks and in their evidence. A request among them
     * that turns up again in a later release's evidence is a replay and counts zero in that recount.
     *
     * <p>A store may hide a release whole, its manifest and evidence, as a Jenkins job's view hides other jobs'
     * releases; what that release's evidence counted then comes from the publisher's signed note of counted requests.
     * A store that shows the release but not the evidence the note binds is withholding it, and is refused.
     */
    public RequestLedger countedBefore(Set<String> ancestors) throws IOException {
        RequestLedger ledger = RequestLedger.empty();
        for (String name : ancestors) {
            Block block = Block.decode(store.read("block/" + name, Block.SIZE), name);
            ledger.countAll(List.of(block.request()));
            Optional<Evidence> evidence = servedEvidence(name);
            if (evidence.isEmpty() && !boundEvidence.containsKey(name)) {
                requireNotHiddenPastCheckpoint(block);
                continue; // a release without evidence made no other request public
            }
            ledger.countListed(checkCounts(block, evidence.isPresent() ? RequestLedger.countedBy(evidence.get())
                    : hiddenReleaseCounts(block)));
        }
        return ledger;
    }

    /**
     * {@code counts}, what {@code release}'s evidence counted, once it agrees with the publisher's list (when the store
     * serves the evidence too) and, for a bound release, with what the client recounted of it before.
     */
    private List<RequestLedger.Counted> checkCounts(Block release, List<RequestLedger.Counted> counts) {
        String name = release.signatureBase32();
        Digest digest = RequestLedger.Counted.digest(counts);
        String list = store.describe("log/" + release.publicKey().base32() + "/" + CountedNote.FILE);
        List<RequestLedger.Counted> listed = listedCounts.get(name);
        if (listed != null && !RequestLedger.Counted.digest(listed).equals(digest)) {
            throw new TrustRefusal(TrustRefusal.Cause.EVIDENCE_WITHHELD, list + " lists other requests for release "
                    + "block " + name + " than its evidence counted (" + store.describe("quorum/" + name + ".json") + ")");
        }
        if (trustedState != null && boundEvidence.containsKey(name)) {
            trustedState.checkCounted(release.publicKey(), name, digest, list);
        }
        return counts;
    }

    /**
     * Refuses a release of the notes' log past their checkpoint that the store hides whole (neither manifest nor
     * evidence): no note says what it counted, and a store that serves an older checkpoint would otherwise have it
     * read as "counted nothing". A checkpoint's own block is requested by the publisher's key and names no manifest.
     */
    private void requireNotHiddenPastCheckpoint(Block block) throws IOException {
        Checkpoint checkpoint = notesCheckpoint;
        if (checkpoint == null || !block.publicKey().equals(checkpoint.block().publicKey())
                || Long.compareUnsigned(block.counter(), checkpoint.size()) <= 0
                || block.request().publicKey().equals(checkpoint.block().request().publicKey())
                || hasObject(block.digest())) {
            return;
        }
        throw new TrustRefusal(TrustRefusal.Cause.EVIDENCE_WITHHELD, "release block " + block.signatureBase32()
                + " (counter " + Long.toUnsignedString(block.counter()) + ") comes after the store's newest checkpoint ("
                + checkpoint.size() + " blocks), whose notes say nothing of it, and " + store.describe("object/"
                + block.digest().base32()) + " and its evidence are not served: verify at an address that serves every "
                + "release, or after the next publish (or 'buildchain checkpoint' on the publisher)");
    }

    /** What the note of counted requests lists for a release the store does not show; refused if it shows it. */
    private List<RequestLedger.Counted> hiddenReleaseCounts(Block release) throws IOException {
        String name = release.signatureBase32();
        List<RequestLedger.Counted> listed = listedCounts.get(name);
        if (listed == null) {
            throw withheld(name, ", and no note of counted requests lists that release (notes older than that list, or"
                    + " one withheld): verify at an address that serves every release's evidence, or after the next "
                    + "publish (or 'buildchain checkpoint' on the publisher), which writes the list");
        }
        // The store's own answer: a cached copy of that manifest (fetched from another job's view) shows nothing.
        if (store.serves("object/" + release.digest().base32(), MANIFEST_MAX)) {
            throw withheld(name, "; the store shows that release (its manifest " + release.digest() + ") but not "
                    + "its evidence");
        }
        return listed;
    }

    /** Re-counts the release's recorded vote with the caller's trusted keys, as if nothing was counted before. */
    public String checkQuorum(Block block, KeyList trusted, int quorum) throws IOException {
        return checkQuorum(block, trusted, quorum, Freshness.UNCHECKED);
    }

    /** Re-counts the release's recorded vote with the caller's trusted keys; stale requests count zero. */
    public String checkQuorum(Block block, KeyList trusted, int quorum, Freshness freshness) throws IOException {
        String path = "quorum/" + block.signatureBase32() + ".json";
        Evidence evidence = evidence(block.signatureBase32());
        if (evidence == null) {
            throw new VerificationException("no quorum evidence for block " + block.signatureBase32()
                    + " (" + store.describe(path) + ")");
        }
        if (!block.digest().base32().equals(evidence.manifest())) {
            throw new VerificationException(store.describe(path) + ": evidence is for manifest " + evidence.manifest()
                    + ", but the block signs " + block.digest());
        }
        boolean carried = evidence.submissions().stream().map(Evidence::decodeRequest)
                .anyMatch(r -> r.isPresent() && block.carries(r.get()));
        if (!carried) {
            throw new VerificationException(store.describe(path) + ": the request inside the block is not among the "
                    + "recorded submissions");
        }
        List<String> operators = evidence.recount(trusted, freshness);
        String who = operators.isEmpty() ? "" : " (" + String.join(", ", operators) + ")";
        String counted = trusted.hasOperators() ? "operators" : "builders";
        if (operators.size() < quorum) {
            throw new VerificationException("quorum not met: " + operators.size() + " of your trusted " + counted
                    + " signed manifest " + block.digest() + who + ", " + quorum + " required");
        }
        return operators.size() + " of your " + trusted.operatorCount() + " trusted " + counted + " signed this manifest"
                + who + " (required " + quorum + ")";
    }

    /**
     * Streams {@code object/DIGEST} into {@code out}, failing if it does not hash to {@code digest} or is
     * larger than this verifier's object limit.
     */
    public void copyObject(Digest digest, OutputStream out, String what) throws IOException {
        copy(digest, out, what, maxObjectBytes, false);
    }

    /**
     * Streams file {@code name} of {@code release} into {@code out}: exactly its signed size (see
     * {@link Release#signedSize}) when the release has one, otherwise at most this verifier's object limit,
     * and failing if it does not hash to the manifest's digest.
     */
    public void copyFile(Release release, String name, OutputStream out) throws IOException {
        Digest digest = release.digestOf(name);
        OptionalLong size = release.signedSize(name);
        if (size.isPresent()) {
            copyObject(digest, out, "file \"" + name + "\"", size.getAsLong());
        } else {
            copyObject(digest, out, "file \"" + name + "\"");
        }
    }

    /**
     * As {@link #copyObject(Digest, OutputStream, String)}, for an object whose size a signed record gives:
     * never read past {@code expectedBytes}, and refused unless exactly that many arrive.
     */
    public void copyObject(Digest digest, OutputStream out, String what, long expectedBytes) throws IOException {
        copy(digest, out, what, expectedBytes, true);
    }

    private void copy(Digest digest, OutputStream out, String what, long maxBytes, boolean exact) throws IOException {
        String path = "object/" + digest.base32();
        long[] received = {0};
        OutputStream counted = new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                received[0] += length;
            }
        };
        Digest actual;
        try (InputStream in = store.open(path, maxBytes)) {
            actual = FileHasher.copy(in, counted);
        } catch (NoSuchFileException e) {
            throw new VerificationException(what + ": object " + digest + " is missing (" + store.describe(path) + ")");
        } catch (ObjectTooLargeException e) {
            if (!exact) {
                throw e;
            }
            throw new VerificationException(what + ": expected " + maxBytes + " bytes (its signed size), received "
                    + e.received() + " from " + store.describe(path) + "; stopped reading");
        }
        if (exact && received[0] != maxBytes) {
            throw new VerificationException(what + ": expected " + maxBytes + " bytes (its signed size), received "
                    + received[0] + " from " + store.describe(path));
        }
        if (!actual.equals(digest)) {
            throw new VerificationException(what + ": sha384 mismatch: " + store.describe(path) + " hashes to " + actual);
        }
    }

    private byte[] readVerified(String path, Digest digest, int max) throws IOException {
        byte[] bytes;
        try {
            bytes = store.read(path, max);
        } catch (NoSuchFileException e) {
            throw new VerificationException("object " + digest + " is missing (" + store.describe(path) + ")");
        }
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) {
            throw new VerificationException("sha384 mismatch: " + store.describe(path) + " hashes to " + actual);
        }
        return bytes;
    }

    Block checkBlock(byte[] bytes, String where) throws IOException {
        Block block = checkPinned(bytes, where);
        new SignatureBatch().addBlock(block, where).verifyAll();
        return block;
    }

    /** A block's shape and signer key (pinned, or certified and not revoked there); the caller checks signatures. */
    private Block checkPinned(byte[] bytes, String where) throws IOException {
        if (bytes.length != Block.SIZE) {
            throw new FormatException(where + ": a block is 400 bytes, got " + bytes.length
                    + (bytes.length < Block.SIZE ? " (truncated)" : ""));
        }
        Block block = Block.decode(bytes, where);
        keys().checkBlock(block, where);
        return block;
    }
}
