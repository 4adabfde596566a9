package io.buildchain.core.chain;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The signing node's decisions, whatever carries the bytes (serial line or a local call). Follows pihsm:
 * only 224-byte self-signed requests are signed, and the exact last request gets the same block again.
 * Beyond pihsm, still wire-compatible: an optional allow-list of builder keys, each builder's
 * counter must move forward, so an old request cannot be replayed, and a request signed since the node
 * started (up to {@value #REMEMBERED} of them) gets its block again, so a client whose reply was lost finds the
 * block even after the node signed other requests.
 */
public final class SigningNode {
    /** What the node did with one request. */
    public sealed interface Outcome {
        /** A new block was signed and recorded. */
        record Signed(Block block) implements Outcome {
        }

        /** The request was the last one signed; its block is returned again, nothing new is signed. */
        record Repeated(Block block) implements Outcome {
        }

        /** No reply is due (pihsm stays silent on invalid input); the reason is for the log. */
        record Refused(String reason) implements Outcome {
        }
    }

    private final SigningKey key;
    private final Genesis genesis;
    private final SignerState state;
    private final KeyList allowList;
    private final Clock clock;
    static final int REMEMBERED = 4096;
    private final Map<PublicKey, Long> builderCounters;
    /** The blocks signed since start, by their request's signature (which is unique per request), oldest first. */
    private final Map<String, Block> recent = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Block> eldest) {
            return size() > REMEMBERED;
        }
    };
    private byte[] previous;
    private long counter;
    private Block lastBlock;

    private SigningNode(SigningKey key, SignerState state, KeyList allowList, Clock clock,
            SignerState.Resumed resumed) {
        this.key = key;
        this.state = state;
        this.allowList = allowList;
        this.clock = clock;
        this.genesis = resumed.genesis();
        this.builderCounters = new HashMap<>(resumed.builderCounters());
        this.lastBlock = resumed.tail();
        this.previous = lastBlock == null ? genesis.signature() : lastBlock.signature();
        this.counter = lastBlock == null ? 0 : lastBlock.counter();
    }

    /**
     * Starts a node for {@code key}, resuming its chain from {@code state} if the state's tail is this key's.
     *
     * @param allowList builder keys whose requests are signed, or null to sign any self-signed request
     */
    public static SigningNode start(SigningKey key, SignerState state, KeyList allowList, Clock clock)
            throws IOException {
        return new SigningNode(key, state, allowList, clock, state.resume(key));
    }

    public synchronized Outcome handle(byte[] raw) throws IOException {
        if (raw.length != SignedRequest.SIZE) {
            return new Outcome.Refused("expected a 224-byte request, got " + raw.length + " bytes");
        }
        SignedRequest request;
        try {
            request = SignedRequest.decode(raw, "request");
        } catch (io.buildchain.core.FormatException e) {
            return new Outcome.Refused(e.getMessage());
        }
        if (!request.signatureValid()) {
            return new Outcome.Refused("request signature does not verify for key " + request.publicKey());
        }
        if (lastBlock != null && lastBlock.carries(request)) {
            return new Outcome.Repeated(lastBlock);
        }
        Block earlier = recent.get(request.signatureBase32());
        if (earlier != null && earlier.carries(request)) {
            return new Outcome.Repeated(earlier);
        }
        PublicKey builder = request.publicKey();
        if (allowList != null && !allowList.contains(builder)) {
            return new Outcome.Refused("builder key " + builder + " is not on the allow-list");
        }
        Long lastCounter = builderCounters.get(builder);
        if (lastCounter != null && Long.compareUnsigned(request.counter(), lastCounter) <= 0) {
            return new Outcome.Refused("replayed or out-of-date request from " + builder + ": counter "
                    + Long.toUnsignedString(request.counter()) + ", but " + Long.toUnsignedString(lastCounter)
                    + " was already signed");
        }
        long now = Math.max(0, clock.instant().getEpochSecond());
        Block block = Block.decode(new ChainSigner(key, previous, counter).sign(raw, now), "new block");
        Map<PublicKey, Long> counters = new HashMap<>(builderCounters);
        counters.put(builder, request.counter());
        state.record(block, counters);
        // Only once the block is on disk does it become the chain's tail in memory.
        builderCounters.put(builder, request.counter());
        previous = block.signature();
        counter = block.counter();
        lastBlock = block;
        recent.put(request.signatureBase32(), block);
        return new Outcome.Signed(block);
    }

    public PublicKey publicKey() {
        return key.publicKey();
    }

    public Genesis genesis() {
        return genesis;
    }

    public synchronized long counter() {
        return counter;
    }
}
