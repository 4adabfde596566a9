package io.buildchain.core.verify;

import io.buildchain.core.RateFloor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a store published over HTTP(S), e.g. by {@code buildchain serve} or from a Jenkins job. Beyond the
 * size bound of every read, a transfer is abandoned when the response headers are not complete within
 * {@link Limits#idle()} plus {@link Limits#window()} in all, when the body sends nothing for {@link Limits#idle()}, or fewer than {@link Limits#minBytesPerSecond()} over any {@link Limits#window()}:
 * a server that trickles a byte every few seconds is given up on within about one window.
 */
final class HttpStoreReader implements StoreReader {
    /**
     * How long a transfer may stall or crawl.
     *
     * @param idle              longest wait for the next byte (connect, headers, body)
     * @param minBytesPerSecond the slowest rate accepted, averaged over each {@code window}
     */
    record Limits(Duration idle, long minBytesPerSecond, Duration window) {
        /** 20 s without a byte, or under 1 KiB/s over 10 s. */
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(20), 1024, Duration.ofSeconds(10));

        /** All the time the status line and headers get: beyond the idle limit, so silence is reported as such. */
        Duration headersDeadline() {
            return idle.plus(window);
        }
    }

    /** Cuts off connections whose headers are not complete in time; one daemon thread for every reader. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "buildchain-http-deadline");
        thread.setDaemon(true);
        return thread;
    });
    private final URI base;
    private final Limits limits;

    HttpStoreReader(URI base, Limits limits) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.limits = limits;
    }

    @Override
    public InputStream open(String path, long maxBytes) throws IOException {
        return connect(path, maxBytes, null);
    }

    /** A GET with {@code If-None-Match}: a 304 answer means the caller's copy is current. */
    @Override
    public Fetched readIfChanged(String path, int maxBytes, String etag) throws IOException {
        InputStream body = connect(path, maxBytes, etag);
        if (body == null) {
            return new Fetched(null, etag);
        }
        try (TaggedBody in = (TaggedBody) body) {
            return new Fetched(in.readAllBytes(), in.etag);
        }
    }

    /** The bounded, paced body of a GET; null when {@code etag} was given and the server answered 304. */
    private InputStream connect(String path, long maxBytes, String etag) throws IOException {
        URI uri = base.resolve(path);
        String where = "GET " + uri;
        HttpURLConnection connection = (HttpURLConnection) toUrl(uri).openConnection();
        int timeout = (int) limits.idle().toMillis();
        connection.setConnectTimeout(timeout);
        connection.setReadTimeout(timeout);
        connection.setInstanceFollowRedirects(true);
        if (etag != null) {
            connection.setRequestProperty("If-None-Match", etag);
        }
        int status;
        // The read timeout is per byte: a server trickling its headers is cut off at one total deadline instead.
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> {
            late.set(true);
            connection.disconnect();
        }, limits.headersDeadline().toMillis(), TimeUnit.MILLISECONDS);
        try {
            status = connection.getResponseCode();
        } catch (IOException e) {
            if (late.get()) {
                throw headersTooSlow(where);
            }
            throw describe(where, uri, e);
        } finally {
            deadline.cancel(false);
        }
        if (late.get()) {
            connection.disconnect();
            throw headersTooSlow(where);
        }
        if (status == 304 && etag != null) {
            connection.disconnect();
            return null;
        }
        if (status / 100 != 2) {
            connection.disconnect();
            if (status == 404) {
                throw new NoSuchFileException(uri.toString(), null, "HTTP 404");
            }
            throw new IOException(where + ": HTTP " + status);
        }
        long length = connection.getContentLengthLong();
        if (length > maxBytes) {
            connection.disconnect();
            throw new ObjectTooLargeException(where + ": Content-Length " + length + " is larger than the " + maxBytes
                    + " bytes expected", "Content-Length " + length);
        }
        // HttpURLConnection reads on past a Content-Length; a body longer than the one it announced is refused too.
        InputStream body = length >= 0
                ? new BoundedInputStream(new PacedStream(connection, where), length, where,
                        "its Content-Length of " + length + " bytes")
                : new BoundedInputStream(new PacedStream(connection, where), maxBytes, where);
        return new TaggedBody(body, connection.getHeaderField("ETag"));
    }

    /** A body together with the validator the server sent for it (null: none). */
    private static final class TaggedBody extends FilterInputStream {
        private final String etag;

        TaggedBody(InputStream in, String etag) {
            super(in);
            this.etag = etag;
        }
    }


    private IOException headersTooSlow(String where) {
        return new IOException(where + ": no complete response headers within " + limits.headersDeadline().toSeconds()
                + " s (the server sends them too slowly)");
    }

    /** The one-line reason a connection failed before its headers arrived. */
    private IOException describe(String where, URI uri, IOException e) {
        if (e instanceof ConnectException) {
            return new IOException(where + ": connection refused at " + uri.getHost() + ":" + port(uri)
                    + " (is the store server running there?)");
        }
        if (e instanceof UnknownHostException) {
            return new IOException(where + ": unknown host " + uri.getHost());
        }
        if (e instanceof SocketTimeoutException) {
            return new IOException(where + ": no response within " + limits.idle().toSeconds() + " s");
        }
        return new IOException(where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }

    private static URL toUrl(URI uri) throws IOException {
        try {
            return uri.toURL();
        } catch (IllegalArgumentException e) {
            throw new IOException(uri + ": not a URL (" + e.getMessage() + ")");
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    @Override
    public String describe(String path) {
        return base.resolve(path).toString();
    }

    /** The body, abandoned if a read stalls past the idle limit or a window passes below the minimum rate. */
    private final class PacedStream extends FilterInputStream {
        private final HttpURLConnection connection;
        private final String where;
        private final RateFloor floor = new RateFloor(limits.minBytesPerSecond(), limits.window());

        PacedStream(HttpURLConnection connection, String where) throws IOException {
            super(connection.getInputStream());
            this.connection = connection;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (SocketTimeoutException e) {
                throw abandon("no data for " + limits.idle().toSeconds() + " s");
            }
            Optional<String> tooSlow = n >= 0 ? floor.count(n) : Optional.empty();
            if (tooSlow.isPresent()) {
                throw abandon(tooSlow.get());
            }
            return n;
        }

        private IOException abandon(String why) {
            connection.disconnect();
            return new IOException(where + ": transfer abandoned: " + why);
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                connection.disconnect();
            }
        }
    }
}
