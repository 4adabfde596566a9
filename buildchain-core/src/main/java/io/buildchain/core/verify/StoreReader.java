package io.buildchain.core.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Read access to a published store by relative path ({@code tail/P/B}, {@code block/SIG},
 * {@code object/DIGEST}, {@code quorum/SIG.json}), from a directory or over HTTP. A missing path
 * throws {@link java.nio.file.NoSuchFileException}.
 */
public interface StoreReader {
    /** The whole content, failing if it is longer than {@code maxBytes}. */
    default byte[] read(String path, int maxBytes) throws IOException {
        try (InputStream in = open(path)) {
            byte[] data = in.readNBytes(maxBytes + 1);
            if (data.length > maxBytes) {
                throw new IOException(describe(path) + ": larger than the " + maxBytes + " bytes expected");
            }
            return data;
        }
    }

    /** A stream for large objects; the caller checks the digest. */
    InputStream open(String path) throws IOException;

    /** Where {@code path} is, for messages: a file path or a URL. */
    String describe(String path);

    static StoreReader of(Path dir) {
        return new DirectoryStoreReader(dir);
    }

    static StoreReader of(java.net.URI base) {
        return new HttpStoreReader(base);
    }
}
