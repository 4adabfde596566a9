package io.buildchain.core;

import java.time.Duration;
import java.util.Optional;

/**
 * The slowest transfer accepted, one rule for a server's uploads and a client's downloads: at least
 * {@code minBytesPerSecond} averaged over each {@code window}, so that a peer sending a byte every few seconds is
 * given up on within about one window instead of holding a slot or a thread.
 */
public final class RateFloor {
    private final long minBytesPerSecond;
    private final Duration window;
    private long windowStart = System.nanoTime();
    private long windowBytes;

    public RateFloor(long minBytesPerSecond, Duration window) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.window = window;
    }

    /** Starts measuring afresh (after a phase with other limits). */
    public void restart() {
        windowStart = System.nanoTime();
        windowBytes = 0;
    }

    /** Counts {@code bytes} just received; why the transfer is too slow, when a window closes below the floor. */
    public Optional<String> count(long bytes) {
        windowBytes += Math.max(bytes, 0);
        long elapsed = System.nanoTime() - windowStart;
        if (elapsed < window.toNanos()) {
            return Optional.empty();
        }
        double rate = windowBytes / (elapsed / 1e9);
        restart();
        return rate >= minBytesPerSecond ? Optional.empty() : Optional.of(String.format(
                "%.1f bytes/s over the last %d s, below the minimum of %d bytes/s", rate, window.toSeconds(),
                minBytesPerSecond));
    }
}
