package io.buildchain.core.submit;

import io.buildchain.core.verify.StoreReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code POST} of a file over HTTP/1.1 that hears the server out: a server may answer before the body is fully
 * sent (serve refuses an upload too large for it with 413 at once, and closes), so the response is read while the
 * body goes out, and sending stops once it has come. The status line and headers get
 * {@link StoreReader#headersDeadline()} after the body is sent or the connection broke; the answer is at most
 * {@link #MAX_ANSWER} bytes.
 */
public final class UploadClient {
    public static final int MAX_ANSWER = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 15_000;
    /** Ends uploads the server stopped taking; one daemon thread for every upload. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "buildchain-upload-stall");
        thread.setDaemon(true);
        return thread;
    });

    /** The server's answer: its status and its body as text. */
    public record Answer(int status, String body) {
    }

    private UploadClient() {
    }

    public static Answer post(URI target, String contentType, Path body) throws IOException {
        String where = "POST " + target;
        long length = Files.size(body);
        try (Socket socket = connect(target, where)) {
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    answer.complete(readAnswer(new BufferedInputStream(socket.getInputStream()), where));
                    socket.close(); // the server has said all: a send still blocked on it ends here
                } catch (IOException | RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            }, "buildchain-upload-answer");
            reader.setDaemon(true);
            // A server that stops taking the body without answering is given up on, as one that does not answer.
            AtomicLong progress = new AtomicLong(System.nanoTime());
            AtomicBoolean stalled = new AtomicBoolean();
            ScheduledFuture<?> stall = WATCHDOG.scheduleWithFixedDelay(() -> {
                if (System.nanoTime() - progress.get() > StoreReader.headersDeadline().toNanos()) {
                    stalled.set(true);
                    close(socket);
                }
            }, 1, 1, TimeUnit.SECONDS);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
                    + " HTTP/1.1\r\nHost: " + target.getRawAuthority() + "\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reader.start();
            long sent = 0;
            IOException broken = null;
            try (InputStream in = Files.newInputStream(body)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; !answer.isDone() && (n = in.read(buffer)) > 0; sent += n) {
                    out.write(buffer, 0, n);
                    progress.set(System.nanoTime());
                }
                out.flush();
            } catch (IOException e) {
                broken = e; // the server may have answered, then closed: its answer is read below
            } finally {
                stall.cancel(false);
            }
            if (stalled.get() && !answer.isDone()) {
                throw new IOException(where + ": the server took no byte of the body for "
                        + StoreReader.headersDeadline().toSeconds() + " s (after " + sent + " of " + length + " bytes)"
                        + " and did not answer");
            }
            try {
                return answer.get(StoreReader.headersDeadline().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IOException(where + ": no complete response within " + StoreReader.headersDeadline().toSeconds()
                        + " s of " + (broken == null ? "sending the body" : "the connection breaking"));
            } catch (ExecutionException e) {
                String why = e.getCause().getMessage();
                throw new IOException(broken == null ? why : where + ": the connection broke after " + sent + " of "
                        + length + " bytes (" + broken.getMessage() + ") and no response came before it (" + why + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(where + ": interrupted");
            }
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    private static Socket connect(URI target, String where) throws IOException {
        boolean tls = "https".equalsIgnoreCase(target.getScheme());
        if (!tls && !"http".equalsIgnoreCase(target.getScheme())) {
            throw new IOException(where + ": not an http or https URL");
        }
        int port = target.getPort() >= 0 ? target.getPort() : tls ? 443 : 80;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            if (!tls) {
                return socket;
            }
            SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(socket, target.getHost(), port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            return secure;
        } catch (ConnectException e) {
            socket.close();
            throw new ConnectException(where + ": connection refused at " + target.getHost() + ":" + port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The first final response: status line, headers, and a body of at most {@link #MAX_ANSWER} bytes. */
    private static Answer readAnswer(InputStream in, String where) throws IOException {
        while (true) {
            String status = line(in, where);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
                throw new IOException(where + ": not an HTTP/1.x status line: " + status);
            }
            int code = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            for (String header = line(in, where); !header.isEmpty(); header = line(in, where)) {
                String name = header.substring(0, Math.max(0, header.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(header.indexOf(':') + 1).trim();
                if (name.equals("content-length")) {
                    length = number(value, 10, where);
                } else if (name.equals("transfer-encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                }
            }
            if (code / 100 == 1) {
                continue; // 100 Continue and the like: the final response follows
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            if (chunked) {
                for (long size = number(line(in, where).split(";")[0], 16, where); size > 0;
                        size = number(line(in, where).split(";")[0], 16, where)) {
                    copy(in, text, size, where);
                    line(in, where);
                }
            } else {
                copy(in, text, length, where);
            }
            return new Answer(code, text.toString(StandardCharsets.UTF_8));
        }
    }

    /** {@code length} bytes ({@code -1}: up to the end of the stream), refusing more than {@link #MAX_ANSWER}. */
    private static void copy(InputStream in, ByteArrayOutputStream out, long length, String where) throws IOException {
        byte[] buffer = new byte[8192];
        long left = length < 0 ? Long.MAX_VALUE : length;
        for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; left -= n) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_ANSWER) {
                throw new IOException(where + ": the answer is longer than " + MAX_ANSWER + " bytes");
            }
        }
        if (length >= 0 && left > 0) {
            throw new IOException(where + ": the answer ended after " + out.size() + " of its " + length + " bytes");
        }
    }

    private static long number(String text, int radix, String where) throws IOException {
        try {
            long value = Long.parseLong(text.trim(), radix);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IOException(where + ": the response has a length that is not a number: " + text.trim());
    }

    /** One header line without its CRLF, at most 8 KiB. */
    private static String line(InputStream in, String where) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException(where + ": the server closed the connection "
                        + (line.size() == 0 ? "without a response" : "in the middle of the response headers"));
            }
            if (line.size() >= 8192) {
                throw new IOException(where + ": a response header line is longer than 8192 bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
