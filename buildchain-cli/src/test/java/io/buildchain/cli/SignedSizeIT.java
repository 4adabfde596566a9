package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.hash.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, finding 5: a download reads no object past the size its signed release record gives, refuses one
 * that is longer or shorter with one line naming the file and both sizes, and leaves nothing behind, whatever
 * the server claims (no length, a lying Content-Length, a body cut short, a gzip bomb). Each run has its own
 * client cache ({@code XDG_CACHE_HOME}), and a cached copy is held to the same bound.
 */
class SignedSizeIT {
    static final String TOOL = "the real tool";
    static final byte[] FILLER = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);

    /** A chunked body without end (8 GiB, or until the client hangs up). */
    static final HostileStoreServer.Answer ENDLESS_CHUNKED = (out, real) -> {
        out.write(HostileStoreServer.head("200 OK", "Transfer-Encoding: chunked"));
        HostileStoreServer.chunked(out, FILLER, 8L << 30);
    };

    /** The right Content-Length and the first 5 bytes, then {@code stallMillis} of silence before hanging up. */
    static HostileStoreServer.Answer cutShort(long stallMillis) {
        return (out, real) -> {
            out.write(HostileStoreServer.head("200 OK", "Content-Length: " + real.length));
            out.write(real, 0, 5);
            out.flush();
            Thread.sleep(stallMillis);
        };
    }

    /** A Content-Length that claims the signed size and is followed by more (the JDK's client reads on past it). */
    static final HostileStoreServer.Answer LYING_LENGTH = (out, real) -> {
        out.write(HostileStoreServer.head("200 OK", "Content-Length: " + real.length, "Connection: keep-alive"));
        out.write(real);
        for (long sent = 0; sent < (8L << 30); sent += FILLER.length) {
            out.write(FILLER);
        }
    };

    @TempDir
    Path dir;

    TwoBuilders net;
    HostileStoreServer server;
    String toolObject;

    @BeforeEach
    void publishAndServe() throws Exception {
        net = new TwoBuilders(dir);
        net.publishRelease("tool", "r1", Map.of("bin/tool", TOOL, "README", "read me"));
        toolObject = objectOf(TOOL);
        server = new HostileStoreServer(dir.resolve("store"));
        Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    static String objectOf(String content) {
        return "object/" + Digest.of(content.getBytes(StandardCharsets.UTF_8)).base32();
    }

    /** A fresh cache and temporary directory for this test, so nothing is served from or left in the user's. */
    Map<String, String> env() {
        return Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString(),
                "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + dir.resolve("tmp"));
    }

    List<String> args(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "--allow-unbound-release", "--key", net.signerPub, "--url", server.url(),
                "-p", "tool", "-b", "main", "--no-last-seen", "--max-object-mib", "4"));
        args.addAll(List.of(extra));
        return args;
    }

    Cli.Result run(List<String> args) throws Exception {
        return Cli.run(dir, env(), args.toArray(String[]::new));
    }

    /** The one-line refusal of a run that must fail. */
    String refused(List<String> args) throws Exception {
        long start = System.nanoTime();
        Cli.Result result = run(args);
        assertThat(result.exit()).as(result.err()).isEqualTo(1);
        System.out.printf("SignedSizeIT: %s refused after %.1f s%n", args.get(0), (System.nanoTime() - start) / 1e9);
        return result.errLines().get(result.errLines().size() - 1);
    }

    String tooLong(String received) {
        return "buildchain download: file \"bin/tool\": expected " + TOOL.length() + " bytes (its signed size), "
                + "received " + received + " from " + server.url() + toolObject + "; stopped reading";
    }

    /** Nothing at all below {@code path}: no file, no staging file, no directory the download made. */
    static void assertEmpty(Path path) throws IOException {
        if (Files.exists(path)) {
            try (Stream<Path> left = Files.walk(path)) {
                assertThat(left.filter(p -> !p.equals(path)).toList()).as("left in %s", path).isEmpty();
            }
        }
    }

    /** The client cache holds no staging file and, for the refused object, no copy. */
    void assertNothingCachedFor(String object) throws IOException {
        assertEmpty(dir.resolve("cache/buildchain/tmp"));
        assertThat(dir.resolve("cache/buildchain").resolve(object)).doesNotExist();
    }

    /** {@code download --all} is refused with {@link #tooLong}, leaving nothing of bin/tool in out/ or the cache. */
    void assertAllRefusedAsLongerThanSigned(String received) throws Exception {
        assertThat(refused(args("download", "--all", "--out", "out"))).isEqualTo(tooLong(received));
        assertEmpty(dir.resolve("out/bin"));
        assertNothingCachedFor(toolObject);
    }

    @Test
    void anHonestServerDownloadsEveryFile() throws Exception {
        Cli.Result result = run(args("download", "--all", "--out", "out"));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(dir.resolve("out/bin/tool")).hasContent(TOOL);
        assertThat(dir.resolve("out/README")).hasContent("read me");
    }

    @Test
    void anEndlessChunkedBodyIsCutAtTheSignedSize() throws Exception {
        server.misbehave(toolObject, ENDLESS_CHUNKED);
        assertAllRefusedAsLongerThanSigned("more than 13");
    }

    @Test
    void anEndlessUnframedBodyIsCutAtTheSignedSizeForOneFile() throws Exception {
        server.misbehave(toolObject, (out, real) -> {
            out.write(HostileStoreServer.head("200 OK"));
            out.write(real);
            for (long sent = 0; sent < (8L << 30); sent += FILLER.length) {
                out.write(FILLER);
            }
        });
        assertThat(refused(args("download", "bin/tool", "--out", "out/tool"))).isEqualTo(tooLong("more than 13"));
        assertEmpty(dir.resolve("out"));
    }

    @Test
    void aShorterObjectIsRefusedAndNothingReachesStandardOutput() throws Exception {
        server.misbehave(toolObject, (out, real) -> {
            out.write(HostileStoreServer.head("200 OK", "Content-Length: 5"));
            out.write(real, 0, 5);
        });
        Cli.Result result = run(args("download", "bin/tool", "--out", "-"));
        assertThat(result.exit()).as(result.err()).isEqualTo(1);
        assertThat(result.errLines().get(result.errLines().size() - 1)).isEqualTo("buildchain download: file "
                + "\"bin/tool\": expected 13 bytes (its signed size), received 5 from " + server.url() + toolObject);
        assertThat(result.rawOut()).isEmpty();
        assertEmpty(dir.resolve("tmp"));
    }

    @Test
    void aBodyCutShortOfItsContentLengthIsRefused() throws Exception {
        server.misbehave(toolObject, cutShort(0));
        // The JDK's client ends such a body quietly where the server stopped: the count catches it.
        assertThat(refused(args("download", "--all", "--out", "out"))).isEqualTo("buildchain download: file "
                + "\"bin/tool\": expected 13 bytes (its signed size), received 5 from " + server.url() + toolObject);
        assertEmpty(dir.resolve("out/bin"));
    }

    @Test
    void aContentLengthOfTheSignedSizeFollowedByMoreIsRefused() throws Exception {
        server.misbehave(toolObject, LYING_LENGTH);
        assertAllRefusedAsLongerThanSigned("more than 13");
    }

    @Test
    void withoutASignedSizeAContentLengthFollowedByMoreIsRefusedAtItsLength() throws Exception {
        net.publish("plain", "r1", Map.of("bin/plain", TOOL + " without a record"));
        String plainObject = objectOf(TOOL + " without a record");
        server.misbehave(plainObject, LYING_LENGTH);
        List<String> args = args("download", "--all", "--out", "out");
        args.set(args.indexOf("tool"), "plain");
        assertThat(refused(args)).isEqualTo("buildchain download: GET " + server.url() + plainObject
                + ": larger than its Content-Length of 30 bytes; stopped reading");
        assertEmpty(dir.resolve("out"));
        assertNothingCachedFor(plainObject);
    }

    @Test
    void aContentLengthBeyondTheSignedSizeIsRefusedBeforeReading() throws Exception {
        server.misbehave(toolObject, (out, real) -> {
            out.write(HostileStoreServer.head("200 OK", "Content-Length: " + (real.length + 1)));
            out.write(real);
            out.write('!');
        });
        assertAllRefusedAsLongerThanSigned("Content-Length 14");
    }

    @Test
    void aGzipBombIsNotDecodedAndIsCutAtTheSignedSize() throws Exception {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
            for (int i = 0; i < 256; i++) {
                gzip.write(FILLER); // 16 MiB in about 16 KiB
            }
        }
        server.misbehave(toolObject, (out, real) -> {
            out.write(HostileStoreServer.head("200 OK", "Content-Encoding: gzip", "Transfer-Encoding: chunked"));
            HostileStoreServer.chunked(out, bomb.toByteArray(), bomb.size());
        });
        assertAllRefusedAsLongerThanSigned("more than 13");
    }

    @Test
    void anEarlierReleaseIsBoundByItsOwnSignedSize() throws Exception {
        net.publishRelease("tool", "r2", Map.of("bin/tool", "a much longer second tool", "README", "read me"));
        server.misbehave(toolObject, (out, real) -> {
            out.write(HostileStoreServer.head("200 OK"));
            out.write("a much longer second tool".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(refused(args("download", "--release", "r1", "--all", "--out", "out")))
                .isEqualTo(tooLong("more than 13"));
        assertEmpty(dir.resolve("out/bin"));
    }

    @Test
    void verifyIsBoundByTheSignedSizeToo() throws Exception {
        server.misbehave(toolObject, ENDLESS_CHUNKED);
        assertThat(refused(args("verify"))).isEqualTo(tooLong("more than 13").replace("download", "verify"));
    }

    @Test
    void aPoisonedCacheEntryIsHeldToTheSignedSize() throws Exception {
        assertThat(run(args("download", "--all", "--out", "first")).exit()).isZero();
        Path cached = dir.resolve("cache/buildchain").resolve(toolObject);
        assertThat(cached).hasContent(TOOL);
        Files.writeString(cached, TOOL + " and more");
        server.misbehave(toolObject, ENDLESS_CHUNKED);
        // Longer than the bound, the cached copy is not even read; the origin's endless body is cut as before.
        assertThat(refused(args("download", "--all", "--out", "out"))).isEqualTo(tooLong("more than 13"));
        assertEmpty(dir.resolve("out/bin"));
        assertEmpty(dir.resolve("cache/buildchain/tmp"));
    }

    @Test
    void anInterruptedDownloadLeavesNoStagingFile() throws Exception {
        server.misbehave(toolObject, cutShort(60_000));
        Process process = Cli.builder(dir, env(), args("download", "--all", "--out", "out").toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (regularFiles(dir.resolve("out/bin")).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(regularFiles(dir.resolve("out/bin"))).as("the staging file of bin/tool").hasSize(1);
            process.destroy(); // SIGTERM, as Ctrl-C or a CI timeout would
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(regularFiles(dir.resolve("out/bin"))).as("files left in out/bin").isEmpty();
    }

    static List<Path> regularFiles(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
