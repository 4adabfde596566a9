package io.buildchain.core.verify;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/** Reads a store published over HTTP(S), e.g. by {@code buildchain serve} or from a Jenkins job. */
final class HttpStoreReader implements StoreReader {
    private final URI base;
    private final HttpClient client;

    HttpStoreReader(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public InputStream open(String path) throws IOException {
        URI uri = base.resolve(path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: GET " + uri, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            response.body().close();
            if (status == 404) {
                throw new NoSuchFileException(uri.toString(), null, "HTTP 404");
            }
            throw new IOException("GET " + uri + ": HTTP " + status);
        }
        return response.body();
    }

    @Override
    public String describe(String path) {
        return base.resolve(path).toString();
    }
}
