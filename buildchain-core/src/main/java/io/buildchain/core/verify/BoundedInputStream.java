package io.buildchain.core.verify;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails as soon as more than {@code maxBytes} arrive: an object is never read past its expected size. */
final class BoundedInputStream extends FilterInputStream {
    private final long maxBytes;
    private final String where;
    private final String bound;
    private long read;

    BoundedInputStream(InputStream in, long maxBytes, String where) {
        this(in, maxBytes, where, "the " + maxBytes + " bytes expected");
    }

    /** As above; {@code bound} names the limit in the message ("its Content-Length of 13 bytes"). */
    BoundedInputStream(InputStream in, long maxBytes, String where, String bound) {
        super(in);
        this.maxBytes = maxBytes;
        this.where = where;
        this.bound = bound;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        // Ask for at most one byte beyond the limit, so an endless body is noticed without reading on.
        int n = super.read(buffer, offset, (int) Math.min(length, Math.max(1, maxBytes - read + 1)));
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, maxBytes - read + 1));
        count(skipped);
        return skipped;
    }

    private void count(long n) throws IOException {
        read += n;
        if (read > maxBytes) {
            throw new ObjectTooLargeException(where + ": larger than " + bound + "; stopped reading",
                    "more than " + maxBytes);
        }
    }
}
