package io.buildchain.core.chain;

import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import java.io.IOException;
import java.util.function.Consumer;

/** Something that turns a builder's request into a signed block: a local key, or a signing node on a serial line. */
public interface BlockSigner {
    Block sign(SignedRequest request) throws IOException;

    /**
     * Signs {@code request} as {@link #sign(SignedRequest)} does, handing {@code late} every valid block that arrives
     * meanwhile for another request: the late answer to one given up on while the signing node stalled, signed since.
     * Later blocks link through it, so the caller stores it. A signer that brings no such blocks just signs.
     */
    default Block sign(SignedRequest request, Consumer<Block> late) throws IOException {
        return sign(request);
    }

    /**
     * Signs as {@link #sign(SignedRequest, Consumer)} does, but writes the request only once: a silent node is read
     * on, not sent the request again. A node silent that long may have restarted with a new key, so the publisher
     * learns the key again with a request of its own before a builder's request goes out a second time. A signer
     * whose key cannot change just signs.
     */
    default Block signOnce(SignedRequest request, Consumer<Block> late) throws IOException {
        return sign(request, late);
    }

    /** The key it will sign with, when known before signing (a local key, or the node's pinned key). */
    default java.util.Optional<PublicKey> key() {
        return java.util.Optional.empty();
    }

    /**
     * False for a signer that may have restarted with a new key since it was last asked (a signing node): the
     * publisher then learns the key from a request of its own before any builder's request goes out.
     */
    default boolean keyKnownBeforeSigning() {
        return true;
    }

    /** For logs: "local key X" or "serial /dev/ttyUSB0". */
    String describe();

    /**
     * pihsm's client checks on a reply: 400 bytes, self-signed, carrying exactly our request, and (beyond
     * pihsm) signed by the pinned key when one is given.
     */
    static Block checkReply(byte[] reply, SignedRequest request, PublicKey expectedKey) {
        Block block = Block.decode(reply, "signer reply");
        block.verifySignature("signer reply");
        if (!block.carries(request)) {
            throw new VerificationException("signer reply does not carry our request (bytes 176..400 differ)");
        }
        if (expectedKey != null && !block.publicKey().equals(expectedKey)) {
            throw new VerificationException("signer reply is signed by " + block.publicKey() + ", expected the pinned key "
                    + expectedKey + " (did the signing node restart with a new key?)");
        }
        return block;
    }
}
