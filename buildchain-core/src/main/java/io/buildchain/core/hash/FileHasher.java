package io.buildchain.core.hash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Set;

/** Streaming SHA-384 of files and streams, with one reusable buffer and digest per thread. */
public final class FileHasher {
    private static final int BUFFER_SIZE = 1 << 20;
    private static final Set<StandardOpenOption> READ = Set.of(StandardOpenOption.READ);
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * What a thread reuses for every file: a buffer that takes a small file in one read, its ByteBuffer view,
     * and a SHA-384 (digest() resets it), so hashing a file allocates nothing the JIT must first learn to remove.
     */
    private static final class Scratch {
        final byte[] buffer = new byte[BUFFER_SIZE];
        final ByteBuffer view = ByteBuffer.wrap(buffer);
        final MessageDigest sha = Digest.newSha384();
    }

    private FileHasher() {
    }

    public static Digest hash(Path file) throws IOException {
        Scratch scratch = SCRATCH.get();
        MessageDigest sha = scratch.sha;
        sha.reset();
        try (FileChannel channel = FileChannel.open(file, READ)) {
            int n;
            while ((n = channel.read(scratch.view.clear())) >= 0) {
                sha.update(scratch.buffer, 0, n);
            }
        }
        return Digest.wrap(sha.digest());
    }

    /** Copies {@code in} to {@code out} and returns the SHA-384 of what was copied. */
    public static Digest copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest sha = Digest.newSha384();
        byte[] buffer = SCRATCH.get().buffer;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
        }
        return Digest.wrap(sha.digest());
    }
}
