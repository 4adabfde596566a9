package io.buildchain.core.chain;

import io.buildchain.core.VerificationException;

/**
 * The signer answered with a valid block carrying our request, but signed by another key than the pinned one (a
 * restarted signing node). The block is kept with the exception: it is part of the new key's chain, and a
 * publisher journals it so that it is stored once that key is certified. It is kept as its bytes, so that it
 * survives serialization (a Jenkins agent throws this to the controller).
 */
public class UnexpectedKeyException extends VerificationException {
    private final byte[] block;

    public UnexpectedKeyException(String message, Block block) {
        super(message);
        this.block = block.bytes();
    }

    public Block block() {
        return Block.decode(block, "block of the unexpected key");
    }
}
