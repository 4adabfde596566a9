package io.buildchain.core.publish;

import io.buildchain.core.quorum.Evidence;

/**
 * The journal entry written before a request goes to the signer ({@code pending/PROJECT/BRANCH.json}).
 * If the publisher dies after the signer signed, resending the same request gets the same block back
 * (pihsm answers a repeat of its last request without signing again), so the release can be finished.
 *
 * @param request the 224-byte request, hex
 */
record PendingRelease(String project, String branch, String request, Evidence evidence) {
}
