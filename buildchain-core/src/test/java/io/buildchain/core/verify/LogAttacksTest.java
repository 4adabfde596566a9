package io.buildchain.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.testing.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on the log path of verify: each is refused with one line naming the cause. */
class LogAttacksTest {
    @TempDir
    Path dir;

    Network net;
    Publisher.Result second;
    Path log;

    @BeforeEach
    void publishTwoReleases() throws Exception {
        net = new Network(dir, "a", "b");
        net.publish("r1", 2);
        second = net.publish("r2", 2);
        log = LogWriter.directory(net.store, net.signerKey.publicKey());
    }

    ChainVerifier.Report verify(ClientState seen) throws Exception {
        return new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey())
                .verify("proj", "main", new ChainVerifier.Options(false, null, 0, seen));
    }

    Checkpoint published() throws Exception {
        return Checkpoint.parse(Files.readAllBytes(log.resolve("checkpoint")), net.signerKey.publicKey(), "checkpoint");
    }

    /** A checkpoint over any root, signed by a block of the real signer key (a compromised publisher with signer access). */
    Checkpoint forged(long size, byte[] root) {
        byte[] body = Checkpoint.body(net.signerKey.publicKey(), size, root);
        SigningKey requester = SigningKey.generate(Network.RANDOM);
        SignedRequest request = SignedRequest.decode(ChainSigner.startingAt(Genesis.create(requester), requester)
                .sign(Digest.of(body).bytes(), 1), "forged request");
        Block block = Block.decode(new ChainSigner(net.signerKey, new byte[64], size + 10).sign(request.bytes(), 2), "forged");
        return Checkpoint.signed(net.signerKey.publicKey(), size, root, block);
    }

    void serve(Checkpoint checkpoint) throws Exception {
        Files.write(log.resolve("checkpoint"), checkpoint.render());
    }

    byte[] randomRoot() {
        byte[] root = new byte[32];
        Network.RANDOM.nextBytes(root);
        return root;
    }

    @Test
    void publishBuildsTheLogAndAFirstVerifyUsesItInsteadOfTheWalk() throws Exception {
        assertThat(published().size()).isEqualTo(3);
        assertThat(published().block().counter()).isEqualTo(4);
        ChainVerifier.Report report = verify(new ClientState(dir.resolve("seen")));
        assertThat(report.history().description()).contains("is in the signer's log (checkpoint of 3 blocks");
        assertThat(new LogAuditor(StoreReader.of(net.store.root()), net.signerKey.publicKey()).audit(null).blocks())
                .isEqualTo(3);
    }

    @Test
    void theOldWalkStillWorksOnAStoreWithoutALog() throws Exception {
        deleteLog();
        ChainVerifier.Report report = verify(new ClientState(dir.resolve("seen")));
        assertThat(report.history().description()).contains("3 block(s) back to the signer's genesis");
    }

    @Test
    void aTailNotInTheLogIsRefused() throws Exception {
        serve(forged(3, randomRoot()));
        assertThatThrownBy(() -> verify(null)).isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("not in the log: tail proj/main").hasMessageContaining("is not leaf 2")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aForkedLogOfTheSameSizeIsRefused() throws Exception {
        ClientState seen = new ClientState(dir.resolve("seen"));
        remember(seen, net.signerKey.publicKey(), published());
        serve(forged(3, randomRoot()));
        assertThatThrownBy(() -> verify(seen)).isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("fork: the log of signer").hasMessageContaining("not an extension");
    }

    @Test
    void aRewrittenLogThatDoesNotExtendTheOneSeenIsRefused() throws Exception {
        ClientState seen = new ClientState(dir.resolve("seen"));
        remember(seen, net.signerKey.publicKey(), forged(2, randomRoot()));
        assertThatThrownBy(() -> verify(seen)).isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("fork: the log of signer").hasMessageContaining("of 2 blocks seen before");
    }

    @Test
    void aRolledBackLogIsRefused() throws Exception {
        ClientState seen = new ClientState(dir.resolve("seen"));
        remember(seen, net.signerKey.publicKey(), forged(9, randomRoot()));
        assertThatThrownBy(() -> verify(seen)).isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("log withheld: the log of signer").hasMessageContaining("a checkpoint of 9 was seen before");
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRefused() throws Exception {
        Network other = new Network(dir.resolve("other"), "a");
        Path foreign = LogWriter.directory(other.store, other.signerKey.publicKey());
        other.publish("x", 1);
        Files.copy(foreign.resolve("checkpoint"), log.resolve("checkpoint"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> verify(null)).isInstanceOf(VerificationException.class)
                .hasMessageContaining("checkpoint of log \"buildchain.io/log/" + other.signerKey.publicKey());
    }

    @Test
    void aTruncatedTileIsRefused() throws Exception {
        Path tile = log.resolve("tile/0/000.p/3");
        byte[] bytes = Files.readAllBytes(tile);
        tile.toFile().setWritable(true);
        Files.write(tile, java.util.Arrays.copyOf(bytes, 95));
        assertThatThrownBy(() -> verify(null)).isInstanceOf(FormatException.class)
                .hasMessageContaining("tile/0/000.p/3").hasMessageContaining("(truncated)");
    }

    @Test
    void aTamperedTileIsRefused() throws Exception {
        Path tile = log.resolve("tile/0/000.p/3");
        byte[] bytes = Files.readAllBytes(tile);
        bytes[5] ^= 1;
        tile.toFile().setWritable(true);
        Files.write(tile, bytes);
        assertThatThrownBy(() -> verify(null)).isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("not in the log");
    }

    @Test
    void aTamperedCheckpointIsRefused() throws Exception {
        String note = Files.readString(log.resolve("checkpoint"));
        Files.writeString(log.resolve("checkpoint"), note.replaceFirst("\n3\n", "\n2\n"));
        assertThatThrownBy(() -> verify(null)).isInstanceOf(VerificationException.class)
                .hasMessageContaining("not this checkpoint's text");
    }

    @Test
    void aStaleCheckpointIsBridgedByWalkingBackToIt() throws Exception {
        byte[] old = Files.readAllBytes(log.resolve("checkpoint"));
        Publisher.Result third = net.publish("r3", 2);
        Files.write(log.resolve("checkpoint"), old);
        ChainVerifier.Report report = verify(null);
        assertThat(report.release().block()).isEqualTo(third.block());
        assertThat(report.history().description()).contains("checkpoint of 3 blocks").contains("reached by walking 2 block(s)");
    }

    @Test
    void aClientThatVerifiedBeforeWalksOnlyTheNewBlocks() throws Exception {
        ClientState seen = new ClientState(dir.resolve("seen"));
        verify(seen);
        assertThat(verify(seen).history().description()).isEqualTo("unchanged since last verified");
        net.publish("r3", 2);
        assertThat(verify(seen).history().description())
                .isEqualTo("walked 2 block(s) back to block counter 3, accepted before");
        // The newest checkpoint is read (and kept) on every verify: a log once seen is required, and it dates the store.
        assertThat(seen.of(ClientState.identity(net.signerKey.publicKey(), net.signerKey.publicKey()))
                .checkpoint(net.signerKey.publicKey()).orElseThrow().size()).isEqualTo(5);
    }

    @Test
    void theLogIsExtendedNotRebuiltAndAgreesWithTheAudit() throws Exception {
        for (int i = 3; i <= 6; i++) {
            net.publish("r" + i, 2);
        }
        assertThat(net.log).filteredOn(line -> line.contains("building the log")).hasSize(1);
        LogAuditor.Report audit = new LogAuditor(StoreReader.of(net.store.root()), net.signerKey.publicKey())
                .audit(new ClientState(dir.resolve("seen")));
        assertThat(audit.blocks()).isEqualTo(11);
        assertThat(audit.checkpoint().block().counter()).isEqualTo(12);
    }

    @Test
    void aCheckpointBlockSignedJustBeforeThePublisherDiedIsStoredByTheNextPublish() throws Exception {
        var logKey = LogWriter.requestKey(net.store, line -> { }).publicKey();
        io.buildchain.core.chain.BlockSigner dying = new io.buildchain.core.chain.BlockSigner() {
            @Override
            public Block sign(SignedRequest request) throws java.io.IOException {
                Block block = net.signer().sign(request);
                if (request.publicKey().equals(logKey)) {
                    throw new java.io.IOException("publisher killed after the signer answered");
                }
                return block;
            }

            @Override
            public String describe() {
                return "a signer whose publisher dies on the checkpoint";
            }
        };
        new Publisher(net.store, dying, net.log::add).publish(new Publisher.Release("proj", "main", 2, net.trusted(),
                net.round("r3", java.util.List.of()), java.util.Optional.empty()));
        net.publish("r4", 2);
        assertThat(net.log).anyMatch(line -> line.contains("log: stored block 6 of the own request (a checkpoint or key probe) an interrupted publish"));
        assertThat(new LogAuditor(StoreReader.of(net.store.root()), net.signerKey.publicKey()).audit(null).blocks())
                .isEqualTo(7);
    }

    void deleteLog() throws Exception {
        try (var files = Files.walk(net.store.root().resolve("log"))) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void remember(ClientState seen, io.buildchain.core.crypto.PublicKey signer, Checkpoint checkpoint) throws Exception {
        TrustedSet store = seen.of(ClientState.identity(signer, signer));
        store.acceptCheckpoint(checkpoint);
        store.commit();
    }
}
