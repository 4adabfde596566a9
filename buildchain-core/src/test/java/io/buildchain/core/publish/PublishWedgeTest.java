package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.Json;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No release shape, refused request or out-of-store block leaves the publisher stuck or the chain unverifiable. */
class PublishWedgeTest {
    @TempDir
    Path dir;

    /** The tail's block counter; each release is followed by its log checkpoint's block (release n: 2n-1). */
    long verify(Network net, String project) throws Exception {
        ChainVerifier.Report report = new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey())
                .verify(project, "main", ChainVerifier.Options.defaults());
        assertThat(report.chainLength()).isEqualTo(report.release().block().counter());
        return report.release().block().counter();
    }

    Publisher.Result publish(Network net, String project, String release, Map<String, String> files) throws IOException {
        List<Submission> round = List.of(net.build("a", project + "-" + release, files),
                net.build("b", project + "-" + release, files));
        return net.publisher().publish(new Publisher.Release(project, "main", 2, net.trusted(), round, Optional.empty()));
    }

    String artifact(Network net, String link) throws IOException {
        return Files.readString(net.store.root().resolve(link), StandardCharsets.UTF_8);
    }

    @Test
    void aFileThatBecomesADirectoryInTheSameProjectDoesNotWedgeLaterPublishes() throws Exception {
        Network net = new Network(dir, "a", "b");
        publish(net, "proj", "r1", Map.of("x", "file x"));
        publish(net, "proj", "r2", Map.of("x/y", "file x/y"));
        assertThat(verify(net, "proj")).isEqualTo(3);
        assertThat(artifact(net, "artifacts/x/y")).isEqualTo("file x/y");
        publish(net, "proj", "r3", Map.of("x", "file x again"));
        assertThat(verify(net, "proj")).isEqualTo(5);
        assertThat(artifact(net, "artifacts/x")).isEqualTo("file x again");
        assertThat(artifact(net, "current/proj/main/artifacts/x")).isEqualTo("file x again");
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }

    @Test
    void aFileThatBecomesADirectoryInAnotherProjectKeepsEachBranchsView() throws Exception {
        Network net = new Network(dir, "a", "b");
        publish(net, "one", "r1", Map.of("x", "one's x"));
        publish(net, "two", "r1", Map.of("x/y", "two's x/y"));
        publish(net, "one", "r2", Map.of("x", "one's x, second release", "z", "one's z"));
        assertThat(verify(net, "one")).isEqualTo(5);
        assertThat(verify(net, "two")).isEqualTo(3);
        assertThat(artifact(net, "current/one/main/artifacts/x")).isEqualTo("one's x, second release");
        assertThat(artifact(net, "current/two/main/artifacts/x/y")).isEqualTo("two's x/y");
        assertThat(artifact(net, "current/two/main/manifest.json")).contains("\"x/y\"");
        // The original layout's top level shows the newest release published.
        assertThat(artifact(net, "artifacts/z")).isEqualTo("one's z");
        assertThat(Files.readSymbolicLink(net.store.root().resolve("manifest.json")).toString())
                .isEqualTo("object/" + Manifest.parse(artifact(net, "current/one/main/manifest.json")
                        .getBytes(StandardCharsets.UTF_8), "m").digest().base32());
    }

    @Test
    void aStoreInTheLayoutBeforeReleaseViewsIsTakenOver() throws Exception {
        Network net = new Network(dir, "a", "b");
        Path old = net.store.root().resolve("artifacts/x");
        Files.createDirectories(old.getParent());
        Files.createSymbolicLink(old, Path.of("../object/ANYTHING"));
        publish(net, "proj", "r1", Map.of("x/y", "x/y"));
        assertThat(artifact(net, "artifacts/x/y")).isEqualTo("x/y");
    }

    @Test
    void aRequestTheSignerRefusesIsPassedOverForTheNextAgreeingBuilders() throws Exception {
        Network net = new Network(dir, "a", "b");
        // The publisher trusts a and b; the signer's allow-list has only b.
        Publisher onlyB = new Publisher(net.store, new LocalSigner(net.signerKey, dir.resolve("signer-state"),
                net.trusted("b"), Clock.systemUTC()), net.log::add);
        List<Submission> round = List.of(net.build("a", "r1", Map.of("app", "1")), net.build("b", "r1",
                Map.of("app", "1")));
        Publisher.Result result = onlyB.publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty()));
        assertThat(result.block().request().publicKey()).isEqualTo(net.builders.get("b").publicKey());
        assertThat(net.log).anyMatch(line -> line.startsWith("request of a not signed: key not allowed: builder "));
        assertThat(verify(net, "proj")).isEqualTo(1);
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }

    @Test
    void aBuilderThatLostItsStateCountsZeroIsToldHowToResumeAndDoes() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        publish3(net, "r1");
        FileTreesForTest.delete(dir.resolve("nodes/a/state"));
        Publisher.Result second = publish3(net, "r2");
        assertThat(second.decision().votes()).anyMatch(v -> v.submission().source().equals("a")
                && v.reason() != null && v.reason().contains("--resume-after 1"));
        assertThat(verify(net, "proj")).isEqualTo(3);

        // The builder resumes above the counter it was told, and counts again.
        FileTreesForTest.delete(dir.resolve("nodes/a/state"));
        Path dist = dir.resolve("nodes/a/r3");
        Files.createDirectories(dist);
        Files.writeString(dist.resolve("app"), "3");
        Manifest manifest = new TreeHasher(2).manifest(dist, 1700000000L);
        SignedRequest resumed = new BuilderChain(dir.resolve("nodes/a/state")).request(net.builders.get("a"),
                manifest.digest(), 1700000000L, 1);
        assertThat(resumed.counter()).isEqualTo(2);
        List<Submission> round = List.of(new Submission("a", manifest.render(), resumed.bytes(), Optional.of(dist)));
        Publisher.Result third = net.publisher().publish(new Publisher.Release("proj", "main", 1,
                net.trusted("a"), round, Optional.empty()));
        assertThat(third.block().request().publicKey()).isEqualTo(net.builders.get("a").publicKey());
        assertThat(verify(net, "proj")).isEqualTo(5);
    }

    Publisher.Result publish3(Network net, String release) throws IOException {
        List<Submission> round = new java.util.ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            round.add(net.build(name, release, Map.of("app", release)));
        }
        return net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), round, Optional.empty()));
    }

    @Test
    void whenEveryAgreeingRequestIsRefusedNothingMovesAndTheMessageSaysWhy() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        publish(net, "proj", "r1", Map.of("app", "1"));
        // This signer's allow-list has only c.
        Publisher onlyC = new Publisher(net.store, new LocalSigner(net.signerKey, dir.resolve("signer-state"),
                net.trusted("c"), Clock.systemUTC()), net.log::add);
        List<Submission> round = List.of(net.build("a", "r2", Map.of("app", "2")), net.build("b", "r2",
                Map.of("app", "2")));
        assertThatThrownBy(() -> onlyC.publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty())))
                .isInstanceOf(SignerRefusedException.class)
                .hasMessageContaining("none of the 2 agreeing requests")
                .hasMessageContaining("a: key not allowed").hasMessageContaining("b: key not allowed");
        assertThat(verify(net, "proj")).isEqualTo(1);
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
        publish(net, "proj", "r3", Map.of("app", "3"));
        assertThat(verify(net, "proj")).isEqualTo(3);
    }

    /** pihsm answers a request it will not sign with silence; this signer does the same over a local node. */
    static final class SilentSigner implements BlockSigner {
        private final BlockSigner inner;

        SilentSigner(BlockSigner inner) {
            this.inner = inner;
        }

        @Override
        public Block sign(SignedRequest request) throws IOException {
            try {
                return inner.sign(request);
            } catch (SignerRefusedException e) {
                throw new SignerSilentException("serial request failed 3 tries: no reply");
            }
        }

        @Override
        public String describe() {
            return "silent " + inner.describe();
        }
    }

    @Test
    void aJournaledRequestTheSignerSilentlyRefusesIsAbandonedByTheNextPublish() throws Exception {
        Network net = new Network(dir, "a", "b");
        publish(net, "proj", "r1", Map.of("app", "1"));
        // A journal left by a publisher that died: its request (builder a after losing its state) is stale.
        FileTreesForTest.delete(dir.resolve("nodes/a/state"));
        List<Submission> stale = List.of(net.build("a", "lost", Map.of("app", "lost")), net.build("b", "lost",
                Map.of("app", "lost")));
        var decision = Quorum.decide(stale, net.trusted(), 2);
        for (Submission s : stale) {
            net.store.putObject(s.manifest());
        }
        PendingRelease pending = new PendingRelease("other", "main",
                HexFormat.of().formatHex(decision.agreeing().get(0).request().bytes()),
                Evidence.of("other", "main", decision, List.of()), null, null, 0, null);
        Path journal = net.store.root().resolve("pending/other/main.json");
        Files.createDirectories(journal.getParent());
        Files.write(journal, Json.MAPPER.writeValueAsBytes(pending));

        Publisher silent = new Publisher(net.store, new SilentSigner(net.signer()), net.log::add);
        List<Submission> round = List.of(net.build("a", "r2", Map.of("app", "2")), net.build("b", "r2",
                Map.of("app", "2")));
        Publisher.Result result = silent.publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty()));
        assertThat(result.block().counter()).isEqualTo(3);
        assertThat(journal).doesNotExist();
        assertThat(net.log).anyMatch(line -> line.startsWith("abandoning the interrupted release of other/main: stale "
                + "counter") && line.contains("--resume-after"));
        assertThat(verify(net, "proj")).isEqualTo(3);
    }

    @Test
    void aBlockSignedOutsideTheStoreIsNamedAndTheTailWaitsUntilItIsImported() throws Exception {
        Network net = new Network(dir, "a", "b");
        publish(net, "proj", "r1", Map.of("app", "1"));
        Submission outside = net.build("a", "outside", Map.of("app", "outside"));
        Block unseen = net.signer().sign(SignedRequest.decode(outside.request(), "outside"));
        assertThatThrownBy(() -> publish(net, "proj", "r3", Map.of("app", "3")))
                .isInstanceOf(ChainIncompleteException.class)
                .hasMessageContaining(unseen.signatureBase32())
                .hasMessageContaining("counters with no block in the store: 3")
                .hasMessageContaining("import-blocks");
        assertThat(verify(net, "proj")).isEqualTo(1);

        // The block comes in from the signer's own audit chain; the waiting release and the next are published.
        assertThat(BlockImport.into(net.store, List.of(dir.resolve("signer-state"))).imported()).isEqualTo(1);
        publish(net, "proj", "r4", Map.of("app", "4"));
        assertThat(verify(net, "proj")).isEqualTo(5);
        assertThat(net.log).anyMatch(line -> line.contains("finishing the interrupted release of proj/main"));
    }

    /** A signing node after a restart (a power cut, a kernel update): a new key born in memory, a fresh chain. */
    LocalSigner restartedSigner(SigningKey newKey) {
        return new LocalSigner(newKey, dir.resolve("restarted-signer-state"), null, Clock.systemUTC());
    }

    /** A serial signer given no --expect-key: its key is known only from its answers. */
    static BlockSigner keyKnownOnlyFromItsAnswers(BlockSigner signer) {
        return new BlockSigner() {
            @Override
            public Block sign(SignedRequest request) throws IOException {
                return signer.sign(request);
            }

            @Override
            public String describe() {
                return "serial signer without --expect-key";
            }
        };
    }

    /** Every block in the store signed by {@code key}. */
    static List<Block> blocksBy(Network net, PublicKey key) throws IOException {
        try (var files = Files.list(net.store.root().resolve("block"))) {
            List<Block> found = new java.util.ArrayList<>();
            for (Path file : files.toList()) {
                Block block = Block.decode(Files.readAllBytes(file), file.toString());
                if (block.publicKey().equals(key)) {
                    found.add(block);
                }
            }
            return found;
        }
    }

    /** Issue 11 finding 4: a restart's new key replaced the old key's chain with a new genesis and said nothing. */
    @Test
    void aRestartedSignerWithANewKeyIsRefusedAndDoesNotForkTheStore() throws Exception {
        Network net = new Network(dir, "a", "b");
        publish(net, "proj", "r1", Map.of("app", "1"));
        Block before = net.store.tail("proj", "main").orElseThrow();
        SigningKey newSeed = SigningKey.generate(Network.RANDOM);
        PublicKey newKey = newSeed.publicKey();
        LocalSigner restarted = restartedSigner(newSeed);
        List<Submission> round = List.of(net.build("a", "r2", Map.of("app", "2")), net.build("b", "r2",
                Map.of("app", "2")));
        assertThatThrownBy(() -> new Publisher(net.store, restarted, net.log::add).publish(new Publisher.Release("proj",
                "main", 2, net.trusted(), round, Optional.empty())))
                .isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("signer key changed: the signer now signs with " + newKey)
                .hasMessageContaining("nothing switches keys silently")
                .hasMessageContaining("buildchain root certify --root-key ROOT_KEY --signer " + newKey)
                .hasMessageContaining("buildchain root add --store " + net.store.root())
                .hasMessageNotContaining("\n");
        assertThat(net.store.tail("proj", "main")).contains(before);
        assertThat(blocksBy(net, newKey)).isEmpty();
        assertThat(verify(net, "proj")).isEqualTo(1);
        // The store's own signer goes on publishing.
        publish(net, "proj", "r3", Map.of("app", "3"));
        assertThat(net.store.tail("proj", "main").orElseThrow().publicKey()).isEqualTo(net.signerKey.publicKey());
        verify(net, "proj");
    }

    @Test
    void aRestartedSignerWhoseKeyIsKnownOnlyFromItsAnswerIsRefusedBeforeItsBlockIsStored() throws Exception {
        Network net = new Network(dir, "a", "b");
        publish(net, "proj", "r1", Map.of("app", "1"));
        Block before = net.store.tail("proj", "main").orElseThrow();
        List<Submission> round = List.of(net.build("a", "r2", Map.of("app", "2")), net.build("b", "r2",
                Map.of("app", "2")));
        LocalSigner restarted = restartedSigner(SigningKey.generate(Network.RANDOM));
        assertThatThrownBy(() -> new Publisher(net.store, keyKnownOnlyFromItsAnswers(restarted), net.log::add)
                .publish(new Publisher.Release("proj", "main", 2, net.trusted(), round, Optional.empty())))
                .isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("signer key changed: ")
                .hasMessageContaining("buildchain root certify");
        assertThat(net.store.tail("proj", "main")).contains(before);
        assertThat(Files.list(net.store.root().resolve("block")).count()).as("the two blocks of r1 only").isEqualTo(2);
        assertThat(verify(net, "proj")).isEqualTo(1);
    }

    @Test
    void anInterruptedLogCheckpointAnsweredByARestartedSignerIsRefusedBeforeItsBlockIsStored() throws Exception {
        Network net = new Network(dir, "a", "b");
        publish(net, "proj", "r1", Map.of("app", "1"));
        // A publisher died after journaling its checkpoint request; the signer restarted since.
        SignedRequest checkpointRequest = new BuilderChain(net.store.root().resolve("log-requests"))
                .request(LogWriter.requestKey(net.store, net.log::add), Digest.of(new byte[] {1}), 1700000000L);
        Files.write(net.store.root().resolve("log-requests").resolve("pending-request"), checkpointRequest.bytes());
        List<Submission> round = List.of(net.build("a", "r2", Map.of("app", "2")), net.build("b", "r2",
                Map.of("app", "2")));
        BlockSigner restarted = keyKnownOnlyFromItsAnswers(restartedSigner(SigningKey.generate(Network.RANDOM)));
        assertThatThrownBy(() -> new Publisher(net.store, restarted, net.log::add)
                .publish(new Publisher.Release("proj", "main", 2, net.trusted(), round, Optional.empty())))
                .isInstanceOf(VerificationException.class)
                .hasMessageStartingWith("signer key changed: ");
        assertThat(Files.list(net.store.root().resolve("block")).count()).as("the two blocks of r1 only").isEqualTo(2);
        assertThat(verify(net, "proj")).isEqualTo(1);
    }

    /** Deletes a builder's state directory, as an ephemeral CI runner loses it. */
    static final class FileTreesForTest {
        static void delete(Path path) throws IOException {
            io.buildchain.core.store.FileTrees.delete(path);
        }
    }
}
