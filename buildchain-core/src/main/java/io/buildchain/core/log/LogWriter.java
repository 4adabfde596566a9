package io.buildchain.core.log;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.Remedies;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.chain.UnexpectedKeyException;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.root.KeyChangeGuard;
import io.buildchain.core.root.SignerHead;
import io.buildchain.core.verify.StoreReader;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The publisher's side of the log: an append-only Merkle tree over every block of one signer's chain (leaf
 * i is the block with counter i + 1), kept as tiles in {@code log/SIGNER_KEY/} beside the original layout,
 * and a checkpoint signed by the signer itself. The first run backfills the chain already in the store;
 * each later run appends the blocks since, reading and writing only the right edge (O(log N)).
 *
 * <p>The checkpoint is signed by asking the signer to sign a request for SHA-384 of its text, made with the
 * publisher's own request key ({@code log-requests/key}, never served): the answer is an ordinary block of
 * the same chain, so users pin nothing new and the original tools see one more block.
 */
public final class LogWriter {
    private final Store store;
    private final BlockSigner signer;
    private final Consumer<String> log;
    private final Clock clock;
    private Remedies remedies = Remedies.COMMANDS;

    public LogWriter(Store store, BlockSigner signer, Consumer<String> log, Clock clock) {
        this.store = store;
        this.signer = signer;
        this.log = log;
        this.clock = clock;
    }

    /** Names {@code remedies} when the signer is silent to the request key (the command line's by default). */
    public LogWriter advising(Remedies remedies) {
        this.remedies = remedies;
        return this;
    }

    /** Where the log of {@code signer}'s chain lives in a store. */
    public static Path directory(Store store, PublicKey signer) {
        return store.root().resolve("log").resolve(signer.base32());
    }

    /**
     * Appends every block up to {@code newest} (already stored) and publishes a checkpoint signed by the
     * signer; call with the store lock held. A log that cannot be extended is reported and left as it was:
     * clients then verify the newer blocks by walking the chain.
     */
    public Optional<Checkpoint> extend(Block newest) throws IOException {
        try {
            if (Long.compareUnsigned(newest.counter(), readSize(directory(store, newest.publicKey()))) <= 0) {
                return Optional.empty(); // already in the log
            }
            return Optional.of(extendOrFail(newest));
        } catch (SignerSilentException e) {
            log.accept("log of signer " + newest.publicKey() + " not extended (verify walks the chain instead): "
                    + e.getMessage() + allowHint());
            return Optional.empty();
        } catch (BuildchainException | IOException e) {
            log.accept("log of signer " + newest.publicKey() + " not extended (verify walks the chain instead): "
                    + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * {@code buildchain checkpoint}: a new checkpoint over the chain as the store holds it, with no release, so that
     * clients with {@code --max-age} see the store is kept up and a mirror cannot freeze it unnoticed. Call with the
     * store lock held; any failure is thrown, not only reported.
     */
    public Checkpoint refresh() throws IOException {
        if (signer.key().isPresent()) {
            KeyChangeGuard.check(store, signer.key().get());
        }
        recover();
        Block head = SignerHead.read(StoreReader.of(store.root())).orElseThrow(() -> new VerificationException(
                "the store " + store.root() + " has no blocks yet: publish a release first"));
        return extendOrFail(head);
    }

    private Checkpoint extendOrFail(Block newest) throws IOException {
        PublicKey key = newest.publicKey();
        Path dir = directory(store, key);
        long size = readSize(dir);
        if (Long.compareUnsigned(newest.counter(), size) <= 0) {
            throw new VerificationException("block counter " + Long.toUnsignedString(newest.counter())
                    + " is already in the log of size " + size);
        }
        List<byte[]> leaves = newLeaves(dir, size, newest);
        if (size == 0) {
            log.accept("log: building the log of signer " + key + " over " + leaves.size() + " block(s)");
        }
        append(dir, size, leaves);
        long newSize = size + leaves.size();
        writeLogFile(dir, "tree-size", (newSize + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] root = MerkleProofs.root(newSize, tiles(dir, newSize));
        byte[] body = Checkpoint.body(key, newSize, root);
        writeNotes(dir, key, newSize, root);
        Block signature = ask(newRequest(Digest.of(body)));
        Checkpoint checkpoint = Checkpoint.signed(key, newSize, root, signature);
        writeLogFile(dir, "checkpoint", checkpoint.render());
        return checkpoint;
    }

    /**
     * Beside each checkpoint, the publisher's signed note of every release's evidence in the log ({@link EvidenceNote}),
     * so that clients refuse a missing or shortened {@code quorum/BLOCK.json} instead of reading it as empty, and the
     * note of what each of them counted ({@link CountedNote}), for clients shown only some releases' evidence. Written
     * before the checkpoint they go with: a reader between the writes sees notes for a larger log, which hold.
     */
    private void writeNotes(Path dir, PublicKey key, long size, byte[] root) throws IOException {
        java.util.TreeMap<Long, String> blocks = new java.util.TreeMap<>();
        java.util.Map<String, Digest> evidence = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<RequestLedger.Counted>> counted = new java.util.HashMap<>();
        Path quorum = store.root().resolve("quorum");
        if (Files.isDirectory(quorum)) {
            try (var files = Files.newDirectoryStream(quorum, "*.json")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                    Path block = store.root().resolve("block").resolve(name);
                    if (Files.isRegularFile(block)) {
                        Block release = Block.decode(Files.readAllBytes(block), block.toString());
                        if (release.publicKey().equals(key) && Long.compareUnsigned(release.counter(), size) <= 0) {
                            byte[] json = Files.readAllBytes(file);
                            blocks.put(release.counter(), name);
                            evidence.put(name, Digest.of(json));
                            countedBy(json, file).ifPresent(requests -> counted.put(name, requests));
                        }
                    }
                }
            }
        }
        java.util.Map<String, Digest> ordered = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<RequestLedger.Counted>> orderedCounted = new java.util.LinkedHashMap<>();
        for (String name : blocks.values()) {
            ordered.put(name, evidence.get(name));
            if (counted.containsKey(name)) {
                orderedCounted.put(name, counted.get(name));
            }
        }
        writeLogFile(dir, EvidenceNote.FILE, new EvidenceNote(size, root, ordered).render(key, requestKey()));
        writeLogFile(dir, CountedNote.FILE, new CountedNote(size, root, orderedCounted).render(key, requestKey()));
    }

    /**
     * What {@code json} counted, as the ledger counts it; empty for evidence that does not parse, which the note then
     * does not vouch for (a client shown no such file refuses, as before the note existed).
     */
    private static Optional<List<RequestLedger.Counted>> countedBy(byte[] json, Path file) {
        try {
            return Optional.of(RequestLedger.countedBy(Evidence.parse(json, file.toString())));
        } catch (BuildchainException e) {
            return Optional.empty();
        }
    }

    /** A file of the log's directory, readable by all (served), replaced whole. */
    private void writeLogFile(Path dir, String name, byte[] content) throws IOException {
        AtomicFiles.write(dir.resolve(name), store.tmp(), out -> out.write(content), AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }

    /**
     * Finishes an own request (a checkpoint's or a key probe's) an interrupted publish left in the journal: a block
     * already received is stored without asking the signer; a request only sent is asked again (the node answers
     * a request it signed with the same block). Call with the store lock held, before anything else is signed.
     * A block by a key the store does not accept yet stays journaled and the refusal names the commands.
     */
    public void recover() throws IOException {
        Optional<Block> received = readJournal(pendingBlock()).map(b -> Block.decode(b, "log-requests/pending-block"));
        if (received.isPresent()) {
            try {
                KeyChangeGuard.admit(store, received.get());
                log.accept(recovered(received.get()));
            } catch (TrustRefusal e) {
                if (e.cause() == TrustRefusal.Cause.KEY_CHANGE) {
                    throw e; // waits for the root's certificate of that key
                }
                log.accept("log: dropped the block an interrupted publish received for its own request: "
                        + e.getMessage());
            }
            clearJournal();
            return;
        }
        Optional<byte[]> sent = readJournal(pendingRequest());
        if (sent.isEmpty()) {
            return;
        }
        try {
            log.accept(recovered(ask(SignedRequest.decode(sent.get(), "log-requests/pending-request"))));
        } catch (SignerRefusedException e) {
            log.accept("log: the own request of an interrupted publish was not signed again: " + e.getMessage());
            clearJournal();
        } catch (SignerSilentException e) {
            // A silent signer is down, or it will not answer that request again (a restarted node, one of pihsm's
            // kind that signed since): kept until a new own request is answered (learnKey), never a wedge.
            log.accept("log: the own request of an interrupted publish got no answer; kept until a new one is answered");
        }
    }

    private static String recovered(Block block) {
        return "log: stored block " + Long.toUnsignedString(block.counter()) + " of the own request (a checkpoint or key"
                + " probe) an interrupted publish asked for";
    }

    /**
     * Learns which key the signer signs with now, before any builder's request goes out, from a new request of the
     * publisher's own (one more block of the chain). Never a request sent before: an old answer to it, still waiting
     * on the line from a signer since restarted, would name a key that no longer signs. The answer is journaled
     * before its key is checked, so a block by a restarted node's new key is stored once the root certifies that
     * key, never lost; and it is stored now if the key is accepted. Call with the store lock held.
     *
     * @throws SignerSilentException if the signer does not answer: it is down (or does not allow the request key)
     */
    public PublicKey learnKey() throws IOException {
        recover();
        byte[] probe = ("buildchain publisher key probe " + clock.instant() + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            return ask(newRequest(Digest.of(probe))).publicKey();
        } catch (SignerSilentException e) {
            throw new SignerSilentException(e.getMessage() + allowHint());
        }
    }

    /** A new request of the publisher's own for {@code digest}, next on its request chain. */
    private SignedRequest newRequest(Digest digest) throws IOException {
        return new BuilderChain(requestDir()).request(requestKey(), digest, clock.instant().getEpochSecond());
    }

    /**
     * Has the signer sign an own request: journaled as sent before it goes out, the answer journaled as received
     * before its key is checked, then stored; the journal is cleared only once the block is in the store.
     */
    private Block ask(SignedRequest request) throws IOException {
        AtomicFiles.write(pendingRequest(), store.tmp(), out -> out.write(request.bytes()), AtomicFiles.OWNER_READ_WRITE,
                true);
        Block block;
        // Blocks the line brings for other requests (one signed for a stopped publish) link the chain: kept.
        List<Block> late = new ArrayList<>();
        try {
            block = signer.sign(request, late::add);
        } catch (UnexpectedKeyException e) {
            writeJournal(pendingBlock(), e.block().bytes());
            throw e;
        } finally {
            for (Block other : late) {
                if (BlockImport.put(store, other)) {
                    log.accept("log: stored block " + Long.toUnsignedString(other.counter()) + " "
                            + other.signatureBase32() + ", signed for an earlier request");
                }
            }
        }
        writeJournal(pendingBlock(), block.bytes());
        KeyChangeGuard.admit(store, block);
        clearJournal();
        return block;
    }

    private Optional<byte[]> readJournal(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    private void writeJournal(Path file, byte[] content) throws IOException {
        AtomicFiles.write(file, store.tmp(), out -> out.write(content), AtomicFiles.OWNER_READ_WRITE, true);
    }

    private void clearJournal() throws IOException {
        Files.deleteIfExists(pendingBlock());
        Files.deleteIfExists(pendingRequest());
    }

    /** What to do when the signer is silent to the checkpoint request key: it may not be on its allow-list. */
    private String allowHint() throws IOException {
        return "; " + remedies.allowRequestKey(requestKey().publicKey(), store.root());
    }

    /** The own request sent and not yet answered (the journal's first state). */
    private Path pendingRequest() throws IOException {
        return requestDir().resolve("pending-request");
    }

    /** The block received for it, kept until the store accepts its key (the journal's second state). */
    private Path pendingBlock() throws IOException {
        return requestDir().resolve("pending-block");
    }


    /** Leaf hashes of the blocks after the first {@code size}, walked back from {@code newest}, oldest first. */
    private List<byte[]> newLeaves(Path dir, long size, Block newest) throws IOException {
        List<byte[]> leaves = new ArrayList<>();
        Block current = newest;
        current.verifySignature("block " + current.signatureBase32());
        leaves.add(TreeHash.leaf(current.bytes()));
        while (current.counter() > size + 1) {
            Block previous = storedBlock(current.previous());
            if (!previous.publicKey().equals(current.publicKey()) || previous.counter() != current.counter() - 1) {
                throw new VerificationException("block " + previous.signatureBase32() + " does not precede block counter "
                        + Long.toUnsignedString(current.counter()) + " in the chain");
            }
            previous.verifySignature("block " + previous.signatureBase32());
            leaves.add(TreeHash.leaf(previous.bytes()));
            current = previous;
        }
        if (size == 0) {
            Genesis.of(current.publicKey(), current.previous()).verify("genesis of signer " + current.publicKey());
        } else {
            byte[] lastLeaf = tiles(dir, size).subtree(0, size - 1);
            if (!MessageDigest.isEqual(lastLeaf, TreeHash.leaf(storedBlock(current.previous()).bytes()))) {
                throw new VerificationException("the chain in the store does not continue the log at size " + size);
            }
        }
        Collections.reverse(leaves);
        return leaves;
    }

    private Block storedBlock(byte[] signature) throws IOException {
        Path file = store.blockPath(signature);
        if (!Files.exists(file)) {
            throw new VerificationException("block " + Base32.encode(signature) + " is not in the store");
        }
        return Block.decode(Files.readAllBytes(file), file.toString());
    }

    /** Adds {@code leaves} after the first {@code size}, level by level, rewriting only right-edge tiles. */
    private void append(Path dir, long size, List<byte[]> leaves) throws IOException {
        List<byte[]> added = leaves;
        long before = size;
        for (int level = 0; !added.isEmpty(); level++) {
            long firstTile = before / Tiles.WIDTH;
            int kept = (int) (before % Tiles.WIDTH);
            List<byte[]> entries = new ArrayList<>();
            if (kept > 0) {
                Path partial = dir.resolve(Tiles.path(level, firstTile, kept));
                entries.addAll(Tiles.parse(Files.readAllBytes(partial), kept, partial.toString()));
            }
            entries.addAll(added);
            List<byte[]> completed = new ArrayList<>();
            for (int from = 0; from < entries.size(); from += Tiles.WIDTH) {
                List<byte[]> tile = entries.subList(from, Math.min(entries.size(), from + Tiles.WIDTH));
                writeTile(dir, level, firstTile + from / Tiles.WIDTH, tile);
                if (tile.size() == Tiles.WIDTH) {
                    completed.add(Tiles.subtreeOf(tile, 0, Tiles.WIDTH));
                }
            }
            added = completed;
            before = firstTile;
        }
    }

    private void writeTile(Path dir, int level, long index, List<byte[]> hashes) throws IOException {
        Path target = dir.resolve(Tiles.path(level, index, hashes.size()));
        AtomicFiles.write(target, store.tmp(), out -> {
            for (byte[] hash : hashes) {
                out.write(hash);
            }
        }, AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }

    private Tiles tiles(Path dir, long size) {
        return new Tiles((path, max) -> {
            Path file = dir.resolve(path);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString());
            }
            return Files.readAllBytes(file);
        }, size);
    }

    private static long readSize(Path dir) throws IOException {
        Path file = dir.resolve("tree-size");
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!text.matches("[0-9]{1,18}")) {
            throw new VerificationException(file + ": expected the tree size as a decimal number");
        }
        return Long.parseLong(text);
    }

    private Path requestDir() throws IOException {
        return requestDir(store);
    }

    /** {@code log-requests/}: the publisher's private request key and chain, owner-only whatever the umask. */
    private static Path requestDir(Store store) throws IOException {
        Path dir = store.root().resolve("log-requests");
        AtomicFiles.directories(dir, AtomicFiles.PRIVATE_DIRECTORY);
        Files.setPosixFilePermissions(dir, AtomicFiles.PRIVATE_DIRECTORY);
        return dir;
    }

    private SigningKey requestKey() throws IOException {
        return requestKey(store, log);
    }

    /**
     * The publisher's request key for checkpoints in {@code store}, made on first use. A signer with an
     * allow-list must allow it; the key only lets its holder ask the signer for blocks, as the publisher can.
     */
    public static SigningKey requestKey(Store store, Consumer<String> log) throws IOException {
        Path file = requestDir(store).resolve("key");
        if (Files.exists(file)) {
            return KeyFiles.read(file);
        }
        SigningKey key = KeyFiles.create(file, new SecureRandom());
        log.accept("log: checkpoint request key " + key.publicKey() + " created in " + file
                + " (a signer with an allow-list must allow it)");
        return key;
    }
}
