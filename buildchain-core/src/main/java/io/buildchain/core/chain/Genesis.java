package io.buildchain.core.chain;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.encoding.Base32;
import java.util.Arrays;

/**
 * The first node of a pihsm chain (96 bytes): {@code signature(64) | public key(32)}, the key signing
 * itself. Block and request counter 1 point to its signature.
 */
public final class Genesis {
    public static final int SIZE = 96;
    private final byte[] bytes;

    private Genesis(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Genesis create(SigningKey key) {
        byte[] bytes = new byte[SIZE];
        byte[] pub = key.publicKey().bytes();
        System.arraycopy(key.sign(pub, 0, pub.length), 0, bytes, 0, 64);
        System.arraycopy(pub, 0, bytes, 64, 32);
        return new Genesis(bytes);
    }

    /** Decodes and verifies a stored genesis. */
    public static Genesis decode(byte[] bytes, String what) {
        if (bytes.length != SIZE) {
            throw new FormatException(what + ": a genesis is 96 bytes, got " + bytes.length);
        }
        Genesis genesis = new Genesis(bytes.clone());
        genesis.verify(what);
        return genesis;
    }

    /** Rebuilds the genesis that the first chained message of {@code key} points to. */
    public static Genesis of(PublicKey key, byte[] signature) {
        byte[] bytes = new byte[SIZE];
        System.arraycopy(signature, 0, bytes, 0, 64);
        System.arraycopy(key.bytes(), 0, bytes, 64, 32);
        return new Genesis(bytes);
    }

    public void verify(String what) {
        if (!publicKey().verify(bytes, 0, bytes, 64, 32)) {
            throw new VerificationException(what + ": genesis signature does not verify for key "
                    + publicKey().base32());
        }
    }

    public PublicKey publicKey() {
        return PublicKey.wrap(bytes, 64);
    }

    public byte[] signature() {
        return Arrays.copyOf(bytes, 64);
    }

    public String signatureBase32() {
        return Base32.encode(signature());
    }

    public byte[] bytes() {
        return bytes.clone();
    }
}
