package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the operator's guide is run as written. Its "try it on one machine" block sets up a whole network with a
 * real {@code buildchain signer} on a socat pty pair, the root key ceremony, trusted keys with operators and the
 * signer's allow list with the log key, then publishes, verifies, downloads and audits; this test runs that block
 * with {@code buildchain} on PATH (the launcher, on the jar under test), so the guide cannot drift from the commands.
 */
class OperatorGuideIT {
    @TempDir
    Path dir;

    /** The first sh block after the heading of section 1 of docs/operator.md. */
    static String tryItBlock() throws Exception {
        String guide = Files.readString(RepositoryTest.ROOT.resolve("docs/operator.md"));
        int section = guide.indexOf("## 1. Try it on one machine");
        assertThat(section).as("docs/operator.md has its try-it section").isNotNegative();
        Matcher block = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(guide);
        assertThat(block.find(section)).isTrue();
        return block.group(1);
    }

    @Test
    void theTryItBlockRunsAsWrittenToAVerifiedRelease() throws Exception {
        String block = tryItBlock();
        assertThat(block).contains("socat pty,raw,echo=0,link=", "buildchain signer --port", "--allow signer-allow",
                "buildchain log-key --store store", "buildchain root certify", "operator=");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("buildchain"), Cli.LAUNCHER);
        Path work = Files.createDirectories(dir.resolve("try"));
        // The guide stops its background processes at its end; if it fails half-way, this stops them.
        Path script = dir.resolve("guide.sh");
        Files.writeString(script, "trap 'kill ${signer_pid:-} ${socat_pid:-} 2>/dev/null || true' EXIT\n" + block);
        ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("guide.log").toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("BUILDCHAIN_JAR", Cli.JAR.toAbsolutePath().toString());
        builder.environment().put("JAVA", Cli.JAVA);
        builder.environment().put("BUILDCHAIN_CDS", "off");
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        builder.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        Process guide = builder.start();
        boolean finished = guide.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            guide.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String log = Files.readString(dir.resolve("guide.log"), StandardCharsets.UTF_8);
        assertThat(finished).as("the guide finished in 300 s:%n%s", log).isTrue();
        assertThat(guide.exitValue()).as("the guide's block, as written, failed:%n%s%nsigner log:%n%s", log,
                Files.exists(work.resolve("signer.log")) ? Files.readString(work.resolve("signer.log")) : "").isZero();
        assertThat(log).contains("published hello/main: block 2 ", "verified hello/main: block",
                "3 of your 3 trusted operators signed this manifest", "key #1 of 1: audited the log of signer");
        assertThat(work.resolve("hello.txt")).hasContent("hello, world\n");
        assertThat(Files.readString(work.resolve("signer.pub")).trim()).hasSize(52);
    }
}
