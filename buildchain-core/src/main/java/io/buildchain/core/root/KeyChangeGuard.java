package io.buildchain.core.root;

import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.root.TrustRefusal.Cause;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The publisher's rule for a signer key: the store's current key signs on; a new key (a restarted signer)
 * signs only once the store holds the root's certificate for it. Nothing switches keys silently, with or
 * without a root; the refusal names the commands that certify the new key.
 */
public final class KeyChangeGuard {
    private KeyChangeGuard() {
    }

    public static void check(Store store, PublicKey signer) throws IOException {
        StoreReader reader = StoreReader.of(store.root());
        List<RootStatement> statements = RootStatements.read(reader);
        Optional<Block> head = SignerHead.read(reader);
        String storeArg = store.root().toString();
        if (!statements.isEmpty()) {
            KeyHistory history = KeyHistory.certified(RootStatements.root(statements).get(), statements, reader);
            Optional<KeyHistory.Era> era = history.era(signer);
            if (era.isPresent() && era.get().succeeded()) {
                throw new TrustRefusal(Cause.SUCCEEDED, "signer " + signer + " was succeeded by "
                        + era.get().successor().get() + "; a succeeded key never signs for this store again");
            }
            if (era.isPresent() && era.get().revokedFrom().isPresent()) {
                throw new TrustRefusal(Cause.REVOKED, "the root revoked signer " + signer
                        + "; restart the signing node (new key) and certify that key");
            }
            if (era.isPresent()) {
                return;
            }
            PublicKey current = history.current().get().key();
            throw new TrustRefusal(Cause.KEY_CHANGE, "the signer now signs with " + signer + ", but this store's "
                    + "certified signer is " + current + lastBlock(head) + "; nothing switches keys silently.",
                    List.of(certifyCommand(signer, storeArg), addCommand(signer, storeArg)));
        }
        if (head.isEmpty() || head.get().publicKey().equals(signer)) {
            return;
        }
        PublicKey current = head.get().publicKey();
        List<String> commands = new ArrayList<>();
        commands.add("buildchain root init --out ROOT_KEY --pub-out ROOT_PUB (once, on the offline root machine)");
        commands.add(certifyCommand(current, storeArg));
        commands.add(addCommand(current, storeArg));
        commands.add(certifyCommand(signer, storeArg));
        commands.add(addCommand(signer, storeArg));
        throw new TrustRefusal(Cause.KEY_CHANGE, "the signer now signs with " + signer + ", but this store's blocks are "
                + "signed by " + current + lastBlock(head) + "; nothing switches keys silently. This store has no root "
                + "yet: certify the current key first, then the new one.", commands);
    }

    /**
     * Stores a block the signer returned, once {@link #check} accepts its key, and moves {@code signer/last}
     * to it (also onto a newly certified key); call with the store lock held.
     */
    public static void admit(Store store, Block block) throws IOException {
        check(store, block.publicKey());
        store.putBlock(block);
        SignerHead.advance(store, block);
    }

    /** The command that certifies {@code signer} for the store at {@code store} (a directory or URL). */
    public static String certifyCommand(PublicKey signer, String store) {
        return "buildchain root certify --root-key ROOT_KEY --signer " + signer + " --store " + store + " --out "
                + certificateName(signer);
    }

    public static String addCommand(PublicKey signer, String store) {
        return "buildchain root add --store " + store + " " + certificateName(signer);
    }

    private static String certificateName(PublicKey signer) {
        return signer.base32().substring(0, 8) + ".cert";
    }

    private static String lastBlock(Optional<Block> head) {
        return head.map(b -> " (last block counter " + Long.toUnsignedString(b.counter()) + ")").orElse("");
    }
}
