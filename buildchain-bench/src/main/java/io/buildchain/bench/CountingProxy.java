package io.buildchain.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP proxy in front of a store server that counts requests and response body bytes, as a
 * client's network would see them. It can hide the log ({@code log/...} answers 404) to show the walk a
 * store without a log costs.
 */
public final class CountingProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI target;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean hideLog;

    public CountingProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public void hideLog(boolean hide) {
        hideLog = hide;
    }

    public long requests() {
        return requests.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public void reset() {
        requests.set(0);
        bytes.set(0);
    }

    private void forward(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getRawPath();
        try (exchange) {
            if (hideLog && path.startsWith("/log/")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(path.substring(1))).GET();
            String etag = exchange.getRequestHeaders().getFirst("If-None-Match");
            if (etag != null) {
                request.header("If-None-Match", etag);
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (String header : List.of("ETag", "Content-Type", "Cache-Control")) {
                response.headers().firstValue(header).ifPresent(v -> exchange.getResponseHeaders().set(header, v));
            }
            try (InputStream in = response.body()) {
                byte[] body = in.readAllBytes();
                boolean empty = body.length == 0 || response.statusCode() == 304;
                exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : body.length);
                if (!empty) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                    bytes.addAndGet(body.length);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
