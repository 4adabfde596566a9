package io.buildchain.core.verify;

import io.buildchain.core.chain.Block;
import io.buildchain.core.log.Checkpoint;
import java.io.IOException;

/**
 * How a tail's place in the signer's chain was checked, and what the client remembers once the whole
 * verification has passed.
 *
 * @param checkpoint the log checkpoint used, or null when only the chain was walked
 * @param description one line for the summary
 */
public record History(Block tail, Checkpoint checkpoint, String description) {
    /** Saves the tail (and the checkpoint) as accepted; call only after every other check passed. */
    public void record(LastSeen lastSeen, String project, String branch) throws IOException {
        lastSeen.record(project, branch, tail);
        if (checkpoint != null) {
            lastSeen.checkpoints().record(tail.publicKey(), checkpoint);
        }
    }
}
