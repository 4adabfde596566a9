package io.buildchain.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.testing.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyAttacksTest {
    @TempDir
    Path dir;

    Network net;
    Publisher.Result first;
    Publisher.Result second;

    @BeforeEach
    void publishTwoReleases() throws Exception {
        net = new Network(dir, "a", "b", "c");
        first = net.publish("r1", 2);
        second = net.publish("r2", 2, "c");
    }

    ChainVerifier verifier() {
        return new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey());
    }

    ChainVerifier.Report verify() throws Exception {
        return verifier().verify("proj", "main", ChainVerifier.Options.defaults());
    }

    /** Overwrites a store file in place, as an attacker with write access would. */
    void overwrite(Path file, byte[] content) throws Exception {
        Path real = file.toRealPath();
        real.toFile().setWritable(true);
        Files.write(real, content);
    }

    @Test
    void anHonestStoreVerifiesWithHistoryFilesAndQuorum() throws Exception {
        ChainVerifier.Report report = verifier().verify("proj", "main",
                new ChainVerifier.Options(true, net.trusted(), 2, new ClientState(dir.resolve("seen"))));
        // r1, the block signing r1's log checkpoint, r2.
        assertThat(report.chainLength()).isEqualTo(3);
        assertThat(report.filesChecked()).isEqualTo(2);
        assertThat(report.quorum()).contains("2 of your 3 trusted builders");
        assertThat(report.release().block()).isEqualTo(second.block());
    }

    @Test
    void tamperedArtifactObject() throws Exception {
        Digest digest = second.decision().agreeing().get(0).manifest().files().get("app.bin");
        overwrite(net.store.objectPath(digest), "trojan".getBytes());
        assertThatThrownBy(this::verify).isInstanceOf(VerificationException.class)
                .hasMessageContaining("file \"app.bin\"").hasMessageContaining("sha384 mismatch");
    }

    @Test
    void tamperedManifestObject() throws Exception {
        Path manifest = net.store.objectPath(second.block().digest());
        byte[] bytes = Files.readAllBytes(manifest);
        bytes[bytes.length - 5] ^= 1;
        overwrite(manifest, bytes);
        assertThatThrownBy(this::verify).isInstanceOf(VerificationException.class).hasMessageContaining("sha384 mismatch");
    }

    @Test
    void wrongPinnedKey() {
        ChainVerifier wrong = new ChainVerifier(StoreReader.of(net.store.root()), SigningKey.generate(Network.RANDOM).publicKey());
        assertThatThrownBy(() -> wrong.verify("proj", "main", ChainVerifier.Options.defaults()))
                .isInstanceOf(VerificationException.class).hasMessageContaining("public key mismatch: remote "
                        + net.signerKey.publicKey().base32() + " is not expected");
    }

    @Test
    void truncatedBlock() throws Exception {
        Path block = net.store.blockPath(second.block().signature());
        overwrite(block, java.util.Arrays.copyOf(Files.readAllBytes(block), 399));
        assertThatThrownBy(this::verify).isInstanceOf(FormatException.class).hasMessageContaining("400 bytes, got 399")
                .hasMessageContaining("truncated");
    }

    @Test
    void blockWithAForgedSignature() throws Exception {
        Path block = net.store.blockPath(second.block().signature());
        byte[] bytes = Files.readAllBytes(block);
        bytes[170] ^= 1; // the timestamp
        overwrite(block, bytes);
        assertThatThrownBy(this::verify).isInstanceOf(VerificationException.class)
                .hasMessageContaining("signature does not verify");
    }

    @Test
    void swappedTailToAnOlderReleaseIsCaughtByLastSeen() throws Exception {
        ClientState seen = new ClientState(dir.resolve("seen"));
        verifier().verify("proj", "main", new ChainVerifier.Options(false, null, 0, seen));
        net.store.setTail("proj", "main", first.block());
        assertThatThrownBy(() -> verifier().verify("proj", "main", new ChainVerifier.Options(false, null, 0, seen)))
                .isInstanceOf(VerificationException.class).hasMessageContaining("rollback")
                .hasMessageContaining("counter 1").hasMessageContaining("counter 3 was seen before");
    }

    @Test
    void swappedTailToABlockOfAnotherSigner() throws Exception {
        Network other = new Network(dir.resolve("other"), "a", "b");
        Block foreign = other.publish("r1", 1).block();
        net.store.putBlock(foreign);
        net.store.setTail("proj", "main", foreign);
        assertThatThrownBy(this::verify).hasMessageContaining("public key mismatch");
    }

    @Test
    void forkedChainIsCaughtByLastSeen() throws Exception {
        ClientState seen = new ClientState(dir.resolve("seen"));
        verifier().verify("proj", "main", new ChainVerifier.Options(false, null, 0, seen));
        // A cloned signer (same key) signs a different block 3 after block 2 and the tail is pointed at it.
        var request = new io.buildchain.core.chain.BuilderChain(dir.resolve("fork-builder"))
                .request(net.builders.get("a"), first.block().digest(), 5);
        Block sibling = Block.decode(new io.buildchain.core.chain.ChainSigner(net.signerKey, second.block().previous(), 2)
                .sign(request.bytes(), 1800000000L), "sibling");
        net.store.putBlock(sibling);
        net.store.setTail("proj", "main", sibling);
        // The log holds the real block 2, so even a first-time client refuses the sibling...
        assertThatThrownBy(() -> verifier().verify("proj", "main", ChainVerifier.Options.defaults()))
                .isInstanceOf(VerificationException.class).hasMessageContaining("not in the log")
                .hasMessageContaining("is not leaf 2");
        // ...and without a log, on its own the forked chain is well formed...
        deleteLog();
        assertThat(verifier().verify("proj", "main", ChainVerifier.Options.defaults()).chainLength()).isEqualTo(3);
        // ...but a client that saw the real tail refuses it.
        assertThatThrownBy(() -> verifier().verify("proj", "main", new ChainVerifier.Options(false, null, 0, seen)))
                .isInstanceOf(VerificationException.class).hasMessageContaining("fork");
    }

    @Test
    void missingHistoryBreaksTheChain() throws Exception {
        Path block = net.store.blockPath(first.block().signature());
        block.toFile().setWritable(true);
        Files.delete(block);
        // With a log, clients rely on its proofs; the monitor's walk is what finds the hole.
        assertThatThrownBy(() -> new LogAuditor(StoreReader.of(net.store.root()), net.signerKey.publicKey()).audit(null))
                .isInstanceOf(VerificationException.class)
                .hasMessageContaining("chain broken").hasMessageContaining("not in the store");
        deleteLog();
        assertThatThrownBy(this::verify).isInstanceOf(VerificationException.class)
                .hasMessageContaining("chain broken").hasMessageContaining("not in the store");
    }

    /** Makes the store one that no log-aware publisher touched (an old mirror): verify walks the chain. */
    void deleteLog() throws Exception {
        try (var files = Files.walk(net.store.root().resolve("log"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void quorumRecountWithTheUsersOwnKeys() throws Exception {
        assertThatThrownBy(() -> verifier().verify("proj", "main",
                new ChainVerifier.Options(false, net.trusted("c"), 1, null)))
                .isInstanceOf(VerificationException.class).hasMessageContaining("quorum not met: 0 of your trusted");
        Path evidence = net.store.evidencePath(second.block());
        overwrite(evidence, Files.readString(evidence).replace("\"quorum\" : 2", "\"quorum\" : 1").getBytes());
        // Editing the recorded numbers changes nothing: the recount uses the request bytes.
        assertThat(verifier().checkQuorum(second.block(), net.trusted(), 2)).contains("2 of your 3");
    }

    @Test
    void aTailSymlinkLeavingTheStoreIsNotFollowed() throws Exception {
        Path outside = dir.resolve("outside-block");
        Files.write(outside, second.block().bytes());
        AtomicFiles.symlink(net.store.tailPath("proj", "main"), outside, net.store.tmp());
        assertThatThrownBy(this::verify).isInstanceOf(VerificationException.class).hasMessageContaining("no tail");
    }

    @Test
    void unknownBranch() {
        assertThatThrownBy(() -> verifier().release("proj", "nope")).hasMessageContaining("nothing published")
                .hasMessageContaining("'nope'");
        assertThatThrownBy(() -> verifier().release("proj", "../x")).isInstanceOf(FormatException.class);
    }

    @Test
    void downloaderNeverWritesOutsideItsTarget() throws Exception {
        Path target = dir.resolve("dl");
        Files.createDirectories(target);
        assertThatThrownBy(() -> Downloader.targetFor(target, "../escape")).isInstanceOf(BuildchainException.class);
        assertThatThrownBy(() -> Downloader.targetFor(target, "/etc/passwd")).isInstanceOf(BuildchainException.class);
        Files.createSymbolicLink(target.resolve("docs"), dir);
        assertThatThrownBy(() -> Downloader.targetFor(target, "docs/README")).hasMessageContaining("symbolic link");
        Files.delete(target.resolve("docs"));
        ChainVerifier verifier = verifier();
        int count = new Downloader(verifier, verifier.release("proj", "main")).downloadAll(target);
        assertThat(count).isEqualTo(2);
        assertThat(Files.readString(target.resolve("docs/README"))).isEqualTo("readme r2");
    }

    @Test
    void aCorruptDownloadLeavesNoFileBehind() throws Exception {
        Digest digest = second.decision().agreeing().get(0).manifest().files().get("app.bin");
        overwrite(net.store.objectPath(digest), "trojan".getBytes());
        Path target = dir.resolve("dl");
        ChainVerifier verifier = verifier();
        Downloader downloader = new Downloader(verifier, verifier.release("proj", "main"));
        assertThatThrownBy(() -> downloader.download("app.bin", target.resolve("app.bin")))
                .hasMessageContaining("sha384 mismatch");
        assertThat(target).as("the directory the download made is removed again").doesNotExist();
    }
}
