package io.buildchain.core.hash;

import io.buildchain.core.encoding.Base32;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** A SHA-384 digest (48 bytes): names objects in the store and is what the signer signs. */
public final class Digest implements Comparable<Digest> {
    public static final int LENGTH = 48;
    private final byte[] bytes;

    private Digest(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Digest wrap(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("SHA-384 digest must be 48 bytes, got " + bytes.length);
        }
        return new Digest(bytes.clone());
    }

    public static Digest of(byte[] data) {
        return new Digest(newSha384().digest(data));
    }

    /** Strict parse of the 77-character canonical form used in manifests and store names. */
    public static Digest parse(String base32, String what) {
        return new Digest(Base32.decodeCanonical(base32, LENGTH, what));
    }

    public static MessageDigest newSha384() {
        try {
            return MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-384", e);
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String base32() {
        return Base32.encode(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Digest other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return base32();
    }
}
