package io.buildchain.core.root;

import io.buildchain.core.chain.Block;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.StoreReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A store's {@code root/statements}: every certificate and revocation the publisher accepted, one after
 * the other in the order added. The first certificate fixes the store's root. Nothing is ever removed.
 */
public final class RootStatements {
    public static final String PATH = "root/statements";

    private RootStatements() {
    }

    /** The statements of {@code store}, none when it has no root yet. */
    public static List<RootStatement> read(StoreReader store) throws IOException {
        try {
            return RootStatement.parseAll(store.read(PATH, RootStatement.MAX_STATEMENTS * RootStatement.MAX_BYTES),
                    store.describe(PATH));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** The store's root: the one that signed its first statement. */
    public static Optional<io.buildchain.core.crypto.PublicKey> root(List<RootStatement> statements) {
        return statements.stream().findFirst().map(RootStatement::root);
    }

    /**
     * {@code root add}: checks {@code added} with everything the store already holds and appends what is new;
     * a statement already there is a no-op.
     *
     * @return one line per statement saying what happened
     */
    public static List<String> add(Store store, List<RootStatement> added) throws IOException {
        try (DirectoryLock lock = store.lock()) {
            StoreReader reader = StoreReader.of(store.root());
            List<RootStatement> existing = read(reader);
            List<RootStatement> all = new ArrayList<>(existing);
            List<String> report = new ArrayList<>();
            for (RootStatement statement : added) {
                if (all.stream().anyMatch(s -> Arrays.equals(s.encode(), statement.encode()))) {
                    report.add("already in the store: " + statement.describe());
                } else {
                    all.add(statement);
                    report.add("added " + statement.describe() + (statement instanceof SignerCertificate c
                            ? c.follows().map(p -> ", succeeding " + p.describe()).orElse(", the store's first key")
                            : ""));
                }
            }
            if (all.size() == existing.size()) {
                return report;
            }
            KeyHistory history = KeyHistory.certified(root(all).get(), all, reader);
            Optional<Block> head = SignerHead.read(reader);
            if (existing.isEmpty() && head.isPresent() && !history.eras().isEmpty()
                    && !history.eras().get(0).key().equals(head.get().publicKey())) {
                throw new TrustRefusal(TrustRefusal.Cause.NOT_CERTIFIED, "this store's blocks are signed by "
                        + head.get().publicKey() + ", so its first certificate must be for that key, not for "
                        + history.eras().get(0).key());
            }
            for (RootStatement statement : all.subList(existing.size(), all.size())) {
                if (statement instanceof SignerCertificate certificate && certificate.follows().isPresent()) {
                    requireHandoverAtHead(certificate.follows().get(), head, store);
                }
            }
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (RootStatement statement : all) {
                content.write(statement.encode());
            }
            AtomicFiles.write(store.root().resolve(PATH), store.tmp(), out -> content.writeTo(out),
                    AtomicFiles.OWNER_WRITE_ALL_READ, true);
            return report;
        }
    }

    /**
     * A new key must take over where the old key's chain ends in this store: a certificate made against an older
     * copy (a mirror that served an old {@code signer/last}) would cut off every block the old key signed since.
     */
    private static void requireHandoverAtHead(SignerCertificate.Predecessor follows, Optional<Block> head, Store store) {
        if (head.isEmpty() || !head.get().publicKey().equals(follows.key())) {
            return;
        }
        if (!follows.lastBlock().equals(Optional.of(head.get().signatureBase32()))) {
            throw new TrustRefusal(TrustRefusal.Cause.FORK, "the certificate hands over from " + follows.describe()
                    + ", but that key's last block in this store is counter " + Long.toUnsignedString(head.get().counter())
                    + " " + head.get().signatureBase32() + ": certify against this store (buildchain root certify"
                    + " --store " + store.root() + ")");
        }
    }
}
