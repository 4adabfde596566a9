package io.buildchain.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.build.BuildNode;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected refusals end a step with one line (AbortException: no stack trace in the build log). */
class RefusalsTest {
    @Test
    void aQuorumThatCanNeverBeMetIsOneLine() {
        assertThatThrownBy(() -> Refusals.oneLine("buildchainPublish", () -> {
            throw new FormatException("quorum 2 can never be met: only 1 builder key is trusted");
        })).isExactlyInstanceOf(AbortException.class).hasNoCause()
                .hasMessage("buildchainPublish: quorum 2 can never be met: only 1 builder key is trusted");
    }

    @Test
    void aBranchOwnedByAnotherJobIsOneLine() {
        assertThatThrownBy(() -> Refusals.oneLine("buildchainPublish", () -> {
            throw new FormatException("hello/main is published by the job \"other\"");
        })).isExactlyInstanceOf(AbortException.class).hasNoCause()
                .hasMessage("buildchainPublish: hello/main is published by the job \"other\"");
    }

    @Test
    void aRefusalFromTheAgentIsOneLine() {
        assertThatThrownBy(() -> Refusals.oneLine("buildchainManifest", () -> {
            throw new VerificationException("the signer's key is not the pinned key");
        })).isExactlyInstanceOf(AbortException.class).hasNoCause();
    }

    /** The report: the explanation came as log lines, then again inside the final ERROR. */
    @Test
    void aQuorumNotMetIsExplainedOnceAboveItsOneLineError() {
        String summary = "quorum not met: 1 of 2 required trusted builders agree on one manifest";
        String report = summary + "\n  agreeing        linux-a  manifest ABCDEFGHIJKLMNOP…\n"
                + "  dissenting      linux-b  manifest QRSTUVWXYZ234567…\n";
        List<String> divergence = List.of("linux-b differs from linux-a:", "  1 entry or file differs: app.jar");
        List<String> log = PublishStep.Execution.explanation(report, summary, divergence);
        assertThat(log).containsExactly("  agreeing        linux-a  manifest ABCDEFGHIJKLMNOP…",
                "  dissenting      linux-b  manifest QRSTUVWXYZ234567…", "linux-b differs from linux-a:",
                "  1 entry or file differs: app.jar");
        assertThat(String.join("\n", log)).doesNotContain(summary);
    }

    /** The report: inside Jenkins the refusal advised 'buildchain root add --store /.../home/buildchain/store'. */
    @Test
    void aSignerKeyChangeAdvisesTheSettingsPageNotACommandAgainstJenkinsHome() {
        assertThatThrownBy(() -> Refusals.oneLine("buildchainPublish", () -> {
            throw new TrustRefusal(TrustRefusal.Cause.KEY_CHANGE, "the signer now signs with NEW, but this store's "
                    + "certified signer is OLD; nothing switches keys silently.", List.of(
                            "buildchain root certify --root-key ROOT_KEY --signer NEW --store /j/buildchain/store --out NEW.cert",
                            "buildchain root add --store /j/buildchain/store NEW.cert"));
        })).isExactlyInstanceOf(AbortException.class).hasMessage("buildchainPublish: signer key changed: the signer now "
                + "signs with NEW, but this store's certified signer is OLD; nothing switches keys silently. Certify the "
                + "signer key on the offline root machine (Manage Jenkins > System > Build chain shows the command), "
                + "then paste the certificate there under \"Add a certificate or revocation\".")
                .message().doesNotContain("root add", "--store");
    }

    @Test
    void theManifestLineCountsTheUsersFilesApartFromTheReleaseRecord() {
        assertThat(ManifestStep.manifestLine("linux-a", "linux-a", 2, "dist", "MANIFEST", "hello/main")).isEqualTo(
                "buildchain: linux-a on linux-a: 1 file in dist and the release record .buildchain/release.json for "
                        + "hello/main, manifest MANIFEST");
        assertThat(ManifestStep.manifestLine("a", "n", 2, "dist", "M", null)).isEqualTo("buildchain: a on n: 2 files in "
                + "dist, manifest M");
    }

    @Test
    void somethingUnexpectedKeepsItsStackTrace() throws Exception {
        IOException broken = new IOException("disk full");
        assertThatThrownBy(() -> Refusals.oneLine("buildchainSign", () -> {
            throw broken;
        })).isSameAs(broken);
        assertThat(Refusals.oneLine("buildchainSign", () -> "ok")).isEqualTo("ok");
    }

    @Test
    void theBuilderKeyIsPrintedEveryTimeWithWhetherItIsNewAndTrusted() {
        assertThat(ManifestStep.builderKeyLine("linux-a", "KEY", true, "/agent/buildchain", null))
                .isEqualTo("buildchain: builder key of linux-a: KEY (created now under /agent/buildchain), not "
                        + "trusted yet: an administrator can trust it on the agent's Build chain page or in Manage "
                        + "Jenkins > System > Build chain");
        assertThat(ManifestStep.builderKeyLine("linux-a", "KEY", false, "/agent/buildchain", "linux-a"))
                .isEqualTo("buildchain: builder key of linux-a: KEY (kept under /agent/buildchain), trusted as "
                        + "\"linux-a\"");
        assertThat(ManifestStep.builderKeyLine("linux-a", "KEY", true, "/h", "x")).contains("created now", "trusted as");
        assertThat(ManifestStep.builderKeyLine("linux-a", "KEY", false, "/h", null)).contains("kept under",
                "not trusted yet");
    }

    /**
     * A real Jenkins advised 'buildchain import-blocks --store .../jenkins-home/buildchain/store' for a chain gap: in
     * Jenkins the missing blocks are pasted on the settings page, and the next publish then finishes the release.
     */
    @Test
    void aChainGapAdvisesTheImportBlocksFormWhichFillsIt(@TempDir Path dir) throws Exception {
        Store store = Store.open(dir.resolve("store"));
        LocalSigner node = new LocalSigner(SigningKey.generate(new java.security.SecureRandom()),
                dir.resolve("signer-state"), null, Clock.systemUTC());
        List<Submission> round = new ArrayList<>();
        Map<PublicKey, String> labels = new LinkedHashMap<>();
        for (String builder : List.of("a1", "a2", "a3")) {
            Path dist = Files.createDirectories(dir.resolve(builder).resolve("dist"));
            Files.writeString(dist.resolve("hello"), "hello");
            BuildNode.Output output = new BuildNode(dir.resolve(builder).resolve("home")).build(dist, 1L, 2L, Map.of());
            round.add(new Submission(builder, output.manifest(), output.request(), Optional.of(dist)));
            labels.put(SignedRequest.decode(output.request(), "request").publicKey(), builder);
        }
        // a3's request was signed, and its block never reached the controller's store
        Block lost = node.sign(SignedRequest.decode(round.remove(2).request(), "a3"));
        Publisher publisher = new Publisher(store, node, line -> { }, Refusals.REMEDIES);
        Publisher.Release release = new Publisher.Release("proj", "main", 2, KeyList.of(labels), round,
                Optional.empty());
        assertThatThrownBy(() -> Refusals.oneLine("buildchainPublish", () -> publisher.publish(release)))
                .isExactlyInstanceOf(AbortException.class).message()
                .contains("is signed but not published: chain broken", "(signer counters with no block in the store: 1)",
                        "paste the missing block files, base64, one per line, under Manage Jenkins > System > Build "
                                + "chain > \"Import blocks\"")
                .doesNotContain("buildchain import-blocks", "buildchain sign", "--store");

        BlockImport.Counts counts = BlockImport.pasted(store, "\n" + Base64.getEncoder().encodeToString(lost.bytes())
                + "\r\n");
        assertThat(counts.imported()).isOne();
        assertThat(publisher.publish(release).block().counter()).isEqualTo(2);
        assertThatThrownBy(() -> BlockImport.pasted(store, "AAAA")).hasMessage("pasted block 1: a block is 400 bytes, "
                + "this one has 3");
        assertThatThrownBy(() -> BlockImport.pasted(store, " ")).hasMessageStartingWith("no block given");
    }

    /** The replayed-request and stale-counter advice named 'buildchain request --resume-after' inside Jenkins. */
    @Test
    void theStaleCounterAdviceIsTheJobRunAgain() {
        assertThat(Refusals.REMEDIES.resumeAfter(7)).isEqualTo("run the job again: buildchainManifest numbers each "
                + "agent's next request above the newest one this controller counted of its key (7)")
                .doesNotContain("buildchain request", "--resume-after");
        assertThat(Refusals.REMEDIES.allowRequestKey(SigningKey.generate(new java.security.SecureRandom())
                .publicKey(), Path.of("/j/buildchain/store"))).doesNotContain("log-key", "--store");
    }
}
