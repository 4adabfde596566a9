package io.buildchain.serial;

import io.buildchain.core.FormatException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SigningNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The signing node's serial loop. pihsm has no framing: a request is whatever 224 bytes arrive. To
 * resynchronise after noise or a partial frame without waiting out timeouts, the daemon slides a window
 * over the incoming bytes and treats the first 224 bytes that are a correctly self-signed request as a
 * frame; bytes before it are noise. A partial frame left alone for pihsm's 2 s read deadline is dropped.
 * Invalid input gets no reply, as with pihsm.
 */
public final class SignerDaemon {
    private final SerialLine line;
    private final SigningNode node;
    private final Consumer<String> log;
    private final byte[] buffer = new byte[4 * SignedRequest.SIZE];
    private int length;
    private long lastByteNanos;
    private int skipped;
    private volatile boolean stopping;
    private long signed;
    private long repeated;
    private long refused;
    private long noiseBytes;

    public SignerDaemon(SerialLine line, SigningNode node, Consumer<String> log) {
        this.line = line;
        this.node = node;
        this.log = log;
    }

    /** Serves until {@link #stop()}; a request being handled when stop is asked is finished first. */
    public void serve() throws IOException {
        log.accept("serving on " + line.path() + " at " + line.baud() + " baud");
        while (!stopping) {
            byte[] incoming = line.poll(buffer.length - length);
            long now = System.nanoTime();
            if (incoming.length > 0) {
                System.arraycopy(incoming, 0, buffer, length, incoming.length);
                length += incoming.length;
                lastByteNanos = now;
                handleFrames();
            } else if (length > 0 && now - lastByteNanos > SerialLine.TIMEOUT.toNanos()) {
                log.accept("dropped " + length + " bytes of an incomplete request (nothing more within "
                        + SerialLine.TIMEOUT.toSeconds() + " s)");
                noiseBytes += length;
                length = 0;
                skipped = 0;
            }
        }
        log.accept("stopped: " + signed + " signed, " + repeated + " repeated, " + refused + " refused, "
                + noiseBytes + " bytes of noise");
    }

    public void stop() {
        stopping = true;
    }

    private void handleFrames() throws IOException {
        while (length >= SignedRequest.SIZE) {
            byte[] candidate = Arrays.copyOf(buffer, SignedRequest.SIZE);
            SignedRequest request = selfSigned(candidate);
            if (request == null) {
                shift(1);
                skipped++;
                noiseBytes++;
                continue;
            }
            if (skipped > 0) {
                log.accept("skipped " + skipped + " bytes of noise before a request");
                skipped = 0;
            }
            shift(SignedRequest.SIZE);
            answer(request);
        }
    }

    private void answer(SignedRequest request) throws IOException {
        String who = "builder " + request.publicKey() + " request " + Long.toUnsignedString(request.counter())
                + " manifest " + request.digest();
        SigningNode.Outcome outcome = node.handle(request.bytes());
        // The log line is written before the reply leaves, so the log never lags what a client has seen.
        if (outcome instanceof SigningNode.Outcome.Signed s) {
            signed++;
            log.accept("signed block " + Long.toUnsignedString(s.block().counter()) + ": " + who);
            line.write(s.block().bytes());
        } else if (outcome instanceof SigningNode.Outcome.Repeated r) {
            Block block = r.block();
            repeated++;
            log.accept("repeated block " + Long.toUnsignedString(block.counter()) + " for the same request: " + who);
            line.write(block.bytes());
        } else {
            refused++;
            log.accept("refused (no reply): " + who + ": " + ((SigningNode.Outcome.Refused) outcome).reason());
        }
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
