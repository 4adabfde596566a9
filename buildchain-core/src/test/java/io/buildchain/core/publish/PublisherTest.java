package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.Json;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.root.RootCeremony;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.root.SignerTrust;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
    @TempDir
    Path dir;

    ChainVerifier.Report verify(Network net) throws Exception {
        return new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey())
                .verify("proj", "main", ChainVerifier.Options.defaults());
    }

    @Test
    void withoutQuorumNothingIsSignedOrStoredAndTheDivergenceIsExplained() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        assertThatThrownBy(() -> net.publish("r1", 2, "b", "c")).isInstanceOfSatisfying(QuorumNotMetException.class, e -> {
            assertThat(e.getMessage()).contains("quorum not met");
            assertThat(e.divergence()).anyMatch(line -> line.contains("app.bin | - | sha384 | "));
        });
        assertThat(net.store.root().resolve("tail")).doesNotExist();
        assertThat(net.store.root().resolve("object")).doesNotExist();
        assertThat(dir.resolve("signer-state")).doesNotExist();
    }

    @Test
    void evidenceRecordsEveryVoteAndTheDivergence() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        Publisher.Result result = net.publish("r1", 2, "c");
        Evidence evidence = Evidence.parse(Files.readAllBytes(net.store.evidencePath(result.block())), "evidence");
        assertThat(evidence.block()).isEqualTo(result.block().signatureBase32());
        assertThat(evidence.submissions()).extracting(Evidence.Entry::status).containsExactly("agree", "agree", "dissent");
        assertThat(evidence.explanations()).singleElement().satisfies(explanation -> {
            assertThat(explanation.b()).isEqualTo("c");
            assertThat(explanation.rows()).anyMatch(row -> row.file().equals("app.bin") && row.aspect().equals("sha384"));
        });
        assertThat(evidence.divergence()).as("new evidence stores the structure, not text lines").isNull();
        // The dissenting manifest is kept as an object, so the divergence can be recomputed later.
        assertThat(net.store.objectPath(result.decision().dissenting().get(0).digest())).exists();
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }

    @Test
    void anArtifactChangedAfterHashingIsRefused() throws Exception {
        Network net = new Network(dir, "a", "b");
        List<Submission> round = net.round("r1", List.of());
        Files.writeString(round.get(0).artifacts().get().resolve("app.bin"), "swapped after the manifest was made");
        assertThatThrownBy(() -> net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty()))).hasMessageContaining("app.bin").hasMessageContaining("changed after the manifest");
        assertThat(net.store.root().resolve("tail")).doesNotExist();
    }

    /**
     * A publish of {@code release} killed right after the signer signed: the journal holds the request (and, with
     * {@code received}, the block at SIGNED), the block was never stored. Returns the block the signer made.
     */
    static Block signedButLost(Network net, String release, boolean received) throws Exception {
        List<Submission> round = net.round(release, List.of());
        var decision = Quorum.decide(round, net.trusted(), 2);
        for (Submission s : round) {
            net.store.putObject(s.manifest());
        }
        for (var file : decision.agreeing().get(0).manifest().files().entrySet()) {
            net.store.importArtifact(round.get(0).artifacts().get().resolve(file.getKey()), file.getValue(), file.getKey());
        }
        var request = decision.agreeing().get(0).request();
        PendingRelease pending = new PendingRelease("proj", "main", HexFormat.of().formatHex(request.bytes()),
                Evidence.of("proj", "main", decision, List.of()), null, null, 0, null);
        Block block = net.signer().sign(request);
        if (received) {
            pending = pending.withBlock(block);
        }
        Path journal = net.store.root().resolve("pending/proj/main.json");
        Files.createDirectories(journal.getParent());
        Files.write(journal, Json.MAPPER.writeValueAsBytes(pending));
        return block;
    }

    @Test
    void anInterruptedReleaseIsFinishedByTheNextPublish() throws Exception {
        Network net = new Network(dir, "a", "b");
        net.publish("r1", 2);
        Block signedButLost = signedButLost(net, "r2", false);
        Path journal = net.store.root().resolve("pending/proj/main.json");
        assertThat(verify(net).release().block().counter()).isEqualTo(1);

        Publisher.Result third = net.publish("r3", 2);
        assertThat(net.log).anyMatch(line -> line.contains("finishing the interrupted release of proj/main"));
        assertThat(net.store.blockPath(signedButLost.signature())).exists();
        // r1 (1) and its log checkpoint (2), the finished release (3), then r3 (4) and its checkpoint (5).
        assertThat(third.block().counter()).isEqualTo(4);
        assertThat(verify(net).chainLength()).isEqualTo(4);
        assertThat(journal).doesNotExist();
    }

    @Test
    void aReceivedBlockOfAKeyRestartedAwayBeforeItWasStoredIsSignedAnewByTheNextKeyOnce() throws Exception {
        // The signer's key #2 signed r2 and the publisher journaled the block (SIGNED), then died before storing
        // it; the signer was restarted, so root certify says key #2 signed no block. The release is not lost.
        Network net = new Network(dir, "a", "b");
        SigningKey root = SigningKey.generate(Network.RANDOM);
        net.publish("r1", 2);
        certify(net, root);
        net.restartSigner();
        certify(net, root);
        PublicKey second = net.signerKey.publicKey();
        Block lost = signedButLost(net, "r2", true);
        net.restartSigner();
        assertThat(certify(net, root).follows()).contains(new SignerCertificate.Predecessor(second, 0, Optional.empty()));

        net.publish("r3", 2);
        assertThat(net.log).anyMatch(line -> line.contains("asking the current signer again"));
        assertThat(net.store.blockPath(lost.signature())).doesNotExist();
        ChainVerifier.Report report = new ChainVerifier(StoreReader.of(net.store.root()),
                SignerTrust.root(root.publicKey())).verify("proj", "main", ChainVerifier.Options.defaults());
        assertThat(report.release().block().publicKey()).isEqualTo(net.signerKey.publicKey());
        try (var evidence = Files.list(net.store.root().resolve("quorum"))) {
            assertThat(evidence.filter(p -> p.toString().endsWith(".json")).count()).as("r1, r2 and r3, once each")
                    .isEqualTo(3);
        }
        assertThat(net.store.root().resolve("pending/proj/main.json")).doesNotExist();
    }

    static SignerCertificate certify(Network net, SigningKey root) throws Exception {
        SignerCertificate certificate = RootCeremony.certify(root, net.signerKey.publicKey(),
                StoreReader.of(net.store.root()));
        RootStatements.add(net.store, List.of(certificate));
        return certificate;
    }

    @Test
    void racingPublishersNeverForkTheTail() throws Exception {
        // Each round has its own two builders: the signer refuses a builder's older request after a newer one.
        String[] names = new String[16];
        for (int i = 0; i < names.length; i++) {
            names[i] = "b" + i;
        }
        Network net = new Network(dir, names);
        List<List<Submission>> rounds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Map<String, String> files = Map.of("app.bin", "release " + i);
            rounds.add(List.of(net.build(names[2 * i], "r" + i, files), net.build(names[2 * i + 1], "r" + i, files)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Publisher.Result>> results = new ArrayList<>();
            for (List<Submission> round : rounds) {
                results.add(pool.submit(() -> net.publisher().publish(new Publisher.Release("proj", "main", 2,
                        net.trusted(), round, Optional.empty()))));
            }
            long maxCounter = 0;
            for (Future<Publisher.Result> result : results) {
                maxCounter = Math.max(maxCounter, result.get().block().counter());
            }
            // Each release is followed by the block that signs its log checkpoint.
            assertThat(maxCounter).isEqualTo(15);
            ChainVerifier.Report report = verify(net);
            assertThat(report.release().block().counter()).isEqualTo(15);
            assertThat(report.chainLength()).isEqualTo(15);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tailsOfSeveralBranchesShareOneSignerChain() throws Exception {
        Network net = new Network(dir, "a", "b");
        net.publish("r1", 2);
        net.publisher().publish(new Publisher.Release("proj", "next", 2, net.trusted(),
                net.round("n1", List.of()), Optional.empty()));
        net.publish("r2", 2);
        // r1, checkpoint, n1, checkpoint, r2, checkpoint: one chain, one log.
        assertThat(verify(net).chainLength()).isEqualTo(5);
        assertThat(new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey())
                .verify("proj", "next", ChainVerifier.Options.defaults()).chainLength()).isEqualTo(3);
        assertThat(Files.readSymbolicLink(net.store.tailPath("proj", "next")).toString()).startsWith("../../block/");
        assertThat(Files.readSymbolicLink(net.store.root().resolve("artifacts/docs/README")).toString())
                .startsWith("../../../../object/");
        assertThat(Files.readString(net.store.root().resolve("current/proj/next/artifacts/docs/README")))
                .isEqualTo("readme n1");
    }

    @Test
    void aManifestWithNoFilesCanBePublishedAndDoesNotWedgeTheStore() throws Exception {
        Network net = new Network(dir, "a", "b");
        List<Submission> empty = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            io.buildchain.core.manifest.Manifest manifest = new io.buildchain.core.manifest.Manifest(1700000000L,
                    new java.util.TreeMap<>());
            var request = new io.buildchain.core.chain.BuilderChain(dir.resolve("nodes").resolve(name).resolve("state"))
                    .request(net.builders.get(name), manifest.digest(), 1);
            Path artifacts = Files.createDirectories(dir.resolve("empty-" + name));
            empty.add(new Submission(name, manifest.render(), request.bytes(), Optional.of(artifacts)));
        }
        net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), empty, Optional.empty()));
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
        assertThat(net.publish("r2", 2).block().counter()).isEqualTo(3);
        assertThat(verify(net).chainLength()).isEqualTo(3);
    }

    @Test
    void badProjectOrBranchNames() {
        assertThatThrownBy(() -> new Network(dir, "a").publisher().publish(new Publisher.Release("../x", "main", 1,
                new Network(dir.resolve("n"), "a").trusted(), List.of(), Optional.empty())))
                .hasMessageContaining("project \"../x\"");
        assertThatThrownBy(() -> io.buildchain.core.store.Store.checkName("feature/x", "branch"))
                .hasMessageContaining("no '/'");
    }
}
