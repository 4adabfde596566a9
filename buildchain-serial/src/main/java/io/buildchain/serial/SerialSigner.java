package io.buildchain.serial;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.chain.UnexpectedKeyException;
import io.buildchain.core.crypto.PublicKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * pihsm's serial client: write the 224-byte request, read 400 bytes within the deadline, check the reply
 * (self-signed, carrying our request, by the pinned key); on a bad or missing reply read on for one more
 * deadline, using our block if it arrives late, else send the same request again (the node answers a repeat with
 * the same block), 3 tries in all. The deadline is the caller's: a Raspberry Pi under load may take seconds.
 */
public final class SerialSigner implements BlockSigner {
    public static final int TRIES = 3;
    private static final int DRAIN_BYTES = 800;
    private final String port;
    private final int baud;
    private final PublicKey expectedKey;
    private final Duration timeout;
    private final Consumer<String> log;

    public SerialSigner(String port, int baud, PublicKey expectedKey, Duration timeout, Consumer<String> log) {
        this.port = port;
        this.baud = baud;
        this.expectedKey = expectedKey;
        this.timeout = timeout;
        this.log = log;
    }

    public SerialSigner(String port, int baud, PublicKey expectedKey, Consumer<String> log) {
        this(port, baud, expectedKey, SerialLine.TIMEOUT, log);
    }

    /** Signs; the blocks that arrive answering other requests are only logged. */
    @Override
    public Block sign(SignedRequest request) throws IOException {
        return sign(request, block -> { });
    }

    /**
     * Signs, handing {@code late} the blocks that arrive on the line answering other requests (an earlier request
     * given up on while the node stalled, then signed): valid blocks of the signer's chain, which later blocks link
     * through, so they are stored instead of dropped.
     */
    @Override
    public Block sign(SignedRequest request, Consumer<Block> late) throws IOException {
        return sign(request, late, TRIES);
    }

    /** Writes the request once and reads for one try's time (the reply timeout, and as long again for a late reply). */
    @Override
    public Block signOnce(SignedRequest request, Consumer<Block> late) throws IOException {
        return sign(request, late, 1);
    }

    private Block sign(SignedRequest request, Consumer<Block> late, int tries) throws IOException {
        try (SerialLine line = SerialLine.open(port, baud)) {
            String problem = null;
            boolean silent = true;
            for (int attempt = 1; attempt <= tries; attempt++) {
                line.write(request.bytes());
                byte[] reply = line.read(Block.SIZE, timeout);
                silent &= reply.length == 0;
                problem = check(reply, request);
                if (problem == null) {
                    return Block.decode(reply, "signer reply");
                }
                log.accept("try " + attempt + " of " + tries + " on " + port + ": " + problem
                        + "; reading on for " + timeout.toMillis() + " ms"
                        + (attempt < tries ? ", then sending the request again" : ""));
                // pihsm's client drains the line here. A busy or stalled node answers after the deadline: its block
                // is read and used, not drained away (once signed, a block missing from the store breaks the chain).
                ByteArrayOutputStream tail = new ByteArrayOutputStream();
                tail.writeBytes(reply);
                Block answer = lateReply(line, tail, request);
                strays(tail.toByteArray(), request, late);
                if (answer != null) {
                    log.accept("late reply on " + port + " after try " + attempt + ": block "
                            + Long.toUnsignedString(answer.counter()) + " carries this request; using it");
                    return answer;
                }
                silent &= tail.size() == reply.length;
            }
            if (silent && tries == 1) {
                throw new SignerSilentException("no reply from the signer on " + port + " within "
                        + 2 * timeout.toMillis() + " ms");
            }
            if (silent) {
                throw new SignerSilentException("no reply from the signer on " + port + " after " + tries
                        + " tries (is it running?)");
            }
            if (tries == 1) {
                // Sent once, by the caller's choice: it asks the node's key before it sends the request again.
                throw new SignerSilentException("no answer to the request on " + port + ": " + problem);
            }
            throw new BuildchainException("serial request failed " + tries + " tries on " + port + ": " + problem);
        }
    }

    /**
     * Reads the line for one more deadline (at most {@value #DRAIN_BYTES} bytes beyond a block), into {@code seen},
     * returning as soon as {@code seen} holds the block answering {@code request} at any offset; null if it never did.
     */
    private Block lateReply(SerialLine line, ByteArrayOutputStream seen, SignedRequest request) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end && seen.size() < DRAIN_BYTES + Block.SIZE) {
            seen.writeBytes(line.poll(Block.SIZE));
            byte[] bytes = seen.toByteArray();
            int carried = indexOf(bytes, request.bytes());
            int start = carried - (Block.SIZE - SignedRequest.SIZE);
            if (start >= 0) {
                byte[] candidate = Arrays.copyOfRange(bytes, start, start + Block.SIZE);
                if (check(candidate, request) == null) {
                    return Block.decode(candidate, "signer reply");
                }
            }
        }
        return null;
    }

    /** Hands {@code late} each validly signed block in {@code seen} that answers another request than {@code request}. */
    private void strays(byte[] seen, SignedRequest request, Consumer<Block> late) {
        for (int i = 0; i + Block.SIZE <= seen.length; i++) {
            Block block;
            try {
                block = Block.decode(Arrays.copyOfRange(seen, i, i + Block.SIZE), "line");
            } catch (FormatException e) {
                continue;
            }
            if (block.signatureValid() && !block.carries(request)
                    && (expectedKey == null || block.publicKey().equals(expectedKey))) {
                log.accept("block " + Long.toUnsignedString(block.counter()) + " on " + port + " answers an earlier "
                        + "request; keeping it, as later blocks link through it");
                late.accept(block);
                i += Block.SIZE - 1;
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Why {@code reply} is not the answer to {@code request}, or null if it is. */
    private String check(byte[] reply, SignedRequest request) {
        if (reply.length == 0) {
            return "no reply within " + timeout.toMillis() + " ms";
        }
        if (reply.length < Block.SIZE) {
            return "short reply: " + reply.length + " of " + Block.SIZE + " bytes";
        }
        Block block;
        try {
            block = Block.decode(reply, "signer reply");
        } catch (FormatException e) {
            return e.getMessage();
        }
        if (!block.signatureValid()) {
            return "reply signature does not verify";
        }
        if (!block.carries(request)) {
            return "reply carries another request (bytes 176..400 differ)";
        }
        if (expectedKey != null && !block.publicKey().equals(expectedKey)) {
            // A validly signed block by another key is a definite answer: the node has a new key.
            throw new UnexpectedKeyException("signer on " + port + " signs with key " + block.publicKey()
                    + ", but the pinned key is " + expectedKey + " (did the signing node restart? its new key "
                    + "is printed at its start; pin it only if you trust that restart)", block);
        }
        return null;
    }

    /** A node's key is born at its start: only an answer tells which key signs now. */
    @Override
    public boolean keyKnownBeforeSigning() {
        return false;
    }

    @Override
    public java.util.Optional<PublicKey> key() {
        return java.util.Optional.ofNullable(expectedKey);
    }

    @Override
    public String describe() {
        return "serial signer on " + port + " at " + baud + " baud" + (expectedKey == null ? "" : ", key " + expectedKey);
    }
}
