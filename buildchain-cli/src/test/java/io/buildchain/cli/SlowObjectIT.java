package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients bound every read: a loopback server serves a real published store, except one file object, which
 * it sends without end, a byte every few seconds, not at all, or with a huge Content-Length.
 */
class SlowObjectIT {
    @TempDir
    Path dir;

    TwoBuilders net;
    HttpServer server;
    volatile String mode;
    String objectPath;

    @BeforeEach
    void publishAndServe() throws Exception {
        net = new TwoBuilders(dir);
        net.publish("tool", "r1", Map.of("bin/tool", "the real tool"));
        Path store = dir.resolve("store");
        try (Stream<Path> objects = Files.list(store.resolve("object"))) {
            Path link = store.resolve("artifacts/bin/tool");
            objectPath = "object/" + link.toRealPath().getFileName();
            assertThat(objects.count()).isPositive();
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> answer(exchange, store));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    void answer(HttpExchange exchange, Path store) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(1);
        try (exchange) {
            if (path.equals(objectPath) && mode != null) {
                misbehave(exchange);
                return;
            }
            Path file = store.resolve(path);
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException | InterruptedException e) {
            // The client hung up on us: that is what these tests want.
        }
    }

    void misbehave(HttpExchange exchange) throws IOException, InterruptedException {
        switch (mode) {
            case "endless" -> {
                exchange.sendResponseHeaders(200, 0); // chunked, no length
                byte[] chunk = new byte[64 * 1024];
                OutputStream out = exchange.getResponseBody();
                for (long sent = 0; sent < (8L << 30); sent += chunk.length) {
                    out.write(chunk);
                }
            }
            case "trickle" -> {
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < 100; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(5000);
                }
            }
            case "huge-length" -> exchange.sendResponseHeaders(200, 1L << 40);
            case "no-headers" -> Thread.sleep(120_000);
            default -> throw new IllegalStateException(mode);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** A refused run and how long it took to give up. */
    record Refusal(String lastLine, double seconds) {
    }

    Refusal refused(String... args) throws Exception {
        long start = System.nanoTime();
        Cli.Result result = Cli.run(dir, args);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(result.exit()).as(result.err()).isEqualTo(1);
        return new Refusal(result.errLines().get(result.errLines().size() - 1), seconds);
    }

    String[] downloadArgs(String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("download", "--allow-unbound-release", "--key", net.signerPub,
                "--url", url(), "-p", "tool", "-b", "main", "--no-last-seen", "--all", "--out", "out"));
        args.addAll(java.util.List.of(extra));
        return args.toArray(String[]::new);
    }

    Cli.Result download(String... extra) throws Exception {
        return Cli.run(dir, downloadArgs(extra));
    }

    void assertNothingLeftIn(Path out) throws IOException {
        if (Files.exists(out)) {
            try (Stream<Path> left = Files.walk(out)) {
                assertThat(left.filter(p -> !p.equals(out)).toList()).as("left in %s", out).isEmpty();
            }
        }
    }

    @Test
    void theServerWorksWhenItBehaves() throws Exception {
        Cli.Result result = download();
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(dir.resolve("out/bin/tool")).hasContent("the real tool");
    }

    @Test
    void anEndlessObjectIsCutAtTheSizeLimitAndLeavesNothingBehind() throws Exception {
        mode = "endless";
        Refusal refusal = refused(downloadArgs("--max-object-mib", "4"));
        assertThat(refusal.lastLine()).startsWith("buildchain download: GET " + url() + objectPath)
                .contains("larger than the 4194304 bytes expected");
        assertNothingLeftIn(dir.resolve("out"));
        System.out.printf("SlowObjectIT: endless object refused after %.1f s at a 4 MiB limit%n", refusal.seconds());
    }

    @Test
    void aTrickledObjectIsAbandonedWithinAWindowAndLeavesNothingBehind() throws Exception {
        mode = "trickle";
        Refusal refusal = refused(downloadArgs());
        assertThat(refusal.lastLine()).contains(objectPath, "transfer abandoned", "below the minimum of 1024 bytes/s");
        assertThat(refusal.seconds()).isLessThan(40);
        assertNothingLeftIn(dir.resolve("out"));
        System.out.printf("SlowObjectIT: object trickled at 1 byte / 5 s given up after %.1f s%n", refusal.seconds());
    }

    @Test
    void verifyAlsoGivesUpOnATrickledObject() throws Exception {
        mode = "trickle";
        Refusal refusal = refused("verify", "--allow-unbound-release", "--key", net.signerPub, "--url", url(), "-p", "tool", "-b", "main",
                "--no-last-seen");
        assertThat(refusal.lastLine()).contains("transfer abandoned");
        assertThat(refusal.seconds()).isLessThan(40);
        System.out.printf("SlowObjectIT: verify gave up on the trickled object after %.1f s%n", refusal.seconds());
    }

    @Test
    void aContentLengthBeyondTheLimitIsRefusedBeforeReading() throws Exception {
        mode = "huge-length";
        assertThat(refused(downloadArgs()).lastLine()).contains("Content-Length 1099511627776 is larger than the "
                + (1L << 30) + " bytes expected");
        assertNothingLeftIn(dir.resolve("out"));
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpOnAfterTheIdleLimit() throws Exception {
        mode = "no-headers";
        Refusal refusal = refused(downloadArgs());
        assertThat(refusal.lastLine()).contains(objectPath, "no response within 20 s");
        assertThat(refusal.seconds()).isLessThan(45);
        assertNothingLeftIn(dir.resolve("out"));
        System.out.printf("SlowObjectIT: silent server given up after %.1f s%n", refusal.seconds());
    }
}
