package io.buildchain.serial;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.chain.UnexpectedKeyException;
import io.buildchain.core.crypto.PublicKey;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * pihsm's serial client: write the 224-byte request, read 400 bytes within the deadline, check the reply
 * (self-signed, carrying our request, by the pinned key); on a bad or missing reply drain the line and
 * send the same request again (the node answers a repeat with the same block), 3 tries in all.
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

    @Override
    public Block sign(SignedRequest request) throws IOException {
        try (SerialLine line = SerialLine.open(port, baud)) {
            String problem = null;
            boolean silent = true;
            for (int attempt = 1; attempt <= TRIES; attempt++) {
                line.write(request.bytes());
                byte[] reply = line.read(Block.SIZE, timeout);
                silent &= reply.length == 0;
                problem = check(reply, request);
                if (problem == null) {
                    return Block.decode(reply, "signer reply");
                }
                log.accept("try " + attempt + " of " + TRIES + " on " + port + ": " + problem
                        + (attempt < TRIES ? "; draining the line and sending the request again" : ""));
                line.drain(DRAIN_BYTES, timeout);
            }
            if (silent) {
                throw new SignerSilentException("no reply from the signer on " + port + " after " + TRIES
                        + " tries (is it running?)");
            }
            throw new BuildchainException("serial request failed " + TRIES + " tries on " + port + ": " + problem);
        }
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
