package io.buildchain.core.chain;

import io.buildchain.core.hash.Digest;
import java.util.Arrays;

/**
 * A signer's response (400 bytes): a chained message whose payload is the builder's request, byte for
 * byte. The manifest digest sits at bytes 352..400.
 */
public final class Block extends ChainedMessage {
    public static final int SIZE = 400;

    private Block(byte[] bytes, String what) {
        super(bytes, SIZE, "block", what);
    }

    /** Checks the shape only (size, counter); call {@link #verifySignature} before trusting it. */
    public static Block decode(byte[] bytes, String what) {
        return new Block(bytes, what);
    }

    /** The embedded request (its own signature is not checked here). */
    public SignedRequest request() {
        return SignedRequest.decode(Arrays.copyOfRange(bytes, PREFIX, SIZE), "request inside block " + signatureBase32());
    }

    public Digest digest() {
        return Digest.wrap(Arrays.copyOfRange(bytes, SIZE - Digest.LENGTH, SIZE));
    }

    /** True if this block carries exactly {@code request} (pihsm's client check on bytes 176..400). */
    public boolean carries(SignedRequest request) {
        return Arrays.equals(bytes, PREFIX, SIZE, request.bytes, 0, SignedRequest.SIZE);
    }
}
