package io.buildchain.core.root;

import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.root.TrustRefusal.Cause;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The signer keys a store's blocks may carry, in order: one pinned key, or the line of keys the root
 * certified, each handing over to the next at its last block, with the revocations. Built once per store
 * (checking every statement against the root and the blocks it names) and asked about each block.
 */
public final class KeyHistory {
    /**
     * One key's span of the history.
     *
     * @param number     1 for the store's first key
     * @param handover   when the key has a successor: its last block, where the successor took over
     * @param revokedFrom the first of its blocks the root revoked
     */
    public record Era(int number, PublicKey key, Optional<SignerCertificate.Predecessor> handover,
            Optional<PublicKey> successor, Optional<Revocation> revokedFrom) {
        boolean succeeded() {
            return handover.isPresent();
        }
    }

    private final Optional<PublicKey> root;
    private final List<Era> eras;
    private final List<Digest> statements;

    private KeyHistory(Optional<PublicKey> root, List<Era> eras, List<Digest> statements) {
        this.root = root;
        this.eras = List.copyOf(eras);
        this.statements = List.copyOf(statements);
    }

    /** A single pinned key, as {@code --key} has always meant. */
    public static KeyHistory pinned(PublicKey key) {
        return new KeyHistory(Optional.empty(), List.of(new Era(1, key, Optional.empty(), Optional.empty(),
                Optional.empty())), List.of());
    }

    /**
     * Checks every statement against {@code root} and the blocks of {@code store} it names, and links the
     * certificates into one line of keys.
     */
    public static KeyHistory certified(PublicKey root, List<RootStatement> all, StoreReader store) throws IOException {
        List<RootStatement> statements = new ArrayList<>();
        for (RootStatement statement : all) {
            if (statements.stream().anyMatch(s -> Arrays.equals(s.encode(), statement.encode()))) {
                continue; // the same statement twice says nothing new
            }
            if (!statement.root().equals(root)) {
                throw new TrustRefusal(Cause.ANOTHER_ROOT, statement.describe() + " is signed by root " + statement.root()
                        + ", but this store's root is " + root);
            }
            if (!statement.signatureValid()) {
                throw new TrustRefusal(Cause.FORGED, statement.describe() + ": its signature does not verify under root "
                        + root);
            }
            statements.add(statement);
        }
        List<SignerCertificate> certificates = new ArrayList<>();
        List<Revocation> revocations = new ArrayList<>();
        for (RootStatement statement : statements) {
            if (statement instanceof SignerCertificate c) {
                certificates.add(c);
            } else {
                revocations.add((Revocation) statement);
            }
        }
        List<SignerCertificate> line = link(certificates, store);
        Map<PublicKey, Revocation> revoked = new LinkedHashMap<>();
        for (Revocation revocation : revocations) {
            if (line.stream().noneMatch(c -> c.signer().equals(revocation.signer()))) {
                throw new TrustRefusal(Cause.NOT_CERTIFIED, revocation.describe() + ": the root never certified that key");
            }
            checkNamedBlock(store, revocation.fromBlock(), revocation.signer(), revocation.fromCounter(),
                    revocation.describe());
            revoked.merge(revocation.signer(), revocation,
                    (a, b) -> Long.compareUnsigned(a.fromCounter(), b.fromCounter()) <= 0 ? a : b);
        }
        List<Era> eras = new ArrayList<>();
        for (int i = 0; i < line.size(); i++) {
            PublicKey key = line.get(i).signer();
            Optional<SignerCertificate> next = i + 1 < line.size() ? Optional.of(line.get(i + 1)) : Optional.empty();
            eras.add(new Era(i + 1, key, next.flatMap(SignerCertificate::follows), next.map(SignerCertificate::signer),
                    Optional.ofNullable(revoked.get(key))));
        }
        return new KeyHistory(Optional.of(root), eras, statements.stream().map(s -> Digest.of(s.encode())).toList());
    }

    /** Orders the certificates from the one naming no predecessor, each next one succeeding the one before. */
    private static List<SignerCertificate> link(List<SignerCertificate> certificates, StoreReader store)
            throws IOException {
        List<SignerCertificate> line = new ArrayList<>();
        List<SignerCertificate> remaining = new ArrayList<>(certificates);
        List<SignerCertificate> firsts = remaining.stream().filter(c -> c.follows().isEmpty()).toList();
        if (firsts.size() > 1) {
            throw new TrustRefusal(Cause.FORK, "two certificates start the history: " + firsts.get(0).describe()
                    + " and " + firsts.get(1).describe() + " both name no predecessor");
        }
        if (firsts.isEmpty()) {
            if (!remaining.isEmpty()) {
                throw new TrustRefusal(Cause.NOT_CERTIFIED, remaining.get(0).describe() + " follows key "
                        + remaining.get(0).follows().get().key() + ", but no certificate starts the history");
            }
            return line;
        }
        line.add(firsts.get(0));
        remaining.remove(firsts.get(0));
        while (true) {
            PublicKey current = line.get(line.size() - 1).signer();
            List<SignerCertificate> next = remaining.stream()
                    .filter(c -> c.follows().isPresent() && c.follows().get().key().equals(current)).toList();
            if (next.size() > 1) {
                throw new TrustRefusal(Cause.FORK, next.get(0).describe() + " and " + next.get(1).describe()
                        + " both succeed key " + current);
            }
            if (next.isEmpty()) {
                break;
            }
            SignerCertificate certificate = next.get(0);
            refuseComeback(certificate, line);
            SignerCertificate.Predecessor handover = certificate.follows().get();
            if (handover.lastBlock().isPresent()) {
                checkNamedBlock(store, handover.lastBlock().get(), current, handover.lastCounter(),
                        certificate.describe());
            }
            line.add(certificate);
            remaining.remove(certificate);
        }
        for (SignerCertificate stray : remaining) {
            refuseComeback(stray, line);
            PublicKey predecessor = stray.follows().get().key();
            if (line.stream().anyMatch(c -> c.signer().equals(predecessor))) {
                throw new TrustRefusal(Cause.FORK, stray.describe() + " succeeds key " + predecessor
                        + ", which another certificate already succeeded");
            }
            throw new TrustRefusal(Cause.NOT_CERTIFIED, stray.describe() + " follows key " + predecessor
                    + ", which the root never certified");
        }
        return line;
    }

    private static void refuseComeback(SignerCertificate certificate, List<SignerCertificate> line) {
        if (line.stream().anyMatch(c -> c.signer().equals(certificate.signer()))) {
            throw new TrustRefusal(Cause.REPLAYED, certificate.describe() + " would bring back a key that was already "
                    + "succeeded; a succeeded key never comes back");
        }
    }

    private static void checkNamedBlock(StoreReader store, String name, PublicKey key, long counter, String what)
            throws IOException {
        Optional<Block> block = readBlock(store, name);
        if (block.isEmpty()) {
            throw new TrustRefusal(Cause.NOT_IN_STORE, what + " names block " + name + ", which is not in the store ("
                    + store.describe("block/" + name) + ")");
        }
        if (!block.get().publicKey().equals(key) || block.get().counter() != counter) {
            throw new TrustRefusal(Cause.NOT_IN_STORE, what + " names block counter " + Long.toUnsignedString(counter)
                    + " " + name + " by " + key + ", but the store's block of that name is counter "
                    + Long.toUnsignedString(block.get().counter()) + " by " + block.get().publicKey());
        }
    }

    /** {@code block/NAME} from the store, checked against its own signature and name; empty when missing. */
    public static Optional<Block> readBlock(StoreReader store, String name) throws IOException {
        String path = "block/" + name;
        byte[] bytes;
        try {
            bytes = store.read(path, Block.SIZE);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Block block = Block.decode(bytes, store.describe(path));
        block.verifySignature(store.describe(path));
        if (!block.signatureBase32().equals(name)) {
            throw new VerificationException(store.describe(path) + ": holds block " + block.signatureBase32()
                    + ", not the block its name says");
        }
        return Optional.of(block);
    }

    /** Refuses a block whose key this history does not accept at the block's counter. */
    public void checkBlock(Block block, String where) {
        Optional<Era> era = era(block.publicKey());
        if (root.isEmpty()) {
            if (era.isEmpty()) {
                throw new VerificationException("public key mismatch: remote " + block.publicKey() + " is not expected "
                        + eras.get(0).key() + " (" + where + ")");
            }
            return;
        }
        if (era.isEmpty()) {
            throw new TrustRefusal(Cause.NOT_CERTIFIED, where + " is signed by " + block.publicKey()
                    + ", a key the root " + root.get() + " never certified for this store"
                    + (eras.isEmpty() ? " (the store has no root/statements)" : ""));
        }
        String counter = Long.toUnsignedString(block.counter());
        if (era.get().handover().isPresent()
                && Long.compareUnsigned(block.counter(), era.get().handover().get().lastCounter()) > 0) {
            throw new TrustRefusal(Cause.FORK, where + " (counter " + counter + " by " + block.publicKey()
                    + ") comes after that key's last block, counter "
                    + Long.toUnsignedString(era.get().handover().get().lastCounter()) + ", where the root handed over to "
                    + era.get().successor().get());
        }
        if (era.get().revokedFrom().isPresent()
                && Long.compareUnsigned(block.counter(), era.get().revokedFrom().get().fromCounter()) >= 0) {
            throw new TrustRefusal(Cause.REVOKED, where + " (counter " + counter + " by " + block.publicKey()
                    + ") is revoked: the root revoked that key from its block counter "
                    + Long.toUnsignedString(era.get().revokedFrom().get().fromCounter()));
        }
    }

    public Optional<Era> era(PublicKey key) {
        return eras.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    /** The newest key: the one that may sign now. */
    public Optional<Era> current() {
        return eras.isEmpty() ? Optional.empty() : Optional.of(eras.get(eras.size() - 1));
    }

    /**
     * Where the chain continues back from key #{@code number}'s first block: the newest handover at a block among
     * the keys before it (keys in between that signed none are passed over), or empty when none handed over at a
     * block. With {@code number} one past the newest key: where the store's chain ends until the current key signs.
     */
    public Optional<SignerCertificate.Predecessor> handedOverBefore(int number) {
        for (int i = Math.min(number, eras.size() + 1) - 2; i >= 0; i--) {
            Optional<SignerCertificate.Predecessor> handover = eras.get(i).handover();
            if (handover.isPresent() && handover.get().lastBlock().isPresent()) {
                return handover;
            }
        }
        return Optional.empty();
    }

    public List<Era> eras() {
        return eras;
    }

    /** The root, or empty for a pinned key. */
    public Optional<PublicKey> root() {
        return root;
    }

    /** How many distinct statements the history was built from. */
    public int statements() {
        return statements.size();
    }

    /** The SHA-384 of each distinct statement the history was built from, in the store's order. */
    public List<Digest> statementDigests() {
        return statements;
    }
}
