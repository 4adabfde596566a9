package io.buildchain.core.root;

import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.root.TrustRefusal.Cause;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** What the offline root machine does, reading the public store and never writing to it: certify and revoke. */
public final class RootCeremony {
    private RootCeremony() {
    }

    /**
     * {@code root certify}: a certificate for {@code signer} that succeeds the store's certified key at its
     * last block, or, for a store with no root yet, the first certificate (for the key its blocks already
     * carry, if any).
     */
    public static SignerCertificate certify(SigningKey root, PublicKey signer, StoreReader store) throws IOException {
        KeyHistory history = history(root.publicKey(), store);
        Optional<Block> head = SignerHead.read(store);
        if (head.isPresent()) {
            // The chain the next key continues must be whole back to its genesis.
            new ChainVerifier(store, head.get().publicKey()).walkChain(head.get());
        }
        Optional<KeyHistory.Era> current = history.current();
        if (current.isEmpty()) {
            if (head.isPresent() && !head.get().publicKey().equals(signer)) {
                throw new TrustRefusal(Cause.NOT_CERTIFIED, "this store's blocks are signed by " + head.get().publicKey()
                        + ", which has no certificate yet; certify that key first, add it, then certify " + signer);
            }
            return SignerCertificate.sign(root, signer, Optional.empty());
        }
        PublicKey old = current.get().key();
        if (old.equals(signer)) {
            throw new TrustRefusal(Cause.REPLAYED, "signer " + signer + " is already the store's certified key; "
                    + "nothing to certify");
        }
        if (history.era(signer).isPresent()) {
            throw new TrustRefusal(Cause.SUCCEEDED, "signer " + signer + " was succeeded earlier in this store's "
                    + "history; a succeeded key never comes back");
        }
        boolean oldSignedNothing = head.isEmpty() || history.handedOverBefore(history.eras().size() + 1)
                .flatMap(SignerCertificate.Predecessor::lastBlock).equals(head.map(Block::signatureBase32));
        if (!oldSignedNothing && !head.get().publicKey().equals(old)) {
            throw new TrustRefusal(Cause.NOT_CERTIFIED, "the store's newest block (" + SignerHead.PATH + ") is signed by "
                    + head.get().publicKey() + ", not by its certified key " + old + " (nor is it the block where the"
                    + " last key that signed handed over)");
        }
        SignerCertificate.Predecessor handover = oldSignedNothing
                ? new SignerCertificate.Predecessor(old, 0, Optional.empty())
                : new SignerCertificate.Predecessor(old, head.get().counter(), Optional.of(head.get().signatureBase32()));
        return SignerCertificate.sign(root, signer, Optional.of(handover));
    }

    /** {@code root revoke}: {@code signer}'s blocks from {@code fromBlock} (inclusive) on are refused. */
    public static Revocation revoke(SigningKey root, PublicKey signer, String fromBlock, StoreReader store)
            throws IOException {
        KeyHistory history = history(root.publicKey(), store);
        if (history.era(signer).isEmpty()) {
            throw new TrustRefusal(Cause.NOT_CERTIFIED, "signer " + signer + " has no certificate in this store");
        }
        StatementText.of(fromBlock.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, fromBlock.length(), "--from")
                .blockName(fromBlock, "block");
        Block block = KeyHistory.readBlock(store, fromBlock).orElseThrow(() -> new TrustRefusal(Cause.NOT_IN_STORE,
                "block " + fromBlock + " is not in the store (" + store.describe("block/" + fromBlock) + ")"));
        if (!block.publicKey().equals(signer)) {
            throw new TrustRefusal(Cause.NOT_CERTIFIED, "block " + fromBlock + " is signed by " + block.publicKey()
                    + ", not by " + signer);
        }
        return Revocation.sign(root, signer, block.counter(), fromBlock);
    }

    private static KeyHistory history(PublicKey root, StoreReader store) throws IOException {
        List<RootStatement> statements = RootStatements.read(store);
        Optional<PublicKey> storeRoot = RootStatements.root(statements);
        if (storeRoot.isPresent() && !storeRoot.get().equals(root)) {
            throw new TrustRefusal(Cause.ANOTHER_ROOT, "this store's certificates are signed by root " + storeRoot.get()
                    + ", not by " + root);
        }
        return KeyHistory.certified(root, statements, store);
    }
}
