package io.buildchain.core.submit;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds on what uploads in progress may hold: how many run at once (beyond it, 429) and how many artifact
 * bytes they stage together (beyond it, 503). Only authenticated uploads stage anything at all.
 */
public final class UploadLimits {
    public static final int DEFAULT_CONCURRENT = 4;
    private final int maxConcurrent;
    private final long maxStagedBytes;
    private final Semaphore slots;
    private final AtomicLong staged = new AtomicLong();

    public UploadLimits(int maxConcurrent, long maxStagedBytes) {
        if (maxConcurrent < 1 || maxStagedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxConcurrent = maxConcurrent;
        this.maxStagedBytes = maxStagedBytes;
        this.slots = new Semaphore(maxConcurrent);
    }

    /** {@value #DEFAULT_CONCURRENT} uploads at once, staging together at most twice one upload's limit. */
    public static UploadLimits defaults(long maxUploadBytes) {
        return new UploadLimits(DEFAULT_CONCURRENT, 2 * maxUploadBytes);
    }

    /** Artifact bytes staged by uploads in progress right now. */
    public long stagedBytes() {
        return staged.get();
    }

    /** One upload's share; closing it gives back its slot and its staged bytes. */
    public final class Slot implements AutoCloseable {
        private long charged;

        private Slot() {
        }

        /** Counts {@code bytes} about to be staged, refusing them if all uploads together would exceed the limit. */
        public void charge(long bytes) {
            if (staged.addAndGet(bytes) > maxStagedBytes) {
                staged.addAndGet(-bytes);
                throw new SubmissionRejectedException(503, "staging is full: uploads in progress already hold "
                        + staged.get() + " of the " + maxStagedBytes + " bytes allowed; try again later");
            }
            charged += bytes;
        }

        @Override
        public void close() {
            staged.addAndGet(-charged);
            charged = 0;
            slots.release();
        }
    }

    /** A slot for one more upload, or a 429 if {@code maxConcurrent} are in progress. */
    public Slot enter() {
        if (!slots.tryAcquire()) {
            throw new SubmissionRejectedException(429, "too many uploads in progress (" + maxConcurrent
                    + " at once); try again shortly");
        }
        return new Slot();
    }
}
