package io.buildchain.core.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.testing.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordTest {
    @TempDir
    Path dir;

    @Test
    void recordsCheckedSubmissionsAndFindsThemByIdOrDigest() throws Exception {
        Network net = new Network(dir, "a", "b");
        RunRecord run = new RunRecord(dir.resolve("run/buildchain"));
        assertThat(run.isEmpty()).isTrue();
        for (Submission s : net.round("r1", List.of())) {
            Path files = run.reserve(s.source());
            Files.writeString(files.resolve("app.bin"), "copy");
            run.record(s.source(), "agent-" + s.source(), s.manifest(), s.request());
        }
        assertThat(run.entries()).extracting(RunRecord.Entry::id).containsExactly("a", "b");
        RunRecord.Entry a = run.find("a");
        assertThat(a.node()).isEqualTo("agent-a");
        assertThat(run.find(a.manifest().digest().toString()).id()).isEqualTo("a");
        assertThat(a.submission().source()).isEqualTo("a (agent-a)");
        assertThat(a.submission().artifacts()).contains(dir.resolve("run/buildchain/submissions/a/files"));
        assertThat(run.submissions()).hasSize(2);
        assertThatThrownBy(() -> run.find("c")).hasMessageContaining("no manifest \"c\"").hasMessageContaining("a, b");

        run.dropFiles();
        assertThat(dir.resolve("run/buildchain/submissions/a/files")).doesNotExist();
        assertThat(run.entries()).hasSize(2);
    }

    @Test
    void refusesADuplicateIdABadNameAndARequestForAnotherManifest() throws Exception {
        Network net = new Network(dir, "a", "b");
        List<Submission> round = net.round("r1", List.of("b"));
        RunRecord run = new RunRecord(dir.resolve("run"));
        run.reserve("x");
        assertThatThrownBy(() -> run.reserve("x")).hasMessageContaining("already recorded");
        assertThatThrownBy(() -> run.reserve("../x")).hasMessageContaining("id \"../x\"");
        assertThatThrownBy(() -> run.record("x", "n", round.get(0).manifest(), round.get(1).request()))
                .hasMessageContaining("x/request: signs manifest");
        run.abandon("x");
        assertThat(run.entries()).isEmpty();
        run.reserve("x");
        run.record("x", "n", round.get(0).manifest(), round.get(0).request());
        assertThatThrownBy(() -> run.reserve("x")).hasMessageContaining("already recorded");
        assertThatThrownBy(() -> run.record("y", "n", round.get(0).manifest(), round.get(0).request()))
                .hasMessageContaining("not reserved");
    }

    @Test
    void keepsBlocksAndReleases() throws Exception {
        Network net = new Network(dir, "a", "b");
        var result = net.publish("r1", 2);
        RunRecord run = new RunRecord(dir.resolve("run"));
        run.recordRelease("proj", "main", result.block());
        assertThat(run.releases()).containsExactly(new RunRecord.Release("proj", "main",
                result.block().signatureBase32()));
        assertThat(run.blocks()).extracting(b -> b.signatureBase32()).containsExactly(result.block().signatureBase32());
    }

    @Test
    void aBranchBelongsToTheFirstJobThatPublishesIt() throws Exception {
        ChainOwners owners = new ChainOwners(dir.resolve("jenkins/buildchain/owners"));
        assertThat(owners.publishAs("hello", "main", "folder/job one", () -> "block 1")).isEqualTo("block 1");
        owners.publishAs("hello", "main", "folder/job one", () -> "block 2");
        List<String> ran = new java.util.ArrayList<>();
        assertThatThrownBy(() -> owners.publishAs("hello", "main", "other", () -> ran.add("other")))
                .hasMessageContaining("\"folder/job one\"");
        assertThat(ran).as("refused before publishing").isEmpty();
        owners.publishAs("hello", "dev", "other", () -> null);
        assertThat(owners.owns("folder/job one", "hello", "main")).isTrue();
        assertThat(owners.owns("other", "hello", "main")).isFalse();
        assertThat(owners.owns("other", "hello", "dev")).isTrue();
        assertThat(owners.branches("other")).containsExactly(new String[] {"hello", "dev"});
        assertThatThrownBy(() -> owners.publishAs("a/b", "main", "j", () -> null)).hasMessageContaining("project \"a/b\"");
    }

    /** The run in the report: the first job's publish failed (quorum not met); the job that meets it later publishes. */
    @Test
    void aFailedPublishClaimsNothing() throws Exception {
        ChainOwners owners = new ChainOwners(dir.resolve("jenkins/buildchain/owners"));
        assertThatThrownBy(() -> owners.publishAs("hello3", "main", "hello-dissent", () -> {
            throw new io.buildchain.core.FormatException("quorum not met");
        })).hasMessage("quorum not met");
        assertThat(owners.branches("hello-dissent")).isEmpty();
        assertThat(owners.publishAs("hello3", "main", "hello-agree", () -> "published")).isEqualTo("published");
        assertThat(owners.owns("hello-agree", "hello3", "main")).isTrue();
        assertThatThrownBy(() -> owners.publishAs("hello3", "main", "hello-dissent", () -> "late"))
                .hasMessageContaining("hello3/main is published by the job \"hello-agree\"");
    }

    @Test
    void keepsEachBuildersBuildinfoAndRefusesAnotherBuildersOne() throws Exception {
        Network net = new Network(dir, "a", "b");
        List<Submission> round = net.round("r1", List.of());
        Submission a = net.withBuildInfo(round.get(0), "a", java.util.Map.of("jdk-version", "17.0.15", "host", "agent-a"));
        Submission b = net.withBuildInfo(round.get(1), "b", java.util.Map.of("jdk-version", "21.0.7", "host", "agent-b"));
        RunRecord run = new RunRecord(dir.resolve("run"));
        run.reserve("a");
        run.record("a", "agent-a", a.manifest(), a.request(), a.buildinfo());
        run.reserve("b");
        assertThatThrownBy(() -> run.record("b", "agent-b", b.manifest(), b.request(), a.buildinfo()))
                .isInstanceOf(io.buildchain.core.VerificationException.class).hasMessageContaining("buildinfo names builder");
        run.abandon("b");
        Submission recorded = run.entries().get(0).submission();
        assertThat(recorded.checkedBuildInfo().orElseThrow().environment()).containsEntry("host", "agent-a");
        assertThat(run.entries()).hasSize(1);
    }

    /**
     * buildchainPublish reads the run's in-toto attestations after the block is signed: a pair that does not read
     * (one file of two, as a controller stopped between the two writes leaves it; one over the bound) is left out
     * with a line, and never fails the step after the release is published.
     */
    @Test
    void anAttestationPairThatDoesNotReadIsLeftOutWithALine() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        RunRecord run = new RunRecord(dir.resolve("run"));
        for (Submission s : net.round("r1", List.of())) {
            run.reserve(s.source());
            run.recordAttestations(s.source(), new BuilderAttestations(("link " + s.source()).getBytes(),
                    ("provenance " + s.source()).getBytes()));
            run.record(s.source(), "agent-" + s.source(), s.manifest(), s.request());
        }
        Files.delete(dir.resolve("run/submissions/a/request.provenance.json"));
        try (var big = java.nio.channels.FileChannel.open(dir.resolve("run/submissions/b/request.link"),
                java.nio.file.StandardOpenOption.WRITE)) {
            big.write(java.nio.ByteBuffer.wrap(new byte[1]), BuilderAttestations.MAX_BYTES);
        }
        List<String> reported = new ArrayList<>();
        var read = run.attestations(reported::add);
        assertThat(read).containsOnlyKeys(ReleaseAttestations.requestKey(run.find("c").request().bytes()));
        assertThat(reported).hasSize(2).allMatch(line -> line.startsWith("in-toto: left out: "));
        assertThat(reported.get(0)).contains("submissions/a/request", "go together");
        assertThat(reported.get(1)).contains("submissions/b/request.link", "larger than");
    }

    /**
     * Only the manifest, request and buildinfo travel at manifest time; the output stays where it was built (its
     * path is recorded) and is checked against the manifest when it arrives after the vote.
     */
    @Test
    void theOutputStaysOnItsNodeUntilTheVoteAndIsCheckedWhenItArrives() throws Exception {
        Network net = new Network(dir, "a", "b");
        Submission a = net.round("r1", List.of()).get(0);
        RunRecord run = new RunRecord(dir.resolve("run"));
        run.reserve("a");
        Path output = a.artifacts().orElseThrow();
        run.recordSource("a", output.toString());
        RunRecord.Entry entry = run.record("a", "agent-a", a.manifest(), a.request());
        assertThat(run.sourceOf(entry)).contains(output.toString());
        try (var files = Files.walk(entry.files())) {
            assertThat(files.filter(Files::isRegularFile)).as("nothing copied at manifest time").isEmpty();
        }
        assertThatThrownBy(() -> RunRecord.checkArrived(entry)).hasMessageContaining("contains no files");

        io.buildchain.core.store.FileTrees.delete(entry.files());
        copyTree(output, entry.files());
        RunRecord.checkArrived(entry);
        Files.writeString(entry.files().resolve("app.bin"), "changed on the agent after hashing");
        Files.writeString(entry.files().resolve("extra"), "left by a later stage");
        assertThatThrownBy(() -> RunRecord.checkArrived(entry)).isInstanceOf(io.buildchain.core.VerificationException.class)
                .hasMessage("the output of a on agent-a no longer matches its manifest: app.bin, extra");
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /** The report: a manifest buildchainSign signed alone in the run was counted as a third, dissenting builder. */
    @Test
    void aRequestBuildchainSignSignedDoesNotVote() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        RunRecord run = new RunRecord(dir.resolve("run"));
        List<Submission> round = net.round("r1", List.of("c"));
        for (Submission s : round) {
            run.reserve(s.source());
            run.record(s.source(), "agent-" + s.source(), s.manifest(), s.request());
        }
        assertThat(run.votes()).extracting(e -> e.submission().source()).containsExactly("a (agent-a)", "b (agent-b)", "c (agent-c)");
        // buildchainSign signs c's request alone and records the block in the run.
        var signedAlone = net.signer().sign(io.buildchain.core.chain.SignedRequest.decode(round.get(2).request(), "c"));
        net.store.putObject(round.get(2).manifest());
        io.buildchain.core.root.KeyChangeGuard.admit(net.store, signedAlone);
        run.recordBlock(signedAlone);
        assertThat(run.votes()).extracting(e -> e.submission().source()).containsExactly("a (agent-a)", "b (agent-b)");
        assertThat(run.submissions()).hasSize(3);
        var result = net.publisher().publish(new io.buildchain.core.publish.Publisher.Release("proj", "main", 2,
                net.trusted("a", "b", "c"), run.votes().stream().map(RunRecord.Entry::submission).toList(),
                round.get(0).artifacts()));
        assertThat(result.decision().votes()).hasSize(2);
        assertThat(result.decision().agreeing()).hasSize(2);
    }

    /** What buildchainPublish does: the run's submissions, the settings' trusted keys text, the publisher. */
    @Test
    void theJenkinsPublishCountsTwoAgentsOfOneOperatorOnce() throws Exception {
        Network net = new Network(dir, "a1", "a2", "b");
        RunRecord run = new RunRecord(dir.resolve("run"));
        for (Submission s : net.round("r1", List.of("b"))) {
            Files.writeString(run.reserve(s.source()).resolve("app.bin"), "copy");
            run.record(s.source(), "agent-" + s.source(), s.manifest(), s.request());
        }
        String settings = "# trusted builder keys\n" + net.builders.get("a1").publicKey() + " a1 operator=alice\n"
                + net.builders.get("a2").publicKey() + " a2 operator=alice\n" + net.builders.get("b").publicKey() + " b\n";
        io.buildchain.core.crypto.KeyList trusted = SettingsCheck.parseTrustedKeys(settings);
        assertThatThrownBy(() -> net.publisher().publish(new io.buildchain.core.publish.Publisher.Release("proj", "main", 2,
                trusted, run.submissions(), java.util.Optional.empty())))
                .isInstanceOf(io.buildchain.core.publish.QuorumNotMetException.class)
                .hasMessageContaining("because their operator was already counted");
        assertThat(SettingsCheck.trustedKeys(settings).message()).isEqualTo("3 trusted builder key(s), run by 2 distinct "
                + "operator(s)");
    }
}
