package io.buildchain.serial;

import io.buildchain.core.FormatException;
import io.buildchain.core.chain.SignedRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds requests in the signing node's incoming bytes. pihsm has no framing: a request is whatever 224
 * bytes arrive. To resynchronise after noise or a partial frame without waiting out timeouts, the framer
 * slides a window over the bytes and takes the first 224 that are a correctly self-signed request as a
 * frame; bytes before it are noise. It holds at most {@link #CAPACITY} bytes, whatever arrives.
 */
final class RequestFramer {
    static final int CAPACITY = 4 * SignedRequest.SIZE;
    private final byte[] buffer = new byte[CAPACITY];
    private int length;
    private int skipped;
    private long noiseBytes;

    /** A request found in the input, and how many bytes of noise came before it. */
    record Frame(SignedRequest request, int noiseBefore) {
    }

    /** How many more bytes the framer takes now: callers read at most this much. */
    int room() {
        return CAPACITY - length;
    }

    int buffered() {
        return length;
    }

    long noiseBytes() {
        return noiseBytes;
    }

    /**
     * Takes up to {@link #room()} bytes of {@code chunk} (the rest is the caller's to offer again) and returns
     * the requests they complete, in order.
     */
    List<Frame> feed(byte[] chunk, int offset, int count) {
        int taken = Math.min(count, room());
        System.arraycopy(chunk, offset, buffer, length, taken);
        length += taken;
        List<Frame> frames = new ArrayList<>();
        while (length >= SignedRequest.SIZE) {
            SignedRequest request = selfSigned(Arrays.copyOf(buffer, SignedRequest.SIZE));
            if (request == null) {
                shift(1);
                skipped++;
                noiseBytes++;
                continue;
            }
            frames.add(new Frame(request, skipped));
            skipped = 0;
            shift(SignedRequest.SIZE);
        }
        return frames;
    }

    /** Drops a partial frame that nothing completed in time; returns how many bytes it held. */
    int dropPartial() {
        int dropped = length;
        noiseBytes += dropped;
        length = 0;
        skipped = 0;
        return dropped;
    }

    private static SignedRequest selfSigned(byte[] candidate) {
        try {
            SignedRequest request = SignedRequest.decode(candidate, "serial");
            return request.signatureValid() ? request : null;
        } catch (FormatException e) {
            return null;
        }
    }

    private void shift(int n) {
        System.arraycopy(buffer, n, buffer, 0, length - n);
        length -= n;
    }
}
