package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build nodes without Jenkins: they submit over HTTP to one publisher, which publishes once the quorum is met. */
class RemoteSubmissionIT {
    @TempDir
    Path dir;

    Cli.Result ok(String... args) throws Exception {
        return Cli.ok(dir, args);
    }

    /** A raw POST, as any HTTP client could send it: "STATUS body". */
    static String post(String url, byte[] body) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    static void sparse(Path file, long bytes) throws Exception {
        try (var out = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap(new byte[1]), bytes - 1);
        }
    }

    /**
     * A server may answer before the body is in (serve refuses an upload too large for it at once) and then read
     * no more: submit reads that answer and stops sending, instead of pushing the rest into a connection nobody
     * reads, or reporting the connection cut instead of the answer.
     */
    @Test
    void submitHearsAnAnswerSentBeforeItsBodyWasIn() throws Exception {
        ok("keygen", "--out", "a.key");
        Files.createDirectories(dir.resolve("a/dist"));
        sparse(dir.resolve("a/dist/big"), 48L << 20);
        ok("manifest", "--time", "1700000000", "--out", "a/manifest.json", "a/dist");
        ok("request", "--key", "a.key", "--state", "a/state", "--out", "a/req.bin", "a/manifest.json");
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                try (java.net.Socket socket = server.accept()) {
                    java.io.InputStream in = socket.getInputStream();
                    for (int last = 0, b; last != 0x0d0a0d0a && (b = in.read()) >= 0; ) {
                        last = (last << 8) | b;
                    }
                    socket.getOutputStream().write(("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 9\r\n\r\n"
                            + "too large").getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(60_000);
                } catch (Exception e) {
                    // the test is over
                }
            });
            answering.setDaemon(true);
            answering.start();
            Process submit = Cli.builder(dir, Map.of(), "submit", "--url", "http://127.0.0.1:" + server.getLocalPort()
                    + "/", "-p", "tool", "-b", "main", "--manifest", "a/manifest.json", "--request", "a/req.bin",
                    "--artifacts", "a/dist").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(dir.resolve("submit.err").toFile()).start();
            boolean ended = submit.waitFor(30, TimeUnit.SECONDS);
            submit.destroyForcibly();
            assertThat(ended).as("submit ended within 30 s").isTrue();
            assertThat(submit.exitValue()).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("submit.err"))).contains("refused the submission (HTTP 413): too large");
        }
    }

    @Test
    void buildersSubmitThePublisherPublishesUsersVerify() throws Exception {
        StringBuilder trusted = new StringBuilder();
        for (String node : new String[] {"a", "b", "c", "untrusted"}) {
            String pub = ok("keygen", "--out", node + ".key").out().trim();
            if (!node.equals("untrusted")) {
                trusted.append(pub).append(' ').append(node).append('\n');
            }
            Files.createDirectories(dir.resolve(node + "/dist/bin"));
            Files.writeString(dir.resolve(node + "/dist/bin/tool"), node.equals("c") ? "different" : "reproducible");
            ok("manifest", "--time", "1700000000", "--out", node + "/manifest.json", node + "/dist");
            ok("request", "--key", node + ".key", "--state", node + "/state", "--out", node + "/req.bin",
                    node + "/manifest.json");
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        ok("keygen", "--out", "signer.key", "--pub-out", "signer.pub");

        Process server = Cli.builder(dir, Map.of(), "serve", "--store", "store", "--bind", "127.0.0.1:0",
                "--accept-submissions", "--trust", "trusted", "--max-upload-mib", "1")
                .redirectError(dir.resolve("serve.log").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
            assertThat(m.find()).as("serve printed its address: %s", line).isTrue();
            String url = m.group(1);

            for (String node : new String[] {"a", "b", "c"}) {
                assertThat(ok("submit", "--url", url, "-p", "tool", "-b", "main", "--manifest", node + "/manifest.json",
                        "--request", node + "/req.bin", "--artifacts", node + "/dist").out()).contains("accepted 1 file(s)", "until the publisher runs 'buildchain publish --from-submissions'");
            }
            Cli.Result refused = Cli.run(dir, "submit", "--url", url, "-p", "tool", "-b", "main", "--manifest",
                    "untrusted/manifest.json", "--request", "untrusted/req.bin", "--artifacts", "untrusted/dist");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.errLines()).last().asString().contains("HTTP 403", "is not trusted here");

            // What 'submit' refuses to send, sent anyway: the server must refuse it too, and keep nothing.
            byte[] request = Files.readAllBytes(dir.resolve("a/req.bin"));
            request[3] ^= 1;
            byte[] manifestBytes = Files.readAllBytes(dir.resolve("a/manifest.json"));
            java.io.ByteArrayOutputStream badPackage = new java.io.ByteArrayOutputStream();
            io.buildchain.core.submit.SubmissionPackage.write(badPackage, manifestBytes,
                    io.buildchain.core.manifest.Manifest.parse(manifestBytes, "m"), request, dir.resolve("a/dist"));
            assertThat(post(url + "submit/tool/main", badPackage.toByteArray()))
                    .startsWith("400 ").contains("signature does not verify");
            byte[] whole = badPackage.toByteArray();
            assertThat(post(url + "submit/tool/main", java.util.Arrays.copyOf(whole, 700))).startsWith("400 ");
            assertThat(post(url + "submit/../../etc", whole)).startsWith("4");
            assertThat(post(url + "submit/tool/main/extra", whole)).startsWith("404 ");
            try (var left = Files.list(dir.resolve("store/submissions/tmp"))) {
                assertThat(left.toList()).as("nothing half-written").isEmpty();
            }

            // 48 MiB against a limit of 1: serve answers 413 from the Content-Length and closes while the client is
            // still sending, whatever the socket buffers hold.
            sparse(dir.resolve("a/dist/bin/big"), 48L << 20);
            ok("manifest", "--time", "1700000000", "--out", "a/big.json", "a/dist");
            ok("request", "--key", "a.key", "--state", "a/state", "--out", "a/big.bin", "a/big.json");
            Cli.Result tooBig = Cli.run(dir, "submit", "--url", url, "-p", "tool", "-b", "main", "--manifest",
                    "a/big.json", "--request", "a/big.bin", "--artifacts", "a/dist");
            assertThat(tooBig.exit()).isEqualTo(1);
            // The client reads the answer that came before the body was sent.
            assertThat(tooBig.errLines()).last().asString().contains("HTTP 413",
                    "is larger than the " + (1 << 20) + " allowed");

            Cli.Result published = ok("publish", "--store", "store", "-p", "tool", "-b", "main", "--quorum", "2",
                    "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state",
                    "--from-submissions");
            assertThat(published.err()).contains("quorum met: 2 distinct trusted", "dissent");
            assertThat(published.out()).contains("published tool/main: block 1");
            assertThat(dir.resolve("store/submissions/tool")).doesNotExist();

            ok("verify", "--allow-unbound-release", "--key", "signer.pub", "--url", url, "-p", "tool", "-b", "main", "--no-last-seen", "--quorum", "2",
                    "--trust", "trusted");
            ok("download", "--allow-unbound-release", "--key", "signer.pub", "--url", url, "-p", "tool", "-b", "main", "--no-last-seen", "bin/tool",
                    "--out", "got");
            assertThat(dir.resolve("got")).hasContent("reproducible");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
