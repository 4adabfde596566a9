package io.buildchain.core.verify;

import io.buildchain.core.chain.Block;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.root.KeyHistory;

/**
 * How a tail's place in the signer's chain was checked.
 *
 * @param checkpoint the store's newest log checkpoint of the tail's key, or null when it has no log
 * @param description one line for the summary
 * @param keys the signer keys the tail was checked against (under a root, the certificate set to remember)
 */
public record History(Block tail, Checkpoint checkpoint, String description, KeyHistory keys) {
    /** One key's chain, checked against that key alone. */
    public History(Block tail, Checkpoint checkpoint, String description) {
        this(tail, checkpoint, description, KeyHistory.pinned(tail.publicKey()));
    }
}
