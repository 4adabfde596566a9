package io.buildchain.core.verify;

import io.buildchain.core.chain.Block;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.root.KeyHistory;
import java.io.IOException;

/**
 * How a tail's place in the signer's chain was checked, and what the client remembers once the whole
 * verification has passed.
 *
 * @param checkpoint the log checkpoint used, or null when only the chain was walked
 * @param description one line for the summary
 * @param keys the signer keys the tail was checked against (under a root, the certificate set to remember)
 */
public record History(Block tail, Checkpoint checkpoint, String description, KeyHistory keys) {
    /** One key's chain, checked against that key alone. */
    public History(Block tail, Checkpoint checkpoint, String description) {
        this(tail, checkpoint, description, KeyHistory.pinned(tail.publicKey()));
    }

    /** Saves the tail (and the checkpoint, and the certificate set) as accepted; call only after every other check passed. */
    public void record(LastSeen lastSeen, String project, String branch) throws IOException {
        lastSeen.record(project, branch, tail, keys);
        if (checkpoint != null) {
            lastSeen.checkpoints().record(tail.publicKey(), checkpoint);
        }
    }
}
