package io.buildchain.core.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 private key held as its 32-byte seed (the form pihsm and libsodium use). */
public final class SigningKey {
    public static final int SEED_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;
    private final byte[] seed;
    private final PublicKey publicKey;

    private SigningKey(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes, got " + seed.length);
        }
        this.seed = seed.clone();
        byte[] pub = new byte[PublicKey.LENGTH];
        Ed25519.generatePublicKey(this.seed, 0, pub, 0);
        this.publicKey = PublicKey.wrap(pub);
    }

    public static SigningKey fromSeed(byte[] seed) {
        return new SigningKey(seed);
    }

    public static SigningKey generate(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return new SigningKey(seed);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** Detached Ed25519 signature (64 bytes) over {@code message[offset, offset+length)}. */
    public byte[] sign(byte[] message, int offset, int length) {
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, message, offset, length, signature, 0);
        return signature;
    }

    /** The seed, for writing a key file; never log it. */
    public byte[] seed() {
        return seed.clone();
    }
}
