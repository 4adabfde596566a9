package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static io.buildchain.core.fuzz.Refusals.assertOneLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.root.Revocation;
import io.buildchain.core.root.RootStatement;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.verify.StoreReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The root key's statements (issue 12), which an attacker can write: a store's {@code root/statements} served
 * to every client, the files given to {@code root add}, the statement pasted into the Jenkins settings. The
 * parser takes only the canonical text (what parses encodes back to the input's bytes); under the fixed
 * root, what verifies is exactly a statement the root signed; the key history built from any list of them
 * refuses in one line or accepts no key that a revocation or a succession excludes.
 */
class RootStatementFuzzTest {
    /** The root, signers and builder of the seeds: fixed keys, so the seeds verify in every run. */
    static final SigningKey ROOT = FixedKeys.of(7);
    static final SigningKey FIRST = FixedKeys.of(8);
    static final SigningKey SECOND = FixedKeys.of(9);
    static final SigningKey OTHER_ROOT = FixedKeys.of(11);
    private static final SigningKey BUILDER = FixedKeys.of(10);
    private static final Fixture FIXTURE = Fixture.create();
    /** The signed statements whose one-byte edits {@link #signed} has tried in this JVM. */
    private static final Set<String> SWEPT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Any bytes: refused in one line, or statements that encode back to exactly the input. */
    @FuzzTest(maxDuration = "10m")
    void statements(byte[] input) throws Exception {
        acceptOrRefuse(() -> RootStatement.parseAll(input, "fuzz")).ifPresent(statements -> {
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            for (RootStatement statement : statements) {
                again.writeBytes(statement.encode());
                assertOneLine(statement.describe());
                statement.signatureValid();
            }
            assertThat(again.toByteArray()).isEqualTo(input);
        });
        Optional<RootStatement> one = acceptOrRefuse(() -> RootStatement.parse(input, "fuzz"));
        one.ifPresent(statement -> assertThat(statement.encode()).isEqualTo(input));
    }

    /**
     * What verifies under the fixed root is one of the statements it signed, byte for byte; and no edit of a
     * byte of one turns it into another statement that verifies (no malleable signature or field).
     */
    @FuzzTest(maxDuration = "10m")
    void signed(byte[] input) throws Exception {
        Optional<List<RootStatement>> parsed = acceptOrRefuse(() -> RootStatement.parseAll(input, "fuzz"));
        if (parsed.isEmpty()) {
            return;
        }
        for (RootStatement statement : parsed.get()) {
            if (!statement.root().equals(ROOT.publicKey()) || !statement.signatureValid()) {
                continue;
            }
            byte[] bytes = statement.encode();
            String text = new String(bytes, StandardCharsets.US_ASCII);
            assertThat(FIXTURE.signedByRoot()).contains(text);
            if (!SWEPT.add(text)) {
                continue; // its every one-byte edit was tried already: the same statement gives the same answers
            }
            for (int i = 0; i < bytes.length; i++) {
                int at = i;
                for (int flip : new int[] {0x01, 0x20}) {
                    byte[] edited = bytes.clone();
                    edited[i] ^= (byte) flip;
                    acceptOrRefuse(() -> RootStatement.parse(edited, "edited")).ifPresent(other -> {
                        assertThat(other.encode()).isEqualTo(edited);
                        assertThat(other.signatureValid()).as("byte %d of %s flipped", at, statement.describe())
                                .isFalse();
                    });
                }
            }
        }
    }

    /**
     * Any list of statements about the fixture's store (two blocks by the first key, one by the second): the
     * history refuses in one line, or every key it accepts is one the root certified, and no block at or after
     * a revocation, or after the block where a key handed over, is accepted.
     */
    @FuzzTest(maxDuration = "10m")
    void history(byte[] input) throws Exception {
        Optional<List<RootStatement>> parsed = acceptOrRefuse(() -> RootStatement.parseAll(input, "fuzz"));
        if (parsed.isEmpty()) {
            return;
        }
        Optional<KeyHistory> built = acceptOrRefuse(
                () -> KeyHistory.certified(ROOT.publicKey(), parsed.get(), FIXTURE.store()));
        if (built.isEmpty()) {
            return;
        }
        KeyHistory history = built.get();
        Set<PublicKey> certified = new HashSet<>();
        for (RootStatement statement : parsed.get()) {
            assertThat(statement.root()).isEqualTo(ROOT.publicKey());
            assertThat(statement.signatureValid()).isTrue();
            if (statement instanceof SignerCertificate certificate) {
                certified.add(certificate.signer());
                certificate.follows().ifPresent(p -> refusedAt(history, p.key(), p.lastCounter() + 1));
            } else {
                Revocation revocation = (Revocation) statement;
                refusedAt(history, revocation.signer(), revocation.fromCounter());
            }
        }
        for (KeyHistory.Era era : history.eras()) {
            assertThat(certified).contains(era.key());
        }
        for (SigningKey key : List.of(FIRST, SECOND, OTHER_ROOT, BUILDER)) {
            if (!certified.contains(key.publicKey())) {
                refusedAt(history, key.publicKey(), 1);
            }
        }
    }

    /** A block by {@code key} with {@code counter} is refused in one line. */
    private static void refusedAt(KeyHistory history, PublicKey key, long counter) {
        if (counter == 0) {
            return; // a handover at the largest counter leaves no later block to refuse
        }
        Block block = FIXTURE.blockAt(key, counter);
        try {
            history.checkBlock(block, "block counter " + Long.toUnsignedString(counter));
        } catch (BuildchainException e) {
            assertOneLine(e.getMessage());
            return;
        }
        throw new AssertionError("accepted block counter " + Long.toUnsignedString(counter) + " by " + key);
    }

    /**
     * Writes the seeds: {@code java ... RootStatementFuzzTest INPUTS_DIR} (the class's inputs directory). The
     * statements are the fixture's, signed by the fixed keys, so the files are the same in every run.
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args[0]);
        List<RootStatement> s = FIXTURE.statements();
        String[] names = {"certificate-first-key", "certificate-second-key-after-block-2", "revocation-first-key-from-2",
            "revocation-second-key-from-1", "certificate-second-key-after-no-block", "certificate-by-another-root"};
        for (int i = 0; i < names.length; i++) {
            seed(inputs.resolve("statements"), names[i], s.get(i));
        }
        seed(inputs.resolve("statements"), "every-statement", s.toArray(RootStatement[]::new));
        seed(inputs.resolve("signed"), names[0], s.get(0));
        seed(inputs.resolve("signed"), names[2], s.get(2));
        seed(inputs.resolve("signed"), names[5], s.get(5));
        seed(inputs.resolve("signed"), "handover-then-revocation", s.get(0), s.get(1), s.get(3));
        seed(inputs.resolve("history"), "first-key-only", s.get(0));
        seed(inputs.resolve("history"), "handover", s.get(0), s.get(1));
        seed(inputs.resolve("history"), "handover-and-both-revoked", s.get(0), s.get(1), s.get(2), s.get(3));
        seed(inputs.resolve("history"), "fork-two-successors", s.get(0), s.get(1), s.get(4));
        seed(inputs.resolve("history"), "revocation-before-its-certificate", s.get(2), s.get(0));
        seed(inputs.resolve("history"), "duplicate-statement", s.get(0), s.get(0), s.get(4));
    }

    private static void seed(Path dir, String name, RootStatement... statements) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (RootStatement statement : statements) {
            out.writeBytes(statement.encode());
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), out.toByteArray());
    }


    /**
     * Built once per JVM: a store directory with blocks 1 and 2 of the first key and block 1 of the second,
     * and the statements the root signed about them (the seeds are these, one by one and in lists).
     */
    record Fixture(StoreReader store, List<Block> blocks, List<RootStatement> statements, Set<String> signedByRoot) {
        static Fixture create() {
            try {
                Path dir = Files.createTempDirectory("root-fuzz");
                Files.createDirectories(dir.resolve("block"));
                ChainSigner builder = ChainSigner.startingAt(Genesis.create(BUILDER), BUILDER);
                ChainSigner first = ChainSigner.startingAt(Genesis.create(FIRST), FIRST);
                ChainSigner second = ChainSigner.startingAt(Genesis.create(SECOND), SECOND);
                List<Block> blocks = new ArrayList<>();
                for (ChainSigner signer : List.of(first, first, second)) {
                    byte[] request = builder.sign(Digest.of(("release " + blocks.size()).getBytes(StandardCharsets.UTF_8))
                            .bytes(), 1700000000L + blocks.size());
                    Block block = Block.decode(signer.sign(request, 1700000100L + blocks.size()), "fixture block");
                    Files.write(dir.resolve("block").resolve(block.signatureBase32()), block.bytes());
                    blocks.add(block);
                }
                Block lastOfFirst = blocks.get(1);
                List<RootStatement> statements = List.of(
                        SignerCertificate.sign(ROOT, FIRST.publicKey(), Optional.empty()),
                        SignerCertificate.sign(ROOT, SECOND.publicKey(), Optional.of(new SignerCertificate.Predecessor(
                                FIRST.publicKey(), 2, Optional.of(lastOfFirst.signatureBase32())))),
                        Revocation.sign(ROOT, FIRST.publicKey(), 2, lastOfFirst.signatureBase32()),
                        Revocation.sign(ROOT, SECOND.publicKey(), 1, blocks.get(2).signatureBase32()),
                        SignerCertificate.sign(ROOT, SECOND.publicKey(), Optional.of(new SignerCertificate.Predecessor(
                                FIRST.publicKey(), 0, Optional.empty()))),
                        SignerCertificate.sign(OTHER_ROOT, FIRST.publicKey(), Optional.empty()));
                Set<String> signed = new HashSet<>();
                for (RootStatement statement : statements) {
                    if (statement.root().equals(ROOT.publicKey())) {
                        signed.add(new String(statement.encode(), StandardCharsets.US_ASCII));
                    }
                }
                return new Fixture(StoreReader.of(dir), blocks, statements, Set.copyOf(signed));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A block by one of the fixed keys at {@code counter} (only its key and counter matter to the history). */
        Block blockAt(PublicKey key, long counter) {
            for (SigningKey signer : List.of(FIRST, SECOND, OTHER_ROOT, BUILDER)) {
                if (signer.publicKey().equals(key)) {
                    byte[] request = blocks.get(0).request().bytes();
                    return Block.decode(new ChainSigner(signer, new byte[SigningKey.SIGNATURE_LENGTH], counter - 1)
                            .sign(request, 1700000200L), "probe block");
                }
            }
            throw new AssertionError("no fixed key " + key);
        }
    }
}
