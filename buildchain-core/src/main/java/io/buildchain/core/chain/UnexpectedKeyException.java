package io.buildchain.core.chain;

import io.buildchain.core.VerificationException;

/**
 * The signer answered with a valid block carrying our request, but signed by another key than the pinned one (a
 * restarted signing node). The block is kept with the exception: it is part of the new key's chain, and a
 * publisher journals it so that it is stored once that key is certified.
 */
public class UnexpectedKeyException extends VerificationException {
    private final transient Block block;

    public UnexpectedKeyException(String message, Block block) {
        super(message);
        this.block = block;
    }

    public Block block() {
        return block;
    }
}
