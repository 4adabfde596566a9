package io.buildchain.core.publish;

import io.buildchain.core.Remedies;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Why the signer would not sign a request, and what to do about it, in one line. A serial signer refuses
 * by staying silent, so the store's own blocks are asked whether the builder's counter is stale.
 */
final class Refusal {
    private Refusal() {
    }

    static String explain(Store store, SignedRequest request, String signerSaid, Remedies remedies)
            throws IOException {
        PublicKey builder = request.publicKey();
        String counter = Long.toUnsignedString(request.counter());
        OptionalLong newest = newestCounterInStore(store, builder);
        if (newest.isPresent() && Long.compareUnsigned(request.counter(), newest.getAsLong()) <= 0) {
            return "stale counter: builder " + builder + " sent request counter " + counter + ", but the store already "
                    + "holds its request " + Long.toUnsignedString(newest.getAsLong()) + " (was its state directory lost?); "
                    + remedies.resumeAfter(newest.getAsLong()) + " (signer said: " + signerSaid + ")";
        }
        if (signerSaid.contains("allow-list")) {
            return "key not allowed: builder " + builder + " is not on the signer's allow-list; add it there, or leave "
                    + "that builder out (signer said: " + signerSaid + ")";
        }
        if (signerSaid.contains("out-of-date")) {
            return "stale counter: builder " + builder + " sent request counter " + counter + ", not above what the "
                    + "signer already signed for it (was its state directory lost?); on that builder run 'buildchain "
                    + "request --resume-after N ...' with N the counter the signer names (signer said: " + signerSaid + ")";
        }
        return signerSaid + " (builder " + builder + ", request counter " + counter + ": its counter may be stale or "
                + "its key not on the signer's allow-list)";
    }

    /** The highest request counter of {@code builder} carried by any block in the store, if any. */
    private static OptionalLong newestCounterInStore(Store store, PublicKey builder) throws IOException {
        Path blocks = store.root().resolve("block");
        if (!Files.isDirectory(blocks)) {
            return OptionalLong.empty();
        }
        long newest = 0;
        boolean found = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(blocks)) {
            for (Path file : files) {
                if (Files.size(file) != Block.SIZE) {
                    continue;
                }
                SignedRequest carried = Block.decode(Files.readAllBytes(file), file.toString()).request();
                if (carried.publicKey().equals(builder)
                        && (!found || Long.compareUnsigned(carried.counter(), newest) > 0)) {
                    newest = carried.counter();
                    found = true;
                }
            }
        }
        return found ? OptionalLong.of(newest) : OptionalLong.empty();
    }
}
