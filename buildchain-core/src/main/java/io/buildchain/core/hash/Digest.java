package io.buildchain.core.hash;

import io.buildchain.core.encoding.Base32;
import io.buildchain.core.encoding.FixedBytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A SHA-384 digest (48 bytes): names objects in the store and is what the signer signs. */
public final class Digest extends FixedBytes<Digest> {
    public static final int LENGTH = 48;

    private Digest(byte[] bytes) {
        super(bytes, LENGTH, "SHA-384 digest");
    }

    public static Digest wrap(byte[] bytes) {
        return new Digest(bytes);
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
}
