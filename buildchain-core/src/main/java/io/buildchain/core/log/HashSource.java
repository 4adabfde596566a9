package io.buildchain.core.log;

import java.io.IOException;

/**
 * Hashes of complete subtrees of a log: the one of height {@code height} (2^height leaves) at position
 * {@code index} among the subtrees of that height, counted from the left. Backed by tiles on disk, over
 * HTTP, or a list in memory.
 */
@FunctionalInterface
public interface HashSource {
    byte[] subtree(int height, long index) throws IOException;
}
