package io.buildchain.core.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.testing.Network;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void outputDirMustStayInsideTheWorkspace() {
        assertThat(StepArguments.outputDir(" dist ")).isEqualTo("dist");
        assertThat(StepArguments.outputDir("build\\out")).isEqualTo("build/out");
        assertThatThrownBy(() -> StepArguments.outputDir("")).hasMessageContaining("dir: the build's output directory");
        assertThatThrownBy(() -> StepArguments.outputDir("/tmp/x")).hasMessageContaining("not an absolute");
        assertThatThrownBy(() -> StepArguments.outputDir("C:\\x")).hasMessageContaining("not an absolute");
        assertThatThrownBy(() -> StepArguments.outputDir("a/../../x")).hasMessageContaining("no '..'");
    }

    @Test
    void namesQuorumAndTime() {
        assertThat(StepArguments.name("linux-a", "id")).isEqualTo("linux-a");
        assertThatThrownBy(() -> StepArguments.name(null, "project")).hasMessage("project is required");
        assertThatThrownBy(() -> StepArguments.name("feature/x", "branch")).hasMessageContaining("branch \"feature/x\"");
        assertThat(StepArguments.quorum(2)).isEqualTo(2);
        assertThatThrownBy(() -> StepArguments.quorum(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> StepArguments.time(-5)).hasMessageContaining("Unix seconds");
    }

    @Test
    void theControllerRemembersTheLastKeyEachNodeUsed() throws Exception {
        SeenBuilders seen = new SeenBuilders(dir.resolve("buildchain/builders"));
        var a = SigningKey.generate(Network.RANDOM).publicKey();
        var b = SigningKey.generate(Network.RANDOM).publicKey();
        assertThat(seen.keyOf("linux a")).isEmpty();
        seen.record("linux a", a);
        seen.record("built-in", b);
        seen.record("linux a", b);
        assertThat(seen.keyOf("linux a")).contains(b);
        assertThat(seen.keyOf("built-in")).contains(b);
    }
}
