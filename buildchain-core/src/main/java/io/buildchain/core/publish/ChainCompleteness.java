package io.buildchain.core.publish;

import io.buildchain.core.Remedies;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A tail may only move to a block users can verify: its previous links must reach the signer's genesis
 * through blocks in the store. The walk is the verifier's own, so the publisher and users agree.
 */
final class ChainCompleteness {
    private ChainCompleteness() {
    }

    static void check(Store store, Block block, Remedies remedies) throws IOException {
        try {
            new ChainVerifier(StoreReader.of(store.root()), block.publicKey()).walkChain(block);
        } catch (VerificationException e) {
            throw new ChainIncompleteException("block " + Long.toUnsignedString(block.counter()) + " "
                    + block.signatureBase32() + " is signed but not published: " + e.getMessage()
                    + missingCounters(store, block) + "; " + remedies.missingBlocks(store.root())
                    + "; the next publish then finishes this release");
        }
    }

    /** ", missing counters 3-5" for the signer's counters below {@code block} with no block in the store. */
    private static String missingCounters(Store store, Block block) throws IOException {
        if (Long.compareUnsigned(block.counter(), 1_000_000) > 0) {
            return ""; // too long a chain to list its gaps in a message
        }
        TreeSet<Long> present = new TreeSet<>();
        Path blocks = store.root().resolve("block");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(blocks)) {
            for (Path file : files) {
                if (Files.size(file) == Block.SIZE) {
                    Block stored = Block.decode(Files.readAllBytes(file), file.toString());
                    if (stored.publicKey().equals(block.publicKey())) {
                        present.add(stored.counter());
                    }
                }
            }
        }
        List<String> ranges = new ArrayList<>();
        long start = -1;
        for (long counter = 1; counter < block.counter(); counter++) {
            boolean missing = !present.contains(counter);
            if (missing && start < 0) {
                start = counter;
            }
            if (start >= 0 && (!missing || counter == block.counter() - 1)) {
                long end = missing ? counter : counter - 1;
                ranges.add(start == end ? String.valueOf(start) : start + "-" + end);
                start = -1;
            }
        }
        return ranges.isEmpty() ? "" : " (signer counters with no block in the store: " + String.join(", ", ranges) + ")";
    }
}
