package io.buildchain.core.diff;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * What one comparison may read and keep, derived from the sizes of the two files compared: nested
 * archives and archive bombs share these limits, so no input makes us allocate or inflate past them.
 */
final class ReadBounds {
    /** Largest entry whose bytes we keep for a text diff, a class comparison or a byte comparison. */
    static final int MAX_DETAIL_ENTRY = 1 << 20;
    /** How deep archives nest before we stop descending. */
    static final int MAX_DEPTH = 4;
    /**
     * Memory (KiB) an xz decoder may take: its dictionary is allocated whole, as large as the header asks (up to
     * 1.5 GiB from a 124-byte file), so only what {@code xz -9}'s 64 MiB dictionary needs is allowed.
     */
    static final int MAX_XZ_KIB = 72 * 1024;
    /**
     * What starting one more decoder is charged against the expansion bound: a bzip2 decoder allocates about
     * 1 MiB however short its stream, and 37 bytes make a stream.
     */
    static final long DECODER_COST = 2L << 20;

    private final long maxExpanded;
    private final long maxHeld;
    private final int maxEntries;
    private long expanded;
    private long held;
    private long entries;

    ReadBounds(long maxExpanded, long maxHeld, int maxEntries) {
        this.maxExpanded = maxExpanded;
        this.maxHeld = maxHeld;
        this.maxEntries = maxEntries;
    }

    /**
     * Real archives inflate a few times over; a bomb inflates a thousand times, so 32 times the input
     * (plus 64 MiB of slack for tiny inputs) is read at most: inflating that much takes seconds, even in a
     * pure-Java bzip2 decoder. What we keep in memory is bounded by the input.
     */
    static ReadBounds forInputs(long sizeA, long sizeB) {
        long total = Math.max(0, sizeA) + Math.max(0, sizeB);
        // Entries: reading one costs the tar and zip readers about 13 KiB (garbage included); a real entry takes
        // at least 46 bytes of the input.
        return new ReadBounds(64L * 1024 * 1024 + 32 * total, 16L * 1024 * 1024 + total,
                (int) Math.min(2_000_000, 2_000 + total / 46));
    }

    /** Thrown when a bound is reached: what was read so far still counts, the rest is not inspected. */
    static final class ExceededException extends IOException {
        ExceededException(String message) {
            super(message);
        }
    }

    void countEntry() throws ExceededException {
        if (++entries > maxEntries) {
            throw new ExceededException("more than " + maxEntries + " entries in all");
        }
    }

    /** Reserves {@code bytes} of memory for kept content; false when that would pass the bound. */
    boolean hold(long bytes) {
        if (bytes < 0 || held + bytes > maxHeld) {
            return false;
        }
        held += bytes;
        return true;
    }

    /** Charges one more decoder (a stream of concatenated bzip2) against the expansion bound. */
    void countDecoder() throws ExceededException {
        add(DECODER_COST);
    }

    /** Counts bytes a reader made up (a sparse entry's holes) against the expansion bound. */
    void countInflated(long bytes) throws ExceededException {
        add(bytes);
    }

    /**
     * Reserves the memory of an entry's name: tar's long names and PAX paths are as long as the archive says,
     * and every name of a listing is kept.
     */
    void countName(String name) throws ExceededException {
        if (!hold(2L * name.length())) {
            throw new ExceededException("more than " + maxHeld + " bytes of entry names and contents");
        }
    }

    /** Counts every byte read through it against the expansion bound. */
    InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    add(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n > 0) {
                    add(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                add(skipped);
                return skipped;
            }
        };
    }

    private void add(long n) throws ExceededException {
        expanded += n;
        if (expanded > maxExpanded) {
            throw new ExceededException("more than " + maxExpanded + " bytes inflated in all (an archive bomb?)");
        }
    }
}
