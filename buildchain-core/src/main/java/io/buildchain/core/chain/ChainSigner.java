package io.buildchain.core.chain;

import io.buildchain.core.crypto.SigningKey;

/**
 * pihsm's Signer: adds 1 to the counter, then signs {@code key | previous | counter | timestamp | payload};
 * the new signature becomes the previous of the next message. Not thread-safe; callers serialise.
 */
public final class ChainSigner {
    private final SigningKey key;
    private byte[] previous;
    private long counter;

    /** A chain that continues after a message with signature {@code previous} and {@code counter}. */
    public ChainSigner(SigningKey key, byte[] previous, long counter) {
        if (previous.length != SigningKey.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("previous signature must be 64 bytes");
        }
        this.key = key;
        this.previous = previous.clone();
        this.counter = counter;
    }

    public static ChainSigner startingAt(Genesis genesis, SigningKey key) {
        return new ChainSigner(key, genesis.signature(), 0);
    }

    /** Signs the next message of the chain and returns its bytes. */
    public byte[] sign(byte[] payload, long timestamp) {
        if (counter == -1L) {
            throw new IllegalStateException("counter would overflow");
        }
        long next = counter + 1;
        byte[] message = new byte[ChainedMessage.PREFIX + payload.length];
        System.arraycopy(key.publicKey().bytes(), 0, message, 64, 32);
        System.arraycopy(previous, 0, message, 96, 64);
        LittleEndian.write(next, message, 160);
        LittleEndian.write(timestamp, message, 168);
        System.arraycopy(payload, 0, message, ChainedMessage.PREFIX, payload.length);
        byte[] signature = key.sign(message, 64, message.length - 64);
        System.arraycopy(signature, 0, message, 0, 64);
        counter = next;
        previous = signature;
        return message;
    }

    public long counter() {
        return counter;
    }
}
