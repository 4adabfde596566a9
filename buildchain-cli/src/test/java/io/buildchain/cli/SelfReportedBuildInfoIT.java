package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.build.BuildInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code request --buildinfo} as a user runs it after building by hand: started from a shell with umask 077 and a
 * JAVA_HOME naming JDK 25 while buildchain itself runs on the test's JDK 17. It recorded "umask 0066" and the JVM
 * running buildchain; now the umask the kernel holds and the JDK the build's environment names, every field
 * self-reported.
 */
class SelfReportedBuildInfoIT {
    @TempDir
    Path dir;

    @Test
    void aShellWithUmask077AndAnotherJdkIsRecordedAsItIs() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ContainerImages.JDK25.resolve("bin/java")), "no JDK 25 to name");
        Cli.ok(dir, "keygen", "--out", "node.key");
        Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dir.resolve("dist/tool"), "tool");
        Cli.ok(dir, "manifest", "--time", "1700000000", "--out", "manifest.json", "dist");
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 077; exec \"$@\"", "sh", Cli.JAVA, "-jar",
                Cli.JAR.toAbsolutePath().toString(), "request", "--key", "node.key", "--state", "state", "--out", "req",
                "--buildinfo", "manifest.json"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", ContainerImages.JDK25.toString());
        Cli.Result result = Cli.run(builder, "request");
        assertThat(result.exit()).as(result.err()).isZero();
        BuildInfo info = BuildInfo.parse(Files.readAllBytes(dir.resolve("req.buildinfo")), "req.buildinfo");
        Map<String, String> env = info.environment();
        assertThat(env).containsEntry("umask", "0077").containsEntry("java-home", ContainerImages.JDK25.toString())
                .containsEntry("build-path", dir.toRealPath().toString());
        assertThat(env.get("jdk-version")).startsWith("25").isNotEqualTo(System.getProperty("java.version"));
        assertThat(info.measured()).isEmpty();
    }
}
