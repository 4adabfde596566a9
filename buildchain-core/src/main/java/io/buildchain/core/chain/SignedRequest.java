package io.buildchain.core.chain;

import io.buildchain.core.hash.Digest;
import java.util.Arrays;

/**
 * A builder's signing request (224 bytes): a chained message whose payload is the SHA-384 of the
 * manifest. pihsm's client writes exactly these bytes to the serial line.
 */
public final class SignedRequest extends ChainedMessage {
    public static final int SIZE = 224;

    private SignedRequest(byte[] bytes, String what) {
        super(bytes, SIZE, "signing request", what);
    }

    /** Checks the shape only; call {@link #verifySignature} before trusting it. */
    public static SignedRequest decode(byte[] bytes, String what) {
        return new SignedRequest(bytes, what);
    }

    /** The manifest digest this request asks to have signed. */
    public Digest digest() {
        return Digest.wrap(Arrays.copyOfRange(bytes, PREFIX, SIZE));
    }
}
