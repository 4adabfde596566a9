package io.buildchain.core.view;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to answer an HTTP request for a store file, whichever server sends it ({@code serve}'s Jetty or
 * Jenkins): status, headers, and which bytes. Content-addressed files are cached forever under their
 * digest as ETag; tails and checkpoints, which move, carry an ETag of their content and are revalidated.
 *
 * @param first first byte of the body
 * @param count body length; the body is empty unless the status is 200 or 206
 */
public record FileReply(Path file, int status, Map<String, String> headers, long first, long count) {

    /**
     * @param ifNoneMatch the request's If-None-Match header, or null
     * @param range       the request's Range header, or null
     */
    public static FileReply plan(StoreRoutes.StoreFile file, String ifNoneMatch, String range) throws IOException {
        long length = Files.size(file.file());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", file.contentType());
        headers.put("Accept-Ranges", "bytes");
        headers.put("X-Content-Type-Options", "nosniff");
        if (file.etag() != null) {
            String etag = "\"" + file.etag() + "\"";
            headers.put("ETag", etag);
            // What moves (a tail, a checkpoint) is revalidated on every use: a client's copy costs a 304.
            headers.put("Cache-Control", file.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
            if (etag.equals(ifNoneMatch)) {
                return new FileReply(file.file(), 304, headers, 0, 0);
            }
        } else {
            headers.put("Cache-Control", "no-store");
        }
        if (file.downloadName() != null) {
            headers.put("Content-Disposition", "attachment; filename*=UTF-8''"
                    + URLEncoder.encode(file.downloadName(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        Optional<ByteRange> byteRange;
        try {
            byteRange = ByteRange.parse(range, length);
        } catch (ByteRange.Unsatisfiable e) {
            headers.put("Content-Range", "bytes */" + length);
            return new FileReply(file.file(), 416, headers, 0, 0);
        }
        long first = byteRange.map(ByteRange::first).orElse(0L);
        long count = byteRange.map(ByteRange::length).orElse(length);
        if (byteRange.isPresent()) {
            headers.put("Content-Range", "bytes " + first + "-" + (first + count - 1) + "/" + length);
        }
        headers.put("Content-Length", Long.toString(count));
        return new FileReply(file.file(), byteRange.isPresent() ? 206 : 200, headers, first, count);
    }

    public boolean hasBody() {
        return status == 200 || status == 206;
    }

    /** Writes the planned bytes of the file. */
    public void copyBody(OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(first);
            byte[] buffer = new byte[64 * 1024];
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(file + " became shorter while it was being sent");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
