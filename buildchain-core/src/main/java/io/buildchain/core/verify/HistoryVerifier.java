package io.buildchain.core.verify;

import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.MerkleProofs;
import io.buildchain.core.log.Tiles;
import io.buildchain.core.log.TreeHash;
import io.buildchain.core.root.TrustRefusal;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that a verified tail belongs to the signer's one chain and descends from what the client accepted
 * before, at the least cost that keeps today's guarantees:
 * <ol>
 * <li>a tail already accepted costs nothing more;
 * <li>walking back a few blocks reaches a block accepted before (on any branch): the walk stops there;
 * <li>otherwise, when the store publishes a log of the signer's chain, the tail (and the branch's tail seen
 * before) must be leaves of the newest checkpoint, at their counters, and that checkpoint consistent with
 * the one seen before: O(log N) hashes in a few tiles instead of N blocks;
 * <li>without a log, the walk goes on to the genesis, as the original does.
 * </ol>
 * Leaves are blocks in chain order, which the publisher builds by walking the chain and which monitors
 * ({@code buildchain audit}) check block by block; the consistency proofs make every client see the same
 * append-only log, so what a monitor checks holds for all of them.
 */
final class HistoryVerifier {
    /** Blocks walked before asking the log, when blocks accepted before may be that close. */
    static final int WALK_BEFORE_LOG = 4;
    private static final int TILE_MAX = Tiles.WIDTH * TreeHash.SIZE;

    /** Checks one block read from the store (size, trusted key, signatures). */
    @FunctionalInterface
    interface BlockCheck {
        Block check(byte[] bytes, String where) throws IOException;
    }

    private final StoreReader store;
    /** The key whose chain this checks (under a root, one of the certified keys). */
    private final PublicKey pinned;
    private final BlockCheck blockCheck;
    /** The newest checkpoint as read for {@link #newestFor}: read once per verification. */
    private Optional<Checkpoint> newest;
    private TrustedSet newestFor;

    HistoryVerifier(StoreReader store, PublicKey pinned, BlockCheck blockCheck) {
        this.store = store;
        this.pinned = pinned;
        this.blockCheck = blockCheck;
    }

    History check(String project, String branch, Block tail, TrustedSet trusted) throws IOException {
        Optional<TrustedSet.Tail> mine = trusted == null ? Optional.empty() : trusted.tail(pinned, project, branch);
        Map<Long, String> known = trusted == null ? Map.of() : trusted.seenBlocks(pinned);
        String where = project + "/" + branch;
        String memory = trusted == null ? "" : " " + trusted.where();
        if (mine.isPresent() && Long.compareUnsigned(tail.counter(), mine.get().counter()) < 0) {
            throw new VerificationException("rollback: tail " + where + " is at counter "
                    + Long.toUnsignedString(tail.counter()) + ", but counter " + Long.toUnsignedString(mine.get().counter())
                    + " was seen before" + memory);
        }
        // Walk first only when a block accepted before is that close; otherwise the log is cheaper at once.
        long nearest = known.keySet().stream().filter(c -> Long.compareUnsigned(c, tail.counter()) <= 0)
                .max(Long::compareUnsigned).orElse(0L);
        int walkFirst = nearest > 0 && tail.counter() - nearest <= WALK_BEFORE_LOG ? WALK_BEFORE_LOG : 0;
        Checkpoint checkpoint = null;
        boolean logAsked = false;
        Block current = tail;
        int walked = 0;
        while (true) {
            String seenSignature = known.get(current.counter());
            if (seenSignature != null) {
                if (!seenSignature.equals(current.signatureBase32())) {
                    throw new VerificationException("fork: tail " + where + " does not descend from block " + seenSignature
                            + " (counter " + Long.toUnsignedString(current.counter()) + ") seen before" + memory);
                }
                return new History(tail, null, walked == 0 ? "unchanged since last verified"
                        : "walked " + walked + " block(s) back to block counter " + Long.toUnsignedString(current.counter())
                                + ", accepted before");
            }
            if (current.counter() == 1) {
                Genesis.of(current.publicKey(), current.previous()).verify("genesis of signer " + current.publicKey());
                return new History(tail, checkpoint, tail.counter() + " block(s) back to the signer's genesis, "
                        + "counters continuous");
            }
            if (!logAsked && walked == walkFirst) {
                logAsked = true;
                checkpoint = newestCheckpoint(trusted).orElse(null);
            }
            if (checkpoint != null && Long.compareUnsigned(current.counter(), checkpoint.size()) <= 0) {
                proveInclusion(checkpoint, current, "tail " + where + (current == tail ? "" : " (through block counter "
                        + Long.toUnsignedString(current.counter()) + ")"));
                if (mine.isPresent()) {
                    Block seenBlock = block(mine.get().block(), "the block of " + where + " seen before");
                    proveInclusion(checkpoint, seenBlock, "the tail of " + where + " seen before");
                }
                return new History(tail, checkpoint, "block counter " + Long.toUnsignedString(current.counter())
                        + " is in the signer's log (checkpoint of " + checkpoint.size() + " blocks, signed by block counter "
                        + Long.toUnsignedString(checkpoint.block().counter()) + ")"
                        + (walked == 0 ? "" : ", reached by walking " + walked + " block(s)"));
            }
            current = previous(current);
            walked++;
        }
    }

    /**
     * The log's newest checkpoint, consistent with the one seen before; empty if the store has no log and none was
     * seen before (a log once seen is required).
     */
    Optional<Checkpoint> newestCheckpoint(TrustedSet trusted) throws IOException {
        if (newest == null || newestFor != trusted) {
            newest = readNewestCheckpoint(trusted);
            newestFor = trusted;
        }
        return newest;
    }

    private Optional<Checkpoint> readNewestCheckpoint(TrustedSet trusted) throws IOException {
        String path = "log/" + pinned.base32() + "/checkpoint";
        byte[] note;
        try {
            note = store.read(path, Checkpoint.MAX_BYTES);
        } catch (NoSuchFileException e) {
            if (trusted != null) {
                trusted.requireNoLogSeen(pinned, store.describe(path));
            }
            return Optional.empty();
        }
        Checkpoint checkpoint = Checkpoint.parse(note, pinned, store.describe(path));
        try {
            blockCheck.check(checkpoint.block().bytes(), store.describe(path) + " signature block");
        } catch (TrustRefusal e) {
            return Optional.empty(); // signed by a block the root revoked or handed over: the walk decides instead
        }
        Optional<TrustedSet.TreeHead> seen = trusted == null ? Optional.empty() : trusted.checkpoint(pinned);
        if (seen.isPresent()) {
            long older = seen.get().size();
            String memory = " " + trusted.where();
            if (checkpoint.size() < older) {
                throw new TrustRefusal(TrustRefusal.Cause.LOG_WITHHELD, "the log of signer " + pinned + " has "
                        + checkpoint.size() + " blocks, but a checkpoint of " + older + " was seen before" + memory);
            }
            var proof = checkpoint.size() == older ? java.util.List.<byte[]>of()
                    : MerkleProofs.consistency(older, checkpoint.size(), tiles(checkpoint.size()));
            if (!MerkleProofs.verifyConsistency(older, checkpoint.size(), proof, seen.get().root(), checkpoint.root())) {
                throw new VerificationException("fork: the log of signer " + pinned + " at " + checkpoint.size()
                        + " blocks is not an extension of the one of " + older + " blocks seen before" + memory);
            }
        }
        return Optional.of(checkpoint);
    }

    private void proveInclusion(Checkpoint checkpoint, Block block, String what) throws IOException {
        if (!includes(checkpoint, block)) {
            throw new VerificationException("not in the log: " + what + " (block " + block.signatureBase32()
                    + ", counter " + Long.toUnsignedString(block.counter()) + ") is not leaf " + (block.counter() - 1)
                    + " of the signer's log checkpoint of " + checkpoint.size() + " blocks");
        }
    }

    private boolean includes(Checkpoint checkpoint, Block block) throws IOException {
        long index = block.counter() - 1;
        var proof = MerkleProofs.inclusion(index, checkpoint.size(), tiles(checkpoint.size()));
        return MerkleProofs.verifyInclusion(index, checkpoint.size(), TreeHash.leaf(block.bytes()), proof,
                checkpoint.root());
    }

    private Tiles tiles(long size) {
        String prefix = "log/" + pinned.base32() + "/";
        return new Tiles((path, max) -> store.read(prefix + path, Math.min(max, TILE_MAX)), size);
    }

    /**
     * Refuses as a fork, saying {@code detail}, unless {@code earlier} is {@code later} or one of the blocks before it on this
     * key's chain: proven in the log when it covers them, otherwise walked.
     */
    void requireOnChain(Block later, Block earlier, TrustedSet trusted, String detail) throws IOException {
        requireOnChain(later, earlier, newestCheckpoint(trusted), detail);
    }

    /** {@link #requireOnChain} by following {@code previous} links only, never through the log. */
    void requireOnChainByWalk(Block later, Block earlier, String detail) throws IOException {
        requireOnChain(later, earlier, Optional.empty(), detail);
    }

    private void requireOnChain(Block later, Block earlier, Optional<Checkpoint> checkpoint, String detail)
            throws IOException {
        if (Long.compareUnsigned(earlier.counter(), later.counter()) > 0) {
            throw new TrustRefusal(TrustRefusal.Cause.FORK, detail);
        }
        Block current = later;
        while (current.counter() > earlier.counter()) {
            if (checkpoint.isPresent() && Long.compareUnsigned(current.counter(), checkpoint.get().size()) <= 0) {
                proveInclusion(checkpoint.get(), current, "block counter " + Long.toUnsignedString(current.counter()));
                if (!includes(checkpoint.get(), earlier)) {
                    throw new TrustRefusal(TrustRefusal.Cause.FORK, detail);
                }
                return;
            }
            current = previous(current);
        }
        if (!current.signatureBase32().equals(earlier.signatureBase32())) {
            throw new TrustRefusal(TrustRefusal.Cause.FORK, detail);
        }
    }

    Block previous(Block current) throws IOException {
        String name = Base32.encode(current.previous());
        Block previous = block(name, "block counter " + Long.toUnsignedString(current.counter()) + " links to previous block "
                + name + ", which");
        if (!previous.publicKey().equals(current.publicKey())) {
            throw new VerificationException("chain broken: block counter " + Long.toUnsignedString(current.counter())
                    + " by " + current.publicKey() + " links to a block by another key, " + previous.publicKey());
        }
        if (previous.counter() != current.counter() - 1) {
            throw new VerificationException("chain broken: block counter " + Long.toUnsignedString(current.counter())
                    + " links to a block with counter " + Long.toUnsignedString(previous.counter())
                    + " (expected " + Long.toUnsignedString(current.counter() - 1) + ")");
        }
        return previous;
    }

    private Block block(String name, String what) throws IOException {
        String path = "block/" + name;
        byte[] bytes;
        try {
            bytes = store.read(path, Block.SIZE);
        } catch (NoSuchFileException e) {
            throw new VerificationException("chain broken: " + what + " is not in the store (" + store.describe(path) + ")");
        }
        Block block = blockCheck.check(bytes, store.describe(path));
        if (!block.signatureBase32().equals(name)) {
            throw new VerificationException(store.describe(path) + ": holds block " + block.signatureBase32()
                    + ", not the block its name says");
        }
        return block;
    }
}
