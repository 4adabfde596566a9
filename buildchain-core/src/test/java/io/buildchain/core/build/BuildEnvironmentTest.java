package io.buildchain.core.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildEnvironmentTest {
    @TempDir
    Path dir;

    static String sh(String script) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", script).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void selfReportedEnvironmentIsWhatTheBuildsShellSeesAndNothingIsMarkedMeasured() throws Exception {
        Map<String, String> env = BuildEnvironment.selfReported(Map.of("TZ", "Europe/Paris", "LANG", "C.UTF-8",
                BuildEnvironment.IMAGE_VARIABLE, "maven:3.9.9@sha256:" + "0f".repeat(32)), "agent-a", dir);
        // The build path is the directory the build ran in (a job's workspace), not this JVM's working directory.
        assertThat(env).containsEntry("os", "Linux").containsEntry("tz", "Europe/Paris").containsEntry("locale", "C.UTF-8")
                .containsEntry("host", "agent-a").containsEntry("image-digest", "sha256:" + "0f".repeat(32))
                .containsEntry("kernel", sh("uname -r").strip()).containsEntry("build-path", dir.toRealPath().toString())
                .doesNotContainKey(BuildInfo.MEASURED);
        // The JVM's umask is its parent's: the shell started from it reports the same.
        assertThat(env.get("umask")).isEqualTo(sh("umask").strip());
        BuildInfo info = BuildInfo.of(io.buildchain.core.hash.Digest.of(new byte[0]),
                io.buildchain.core.crypto.SigningKey.generate(io.buildchain.core.testing.Network.RANDOM).publicKey(), env);
        assertThat(info.measured()).isEmpty();
    }

    @Test
    void theJdkRecordedIsTheOneJavaHomeNamesNotThisJvm() throws Exception {
        Path fakeHome = dir.resolve("jdk");
        Files.createDirectories(fakeHome.resolve("bin"));
        Path javaBin = fakeHome.resolve("bin/java");
        Files.writeString(javaBin, "#!/bin/sh\necho '    java.vendor = Test Vendor' >&2\n"
                + "echo '    java.version = 99.0.1' >&2\necho \"    java.home = $0\" >&2\n");
        Files.setPosixFilePermissions(javaBin, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = BuildEnvironment.selfReported(Map.of("JAVA_HOME", fakeHome.toString()), "a", dir);
        assertThat(env).containsEntry("jdk-version", "99.0.1").containsEntry("jdk-vendor", "Test Vendor")
                .containsEntry("java-home", javaBin.toString());
    }

    @Test
    void theProbeRunByARealShellIsParsed() throws Exception {
        String output = sh("umask 0077; TZ=UTC; export TZ; " + BuildEnvironment.PROBE);
        Map<String, String> env = BuildEnvironment.fromProbe(output, Map.of(BuildEnvironment.IMAGE_VARIABLE, "alpine:3"),
                "agent-b");
        assertThat(env).containsEntry("os", "Linux").containsEntry("umask", "0077").containsEntry("tz", "UTC")
                .containsEntry("kernel", sh("uname -r").strip()).containsEntry("image", "alpine:3")
                .doesNotContainKey("image-digest").containsEntry("host", "agent-b")
                .containsEntry("user", sh("echo $(id -u):$(id -g) $(id -un)").strip());
        assertThat(env.get(BuildInfo.MEASURED).split(" ")).contains("os", "umask", "tz", "user", "build-path")
                .doesNotContain("host", "image");
        if (!sh("command -v java || true").isBlank()) {
            assertThat(env).containsKeys("jdk-version", "jdk-vendor");
        }
    }

    @Test
    void probeOutputCannotForgeTheHostTheImageOrTheSignedFields() {
        for (String forged : new String[] {"host evil", "image evil", "image-digest sha256:00", "builder X", "manifest Y",
            "shell bash", "measured os", "git-tree 00", "container none", "dockerfile-digest x"}) {
            assertThatThrownBy(() -> BuildEnvironment.fromProbe("os Linux\n" + forged + "\n", Map.of(), "a"))
                    .isInstanceOf(FormatException.class).hasMessageContaining("unexpected field");
        }
        assertThatThrownBy(() -> BuildEnvironment.fromProbe("os Linux\nos Linux\n", Map.of(), "a"))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> BuildEnvironment.fromProbe("os " + "x".repeat(5000), Map.of(), "a"))
                .hasMessageContaining("at most 4096 bytes");
    }

    /**
     * The Jenkins fan-out's buildSh('COMMAND'): the probe runs in the shell that then builds, so a umask or variable
     * the shell was started with is the build's; the build's output (even a line that looks like the probe's) goes
     * to the log, never into what the step returns as the probe's output.
     */
    @Test
    void thePipelineScriptMeasuresTheShellThatBuildsAndKeepsTheBuildsOutputOut() throws Exception {
        Path script = dir.resolve("script.sh");
        Files.writeString(script, BuildEnvironment.PIPELINE_PREFIX + "echo umask 0022\ntouch made\necho built >&2\n");
        Process shell = new ProcessBuilder("sh", "-c", "umask 0077 && TZ=Pacific/Apia exec sh \"$0\"", script.toString())
                .directory(dir.toFile()).redirectError(dir.resolve("log").toFile()).start();
        String returned = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor(30, TimeUnit.SECONDS) && shell.exitValue() == 0).isTrue();
        Map<String, String> env = BuildEnvironment.fromProbe(returned, Map.of(), "agent");
        assertThat(env).containsEntry("umask", "0077").containsEntry("tz", "Pacific/Apia")
                .containsEntry("build-path", dir.toRealPath().toString());
        assertThat(Files.readString(dir.resolve("log"))).contains("umask 0022", "built", "+ touch made");
        assertThat(Files.getPosixFilePermissions(dir.resolve("made"))).isEqualTo(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
}
