package io.buildchain.core.verify;

import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.MerkleProofs;
import io.buildchain.core.log.TreeHash;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.root.SignerHead;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The monitor's check of a store's log: walks the signer's whole chain from the block that signed the
 * newest checkpoint back to the genesis (every signature, counters continuous, previous links), rebuilds
 * the Merkle tree over those blocks and requires the checkpoint's root, consistent with the checkpoint the
 * monitor saw before. What clients take from the log on trust of its consistency is checked here.
 */
public final class LogAuditor {
    private final ChainVerifier verifier;
    private final StoreReader store;
    private final PublicKey pinned;

    public LogAuditor(StoreReader store, PublicKey pinned) {
        this.store = store;
        this.pinned = pinned;
        this.verifier = new ChainVerifier(store, pinned);
    }

    /** What an audit checked. */
    public record Report(Checkpoint checkpoint, long blocks, String summary) {
    }

    /**
     * The audit of every key {@code keys} holds (under a root: each key it certified in the store), oldest first.
     * A key that never signed a block of the store (no handover block and not the signer of {@code signer/last}) has
     * no log to audit and is said so; every other key's log must be there and hold.
     */
    public static List<String> auditEach(StoreReader store, KeyHistory keys, ClientState state) throws IOException {
        Optional<PublicKey> newest = SignerHead.read(store).map(Block::publicKey);
        List<String> summaries = new ArrayList<>();
        for (KeyHistory.Era era : keys.eras()) {
            String which = keys.root().isEmpty() ? "" : "key #" + era.number() + " of " + keys.eras().size() + ": ";
            boolean signed = era.handover().flatMap(SignerCertificate.Predecessor::lastBlock).isPresent()
                    || (era.successor().isEmpty() && newest.filter(era.key()::equals).isPresent());
            if (keys.root().isPresent() && !signed) {
                summaries.add(which + "signer " + era.key() + " signed no block of this store: no log to audit");
            } else {
                summaries.add(which + new LogAuditor(store, era.key()).audit(state).summary());
            }
        }
        return summaries;
    }

    /** @param state where the previous checkpoint is remembered (the store is the pinned key's), or null */
    public Report audit(ClientState state) throws IOException {
        HistoryVerifier history = new HistoryVerifier(store, pinned, verifier::checkBlock);
        TrustedSet trusted = state == null ? null : state.of(verifier.storeIdentity());
        Checkpoint checkpoint = history.newestCheckpoint(trusted).orElseThrow(() -> new VerificationException(
                "no log at " + store.describe("log/" + pinned.base32() + "/checkpoint") + ": nothing to audit"));
        List<byte[]> leaves = new ArrayList<>();
        Block current = checkpoint.block();
        while (current.counter() > 1) {
            current = history.previous(current);
            if (Long.compareUnsigned(current.counter(), checkpoint.size()) <= 0) {
                leaves.add(TreeHash.leaf(current.bytes()));
            }
        }
        Genesis.of(current.publicKey(), current.previous()).verify("genesis of signer " + current.publicKey());
        Collections.reverse(leaves);
        if (leaves.size() != checkpoint.size()) {
            throw new VerificationException("the log claims " + checkpoint.size() + " blocks before its checkpoint block, "
                    + "the chain has " + leaves.size());
        }
        byte[] root = MerkleProofs.root(leaves.size(), MerkleProofs.inMemory(leaves));
        if (!MessageDigest.isEqual(root, checkpoint.root())) {
            throw new VerificationException("the log's checkpoint of " + checkpoint.size()
                    + " blocks does not match the signer's chain: its root differs from the tree of the blocks");
        }
        if (trusted != null) {
            trusted.acceptCheckpoint(checkpoint);
            trusted.commit();
        }
        return new Report(checkpoint, leaves.size(), "audited the log of signer " + pinned + ": " + leaves.size()
                + " block(s) walked back to the genesis, signatures valid, counters continuous; the checkpoint's root "
                + "is the tree of those blocks (signed by block counter " + Long.toUnsignedString(checkpoint.block().counter())
                + ")");
    }
}
