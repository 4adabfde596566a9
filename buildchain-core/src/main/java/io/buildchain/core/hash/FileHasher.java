package io.buildchain.core.hash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Streaming SHA-384 of files and streams, with one reusable buffer per thread. */
public final class FileHasher {
    private static final int BUFFER_SIZE = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);
    // digest() resets a MessageDigest, so one per thread serves every file that thread hashes.
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(Digest::newSha384);

    private FileHasher() {
    }

    public static Digest hash(Path file) throws IOException {
        MessageDigest sha = DIGESTS.get();
        sha.reset();
        byte[] buffer = BUFFERS.get();
        ByteBuffer view = ByteBuffer.wrap(buffer);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                view.clear();
                int n = channel.read(view);
                if (n < 0) {
                    break;
                }
                sha.update(buffer, 0, n);
            }
        }
        return Digest.wrap(sha.digest());
    }

    /** Copies {@code in} to {@code out} and returns the SHA-384 of what was copied. */
    public static Digest copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest sha = Digest.newSha384();
        byte[] buffer = BUFFERS.get();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
        }
        return Digest.wrap(sha.digest());
    }
}
