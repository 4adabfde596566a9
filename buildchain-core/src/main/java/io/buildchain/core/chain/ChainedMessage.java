package io.buildchain.core.chain;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.encoding.Base32;
import java.util.Arrays;

/**
 * A pihsm chained message: {@code signature(64) | public key(32) | previous(64) | counter u64le |
 * timestamp u64le | payload}. The signature covers every byte from offset 64 on.
 */
public abstract sealed class ChainedMessage permits SignedRequest, Block {
    public static final int PREFIX = 176;
    protected final byte[] bytes;

    ChainedMessage(byte[] bytes, int size, String kind, String what) {
        if (bytes.length != size) {
            throw new FormatException(what + ": a " + kind + " is " + size + " bytes, got " + bytes.length);
        }
        this.bytes = bytes.clone();
        if (counter() == 0) {
            throw new FormatException(what + ": " + kind + " counter is 0 (counters start at 1)");
        }
    }

    public byte[] signature() {
        return Arrays.copyOfRange(bytes, 0, 64);
    }

    public String signatureBase32() {
        return Base32.encode(signature());
    }

    public PublicKey publicKey() {
        return PublicKey.wrap(bytes, 64);
    }

    /** Signature of the previous message of the same signer (its genesis when the counter is 1). */
    public byte[] previous() {
        return Arrays.copyOfRange(bytes, 96, 160);
    }

    /** Unsigned; counters start at 1. */
    public long counter() {
        return LittleEndian.read(bytes, 160);
    }

    public long timestamp() {
        return LittleEndian.read(bytes, 168);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean signatureValid() {
        return publicKey().verify(bytes, 0, bytes, 64, bytes.length - 64);
    }

    /** Throws naming {@code what} if the message's own signature does not verify. */
    public void verifySignature(String what) {
        if (!signatureValid()) {
            throw new VerificationException(what + ": signature does not verify for key " + publicKey().base32());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other != null && other.getClass() == getClass() && Arrays.equals(bytes, ((ChainedMessage) other).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
