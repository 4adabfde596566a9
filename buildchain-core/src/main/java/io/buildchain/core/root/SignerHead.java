package io.buildchain.core.root;

import io.buildchain.core.chain.Block;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * The newest block of the store's signer chain: {@code signer/last}, a link to {@code ../block/SIG} that
 * the publisher moves with every block it stores (beside the original layout). One signer chain serves
 * the whole store, so this is the current key's last block whatever branch it is on; {@code root
 * certify} names it as the point where the next key takes over.
 */
public final class SignerHead {
    public static final String PATH = "signer/last";

    private SignerHead() {
    }

    /**
     * {@code signer/last}, checked against its own signature; a store directory published before it
     * existed is scanned instead (the block with the newest timestamp, then the highest counter). A store
     * read over HTTP without {@code signer/last} cannot say where its chain ends, so that is refused rather
     * than taken for an empty store.
     */
    public static Optional<Block> read(StoreReader store) throws IOException {
        Optional<Block> link = readLink(store);
        if (link.isPresent()) {
            return link;
        }
        if (store.directory().isEmpty()) {
            throw new TrustRefusal(TrustRefusal.Cause.NOT_IN_STORE, "the store has no " + PATH + " ("
                    + store.describe(PATH) + "), so its newest block is unknown; read the store directory instead");
        }
        return scan(store.directory().get());
    }

    /** The block of key {@code block.publicKey()} the store now ends with; call with the store lock held. */
    public static void advance(Store store, Block block) throws IOException {
        Optional<Block> current = readLink(StoreReader.of(store.root()));
        if (current.isPresent() && current.get().publicKey().equals(block.publicKey())
                && Long.compareUnsigned(current.get().counter(), block.counter()) >= 0) {
            return;
        }
        AtomicFiles.symlink(store.root().resolve(PATH), Path.of("..", "block", block.signatureBase32()), store.tmp());
    }

    /**
     * Moves {@code signer/last} to {@code block} if it is a newer block of the key the link names (one brought in
     * from the signer's own chain); never onto another key, which only the publisher's {@link KeyChangeGuard}
     * admits. Call with the store lock held.
     */
    public static void follow(Store store, Block block) throws IOException {
        Optional<Block> current = readLink(StoreReader.of(store.root()));
        if (current.isPresent() && current.get().publicKey().equals(block.publicKey())
                && Long.compareUnsigned(current.get().counter(), block.counter()) < 0) {
            AtomicFiles.symlink(store.root().resolve(PATH), Path.of("..", "block", block.signatureBase32()), store.tmp());
        }
    }

    private static Optional<Block> readLink(StoreReader store) throws IOException {
        try {
            Block head = Block.decode(store.read(PATH, Block.SIZE), store.describe(PATH));
            head.verifySignature(store.describe(PATH));
            return Optional.of(head);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<Block> scan(Path root) throws IOException {
        Path blocks = root.resolve("block");
        if (!Files.isDirectory(blocks)) {
            return Optional.empty();
        }
        Optional<Block> newest = Optional.empty();
        Comparator<Block> order = Comparator.<Block>comparingLong(b -> b.timestamp() ^ Long.MIN_VALUE)
                .thenComparingLong(b -> b.counter() ^ Long.MIN_VALUE);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(blocks)) {
            for (Path file : files) {
                if (Files.isRegularFile(file) && Files.size(file) == Block.SIZE) {
                    Block block = Block.decode(Files.readAllBytes(file), file.toString());
                    if (block.signatureValid() && (newest.isEmpty() || order.compare(block, newest.get()) > 0)) {
                        newest = Optional.of(block);
                    }
                }
            }
        }
        return newest;
    }
}
