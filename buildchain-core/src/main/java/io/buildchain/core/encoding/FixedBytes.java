package io.buildchain.core.encoding;

import java.security.MessageDigest;
import java.util.Arrays;

/** A value of a fixed number of bytes (a key, a digest), compared by content and shown in base32. */
public abstract class FixedBytes<T extends FixedBytes<T>> implements Comparable<T> {
    private final byte[] bytes;

    protected FixedBytes(byte[] bytes, int length, String kind) {
        if (bytes.length != length) {
            throw new IllegalArgumentException(kind + " must be " + length + " bytes, got " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    public final byte[] bytes() {
        return bytes.clone();
    }

    public final String base32() {
        return Base32.encode(bytes);
    }

    @Override
    public final boolean equals(Object other) {
        return other != null && other.getClass() == getClass()
                && MessageDigest.isEqual(bytes, ((FixedBytes<?>) other).bytes);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public final int compareTo(T other) {
        return Arrays.compareUnsigned(bytes, ((FixedBytes<?>) other).bytes);
    }

    @Override
    public final String toString() {
        return base32();
    }
}
