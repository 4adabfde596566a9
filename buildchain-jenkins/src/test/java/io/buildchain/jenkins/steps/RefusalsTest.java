package io.buildchain.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.root.TrustRefusal;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
