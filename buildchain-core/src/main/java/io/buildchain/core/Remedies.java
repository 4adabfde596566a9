package io.buildchain.core;

import io.buildchain.core.crypto.PublicKey;
import java.nio.file.Path;

/**
 * How a front end tells its user to do the recoveries a refusal asks for: the command line names its commands, a CI
 * server what its users can do there (they have no shell on the controller, the agents or the signing node).
 */
public interface Remedies {
    /** What to do when a builder's request counter is stale: its next request is numbered above {@code counter}. */
    String resumeAfter(long counter);

    /** What to do when {@code store} lacks blocks of the signer's chain, which the signing node keeps. */
    String missingBlocks(Path store);

    /** What to do when a signing node started with an allow-list is silent to the publisher's own request key. */
    String allowRequestKey(PublicKey key, Path store);

    /** The command line's remedies. */
    Remedies COMMANDS = new Remedies() {
        @Override
        public String resumeAfter(long counter) {
            return "on that builder run 'buildchain request --resume-after " + Long.toUnsignedString(counter)
                    + " ...' and submit again";
        }

        @Override
        public String missingBlocks(Path store) {
            return "bring the missing blocks in with 'buildchain import-blocks --store " + store + " FILE|DIR...' (the "
                    + "signer keeps every block in its state directory's chain/), or sign with 'buildchain sign --store'";
        }

        @Override
        public String allowRequestKey(PublicKey key, Path store) {
            return "a signer started with --allow must list the checkpoint request key " + key + " (buildchain log-key "
                    + "--store " + store + ")";
        }
    };
}
