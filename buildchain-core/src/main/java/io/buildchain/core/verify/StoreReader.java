package io.buildchain.core.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Read access to a published store by relative path ({@code tail/P/B}, {@code block/SIG},
 * {@code object/DIGEST}, {@code quorum/SIG.json}), from a directory or over HTTP. A missing path
 * throws {@link java.nio.file.NoSuchFileException}.
 *
 * <p>Every read is bounded: the caller says how many bytes it expects at most, and the stream fails with an
 * {@link IOException} naming the path as soon as more arrive (an endless body is never read on). A reader
 * over a network also abandons a transfer that stalls or crawls (see {@link HttpStoreReader}).
 */
public interface StoreReader {
    /** The whole content, failing if it is longer than {@code maxBytes}. */
    default byte[] read(String path, int maxBytes) throws IOException {
        try (InputStream in = open(path, maxBytes)) {
            return in.readAllBytes();
        }
    }

    /**
     * What a conditional read returns: the content and its validator, or (when the reader was given the
     * validator of the content it still has) null content meaning "not modified".
     */
    record Fetched(byte[] bytes, String etag) {
        public boolean notModified() {
            return bytes == null;
        }
    }

    /**
     * Reads {@code path} unless it still has validator {@code etag} (null: no copy yet). Readers without
     * validators always read.
     */
    default Fetched readIfChanged(String path, int maxBytes, String etag) throws IOException {
        return new Fetched(read(path, maxBytes), null);
    }

    /** A stream for large objects, failing once more than {@code maxBytes} arrive; the caller checks the digest. */
    InputStream open(String path, long maxBytes) throws IOException;

    /** Where {@code path} is, for messages: a file path or a URL. */
    String describe(String path);

    /** The store's directory when it is local (so it can be listed), empty over HTTP. */
    /**
     * Whether the store itself serves {@code path} now: a local cache in front of it answers for the store, not
     * from copies of other stores' files (a client that fetched job A's manifest is not shown it by job B's view).
     */
    default boolean serves(String path, long maxBytes) throws IOException {
        try (InputStream in = open(path, maxBytes)) {
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    default java.util.Optional<Path> directory() {
        return java.util.Optional.empty();
    }

    static StoreReader of(Path dir) {
        return new DirectoryStoreReader(dir);
    }

    /** All the time an HTTP response's status line and headers get (the body has its own limits). */
    static java.time.Duration headersDeadline() {
        return HttpStoreReader.Limits.DEFAULT.headersDeadline();
    }

    static StoreReader of(java.net.URI base) {
        return new HttpStoreReader(base, HttpStoreReader.Limits.DEFAULT);
    }
}
