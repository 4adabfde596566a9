package io.buildchain.core.submit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Deadlines for a slow uploader, so that it loses its slot instead of holding it: the head (manifest.json and
 * request.bin, which authenticate the upload) must be in within {@link #HEAD_DEADLINE}, and after it the upload
 * must keep at least {@link #MIN_BYTES_PER_SECOND} over every {@link #WINDOW}. Each read is itself bounded by the
 * server's idle timeout for uploads ({@link #IDLE}), so the checks run at least that often.
 */
public final class UploadPace extends FilterInputStream {
    public static final Duration HEAD_DEADLINE = Duration.ofSeconds(10);
    public static final Duration IDLE = Duration.ofSeconds(5);
    public static final long MIN_BYTES_PER_SECOND = 16 << 10;
    public static final Duration WINDOW = Duration.ofSeconds(10);
    private final long start = System.nanoTime();
    private boolean authenticated;
    private long windowStart;
    private long windowBytes;

    public UploadPace(InputStream in) {
        super(in);
    }

    /** The head is in and authenticated: from now on the minimum rate applies instead of the head deadline. */
    void headReceived() {
        authenticated = true;
        windowStart = System.nanoTime();
        windowBytes = 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        check();
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw new SubmissionRejectedException(408, "upload stalled: nothing arrived for " + IDLE.toSeconds()
                    + " s, or the connection broke");
        }
        windowBytes += Math.max(n, 0);
        check();
        return n;
    }

    private void check() {
        long now = System.nanoTime();
        if (!authenticated && now - start > HEAD_DEADLINE.toNanos()) {
            throw new SubmissionRejectedException(408, "manifest.json and request.bin did not arrive within "
                    + HEAD_DEADLINE.toSeconds() + " s of the upload's start");
        }
        if (authenticated && now - windowStart >= WINDOW.toNanos()) {
            double rate = windowBytes / ((now - windowStart) / 1e9);
            if (rate < MIN_BYTES_PER_SECOND) {
                throw new SubmissionRejectedException(408, String.format("upload too slow: %.0f bytes/s over the last"
                        + " %d s, below the minimum of %d bytes/s", rate, WINDOW.toSeconds(), MIN_BYTES_PER_SECOND));
            }
            windowStart = now;
            windowBytes = 0;
        }
    }
}
