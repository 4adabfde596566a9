package io.buildchain.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The steps refuse bad arguments when the Pipeline binds them, naming the argument. */
class StepArgumentsTest {
    @Test
    void manifestStep() {
        ManifestStep step = new ManifestStep(" dist ", "linux-a");
        assertThat(step.getDir()).isEqualTo("dist");
        assertThat(step.getId()).isEqualTo("linux-a");
        assertThat(step.getTime()).isNull();
        step.setTime(1700000000L);
        assertThat(step.getTime()).isEqualTo(1700000000L);
        assertThatThrownBy(() -> step.setTime(-1L)).hasMessageContaining("time -1");
        assertThatThrownBy(() -> new ManifestStep("/abs", "a")).hasMessageContaining("dir \"/abs\"");
        assertThatThrownBy(() -> new ManifestStep("../x", "a")).hasMessageContaining("inside the workspace");
        assertThatThrownBy(() -> new ManifestStep("dist", "a b")).hasMessageContaining("id \"a b\"");
        assertThat(new ManifestStep("dist", null).getId()).as("defaults to the agent's name at run time").isNull();
    }

    @Test
    void signStep() {
        assertThat(new SignStep(" linux-a ").getManifest()).isEqualTo("linux-a");
        assertThatThrownBy(() -> new SignStep(" ")).hasMessageContaining("manifest is required");
    }

    @Test
    void publishStep() {
        PublishStep step = new PublishStep("hello", "main");
        assertThat(step.getQuorum()).isNull();
        step.setQuorum(2);
        assertThat(step.getQuorum()).isEqualTo(2);
        assertThatThrownBy(() -> step.setQuorum(0)).hasMessageContaining("quorum 0");
        assertThatThrownBy(() -> step.setTrustedKeys("not-a-key linux-a"))
                .hasMessageContaining("trusted builder keys:1");
        step.setTrustedKeys("  ");
        assertThat(step.getTrustedKeys()).isNull();
        assertThatThrownBy(() -> new PublishStep("hello", "feature/x")).hasMessageContaining("branch \"feature/x\"");
        assertThatThrownBy(() -> new PublishStep(null, "main")).hasMessage("project is required");
    }
}
