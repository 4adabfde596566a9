package io.buildchain.serial;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SigningNode;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * The signing node's serial loop: {@link RequestFramer} finds requests in the incoming bytes, the
 * {@link SigningNode} answers them. A partial frame left alone for pihsm's 2 s read deadline is dropped.
 * Invalid input gets no reply, as with pihsm.
 */
public final class SignerDaemon {
    private static final int STALE_INPUT_MAX = 1 << 20;
    private static final java.time.Duration STALE_INPUT_WINDOW = java.time.Duration.ofMillis(300);
    private final SerialLine line;
    private final SigningNode node;
    private final Consumer<String> log;
    private final RequestFramer framer = new RequestFramer();
    private long lastByteNanos;
    private volatile boolean stopping;
    private long signed;
    private long repeated;
    private long refused;

    public SignerDaemon(SerialLine line, SigningNode node, Consumer<String> log) {
        this.line = line;
        this.node = node;
        this.log = log;
    }

    /** Serves until {@link #stop()}; a request being handled when stop is asked is finished first. */
    public void serve() throws IOException {
        log.accept("serving on " + line.path() + " at " + line.baud() + " baud");
        while (!stopping) {
            byte[] incoming = line.poll(framer.room());
            long now = System.nanoTime();
            if (incoming.length > 0) {
                lastByteNanos = now;
                for (RequestFramer.Frame frame : framer.feed(incoming, 0, incoming.length)) {
                    if (frame.noiseBefore() > 0) {
                        log.accept("skipped " + frame.noiseBefore() + " bytes of noise before a request");
                    }
                    answer(frame.request());
                }
            } else if (framer.buffered() > 0 && now - lastByteNanos > SerialLine.TIMEOUT.toNanos()) {
                log.accept("dropped " + framer.dropPartial() + " bytes of an incomplete request (nothing more within "
                        + SerialLine.TIMEOUT.toSeconds() + " s)");
            }
        }
        log.accept("stopped: " + signed + " signed, " + repeated + " repeated, " + refused + " refused, "
                + framer.noiseBytes() + " bytes of noise");
    }

    /**
     * Drops the bytes already waiting on the line: they were written before this node started, for a node that
     * is gone, and a request among them must not be signed by this new key with nobody listening for the block.
     * Call before the node's key is announced, so a client that waits for the key loses nothing.
     */
    public void dropStaleInput() throws IOException {
        int stale = line.drain(STALE_INPUT_MAX, STALE_INPUT_WINDOW);
        if (stale > 0) {
            log.accept("discarded " + stale + " bytes written to the line before this signer started");
        }
    }

    public void stop() {
        stopping = true;
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
}
