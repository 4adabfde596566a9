package io.buildchain.core.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Ed25519 checks of many chained messages at once, on every core: a verifier collects the blocks and
 * requests it has to trust, then calls {@link #verifyAll()}. The outcome is the one a check in collection
 * order would give: the first invalid message (in the order added) fails, with its own description.
 */
public final class SignatureBatch {
    /** Below this many signatures the hand-over to other threads costs more than it saves. */
    private static final int PARALLEL_THRESHOLD = 64;

    private final List<ChainedMessage> messages = new ArrayList<>();
    private final List<String> descriptions = new ArrayList<>();

    /** Adds {@code message}, described as {@code what} if its signature does not verify. */
    public SignatureBatch add(ChainedMessage message, String what) {
        messages.add(message);
        descriptions.add(what);
        return this;
    }

    /** Adds a block and the builder request inside it, as a chain verifier trusts both. */
    public SignatureBatch addBlock(Block block, String where) {
        return add(block, where).add(block.request(), "builder request inside " + where);
    }

    public int size() {
        return messages.size();
    }

    /** Verifies every signature added; throws for the first (in the order added) that does not verify. */
    public void verifyAll() {
        int count = messages.size();
        boolean[] valid = new boolean[count];
        IntStream indexes = IntStream.range(0, count);
        (count >= PARALLEL_THRESHOLD ? indexes.parallel() : indexes)
                .forEach(i -> valid[i] = messages.get(i).signatureValid());
        for (int i = 0; i < count; i++) {
            if (!valid[i]) {
                messages.get(i).verifySignature(descriptions.get(i));
            }
        }
    }
}
