package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload client against raw servers that answer before the body is in, or not at all. */
class UploadClientTest {
    @TempDir
    Path dir;

    Path body(long bytes) throws IOException {
        Path file = dir.resolve("body");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(new byte[1]), bytes - 1);
        }
        return file;
    }

    static CompletableFuture<String> serveOnce(ServerSocket server, String answer) {
        return serveOnce(server, answer, 0);
    }

    static CompletableFuture<String> serveOnce(ServerSocket server, String answer, long holdMillis) {
        return serveOnce(server, answer, holdMillis, 0);
    }

    /**
     * Accepts one connection, reads the request head (and, given {@code bodyFirst}, says 100 Continue and reads that
     * many bytes of the body), writes {@code answer} and reads nothing more, closing after {@code holdMillis};
     * returns the head.
     */
    static CompletableFuture<String> serveOnce(ServerSocket server, String answer, long holdMillis, int bodyFirst) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                if (bodyFirst > 0) {
                    socket.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    in.readNBytes(bodyFirst);
                }
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                Thread.sleep(holdMillis);
                return head.toString(StandardCharsets.ISO_8859_1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void anAnswerSentBeforeTheBodyIsInAndTheConnectionClosedIsRead() throws Exception {
        // The server answers 413 from the head and closes with 64 MiB unread: the client's writes break (a reset).
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> head = serveOnce(server, "HTTP/1.1 413 Payload Too Large\r\nContent-Type: "
                    + "text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\ntoo large.\r\n");
            UploadClient.Answer answer = UploadClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort()
                    + "/submit/p/main"), "application/x-tar", body(64L << 20));
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.body()).isEqualTo("too large.\r\n");
            assertThat(head.get(10, TimeUnit.SECONDS)).startsWith("POST /submit/p/main HTTP/1.1\r\n")
                    .contains("Content-Length: " + (64L << 20) + "\r\n", "Host: 127.0.0.1:" + server.getLocalPort(),
                            "Expect: 100-continue\r\n");
        }
    }

    @Test
    void anAnswerInTheMiddleOfTheBodyEndsTheUploadWhenTheServerStopsReadingAndKeepsTheConnection() throws Exception {
        // 100 Continue, 1 MiB of the body read, then the answer; the server reads no more and keeps the connection.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 3\r\n\r\nno\n", 60_000, 1 << 20);
            long start = System.nanoTime();
            UploadClient.Answer answer = UploadClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort()
                    + "/submit/p/main"), "application/x-tar", body(64L << 20));
            assertThat(answer).isEqualTo(new UploadClient.Answer(413, "no\n"));
            assertThat(System.nanoTime() - start).as("ns until the client stopped sending")
                    .isLessThan(TimeUnit.SECONDS.toNanos(20));
        }
    }

    @Test
    void aChunkedAnswerIsDecoded() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\nacce\r\n5;x=y\r\npted.\r\n0\r\n\r\n");
            UploadClient.Answer answer = UploadClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort()
                    + "/submit/p/main"), "application/x-tar", body(10));
            assertThat(answer).isEqualTo(new UploadClient.Answer(201, "accepted."));
        }
    }

    @Test
    void aServerThatClosesWithoutAnAnswerIsNamed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "");
            assertThatThrownBy(() -> UploadClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/s"),
                    "application/x-tar", body(64L << 20)))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("POST http://127.0.0.1:" + server.getLocalPort() + "/s: ")
                    .hasMessageContaining("no response (after ").hasMessageEndingWith("bytes of the body): the server closed the connection")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aServerThatStopsTakingTheBodyAndSaysNothingIsGivenUpOn() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "", 60_000, 1 << 20);
            long start = System.nanoTime();
            assertThatThrownBy(() -> UploadClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/s"),
                    "application/x-tar", body(64L << 20), Duration.ofSeconds(2)))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("POST http://127.0.0.1:" + server.getLocalPort() + "/s: no byte moved for 2 s")
                    .hasMessageContaining("of " + (64L << 20) + " bytes of the body");
            assertThat(System.nanoTime() - start).as("ns until the client gave up").isLessThan(TimeUnit.SECONDS.toNanos(20));
        }
    }

    @Test
    void aServerThatTakesTheBodyAndSaysNothingIsGivenUpOn() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "", 60_000, 10);
            assertThatThrownBy(() -> UploadClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/s"),
                    "application/x-tar", body(10), Duration.ofSeconds(2)))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("POST http://127.0.0.1:" + server.getLocalPort() + "/s: ")
                    .hasMessageContaining(" 2 s");
        }
    }

    @Test
    void anAnswerLongerThanTheBoundIsRefused() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int length = UploadClient.MAX_ANSWER + 1;
            serveOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n" + "x".repeat(length));
            assertThatThrownBy(() -> UploadClient.post(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/s"),
                    "application/x-tar", body(10)))
                    .isInstanceOf(IOException.class)
                    .hasMessage("POST http://127.0.0.1:" + server.getLocalPort() + "/s: the answer is longer than "
                            + UploadClient.MAX_ANSWER + " bytes");
        }
    }

    @Test
    void aClosedPortIsNamed() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        assertThatThrownBy(() -> UploadClient.post(URI.create("http://127.0.0.1:" + port + "/s"), "application/x-tar",
                body(10)))
                .isInstanceOf(java.net.ConnectException.class)
                .hasMessage("POST http://127.0.0.1:" + port + "/s: connection refused at 127.0.0.1:" + port);
    }

    /** A Jetty HTTPS server on loopback with a certificate for {@code san}, trusted for the call (the JDK trust store). */
    UploadClient.Answer postOverTls(String san) throws Exception {
        Path keys = dir.resolve(san.replace(':', '-') + ".p12");
        Path trust = dir.resolve(san.replace(':', '-') + "-trust.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        for (String[] command : new String[][] {
                {keytool, "-genkeypair", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                        "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=server",
                        "-ext", "SAN=" + san, "-validity", "2"},
                {keytool, "-exportcert", "-keystore", keys.toString(), "-storepass", "changeit", "-alias", "server",
                        "-file", dir.resolve("server.cer").toString()},
                {keytool, "-importcert", "-noprompt", "-keystore", trust.toString(), "-storetype", "PKCS12",
                        "-storepass", "changeit", "-alias", "server", "-file", dir.resolve("server.cer").toString()}}) {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(String.join(" ", command))
                    .isTrue();
        }
        org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
        org.eclipse.jetty.util.ssl.SslContextFactory.Server tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
        tls.setKeyStorePath(keys.toString());
        tls.setKeyStorePassword("changeit");
        org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server, tls);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                    org.eclipse.jetty.util.Callback callback) throws Exception {
                String got = org.eclipse.jetty.io.Content.Source.asString(request);
                response.setStatus(201);
                org.eclipse.jetty.io.Content.Sink.write(response, true, "got " + got.length() + " bytes", callback);
                return true;
            }
        });
        server.start();
        String[] names = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"};
        String[] before = new String[names.length];
        try {
            String[] values = {trust.toString(), "changeit", "PKCS12"};
            for (int i = 0; i < names.length; i++) {
                before[i] = System.setProperty(names[i], values[i]);
            }
            return UploadClient.post(URI.create("https://127.0.0.1:" + connector.getLocalPort() + "/s"),
                    "application/x-tar", body(10));
        } finally {
            for (int i = 0; i < names.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(names[i]);
                } else {
                    System.setProperty(names[i], before[i]);
                }
            }
            server.stop();
        }
    }

    @Test
    void httpsChecksTheHostName() throws Exception {
        assertThat(postOverTls("ip:127.0.0.1")).as("a trusted certificate for the address")
                .isEqualTo(new UploadClient.Answer(201, "got 10 bytes"));
        assertThatThrownBy(() -> postOverTls("dns:elsewhere.invalid")).as("a trusted certificate for another name")
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("POST https://127.0.0.1:")
                .hasMessageContaining("TLS failed: ")
                .hasMessageContaining("127.0.0.1");
    }
}
