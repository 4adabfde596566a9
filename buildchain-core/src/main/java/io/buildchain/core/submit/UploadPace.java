package io.buildchain.core.submit;

import io.buildchain.core.RateFloor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

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
    private final RateFloor floor = new RateFloor(MIN_BYTES_PER_SECOND, WINDOW);
    private boolean authenticated;

    public UploadPace(InputStream in) {
        super(in);
    }

    /** The head is in and authenticated: from now on the minimum rate applies instead of the head deadline. */
    void headReceived() {
        authenticated = true;
        floor.restart();
    }

    @Override
    public int read() throws IOException {
        byte[] one = {0};
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        checkHeadDeadline();
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw new SubmissionRejectedException(408, "upload stalled: nothing arrived for " + IDLE.toSeconds()
                    + " s, or the connection broke");
        }
        if (authenticated) {
            Optional<String> tooSlow = floor.count(n);
            if (tooSlow.isPresent()) {
                throw new SubmissionRejectedException(408, "upload too slow: " + tooSlow.get());
            }
        }
        checkHeadDeadline();
        return n;
    }

    private void checkHeadDeadline() {
        long now = System.nanoTime();
        if (!authenticated && now - start > HEAD_DEADLINE.toNanos()) {
            throw new SubmissionRejectedException(408, "manifest.json and request.bin did not arrive within "
                    + HEAD_DEADLINE.toSeconds() + " s of the upload's start");
        }
    }
}
