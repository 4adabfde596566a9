package io.buildchain.core.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 6962 hashing: SHA-256 with a 0x00 prefix for leaves and 0x01 for interior nodes. */
public final class TreeHash {
    public static final int SIZE = 32;

    private TreeHash() {
    }

    public static byte[] leaf(byte[] entry) {
        MessageDigest sha = sha256();
        sha.update((byte) 0);
        return sha.digest(entry);
    }

    public static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 1);
        sha.update(left);
        return sha.digest(right);
    }

    /** The root of the empty tree: SHA-256 of nothing. */
    public static byte[] empty() {
        return sha256().digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
