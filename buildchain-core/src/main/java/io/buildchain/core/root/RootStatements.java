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
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (RootStatement statement : all) {
                content.write(statement.encode());
            }
            AtomicFiles.write(store.root().resolve(PATH), store.tmp(), out -> content.writeTo(out),
                    AtomicFiles.OWNER_WRITE_ALL_READ, true);
            return report;
        }
    }
}
