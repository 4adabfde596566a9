package io.buildchain.core.publish;

import io.buildchain.core.chain.Block;
import io.buildchain.core.quorum.Evidence;
import java.util.HexFormat;

/**
 * The journal entry written before a request goes to the signer ({@code pending/PROJECT/BRANCH.json}).
 * If the publisher dies after the signer signed, resending the same request gets the same block back
 * (pihsm answers a repeat of its last request without signing again), so the release can be finished.
 *
 * A release whose block is signed but whose chain back to the genesis is not whole in the store keeps its
 * block here until the missing blocks are brought in.
 *
 * @param request the 224-byte request, hex
 * @param block   the signed 400-byte block, hex, or null while it is not signed yet
 */
record PendingRelease(String project, String branch, String request, Evidence evidence, String block) {
    PendingRelease withBlock(Block signed) {
        return new PendingRelease(project, branch, request, evidence, HexFormat.of().formatHex(signed.bytes()));
    }
}
