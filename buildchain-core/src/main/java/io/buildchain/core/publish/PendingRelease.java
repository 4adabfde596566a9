package io.buildchain.core.publish;

import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.quorum.Evidence;
import java.util.HexFormat;

/**
 * The journal of one release being published ({@code pending/PROJECT/BRANCH.json}), rewritten before each step is
 * acted on, so that the next publish resumes from the step it names ({@link Step}). Every step is idempotent:
 * sending the same request again gets the same block (the node answers a request it signed with its block),
 * storing a stored block or evidence changes nothing, and a tail is never moved back.
 *
 * @param request the 224-byte request, hex
 * @param block   the signed 400-byte block, hex, or null while it is not signed yet
 * @param step    the step reached (null in a journal written before steps were named: SENT, or SIGNED with a block)
 * @param quorum  the quorum the release was decided with (0 in an older journal: the resuming publish's)
 * @param trusted the trusted keys it was decided with, as a key list file holds them (null in an older journal: the
 *                resuming publish's), so that a publish of another branch finishes it with its own
 */
record PendingRelease(String project, String branch, String request, Evidence evidence, String block, Step step,
        int quorum, String trusted) {
    /** A publish's steps, in order; each is journaled before the action that follows it. */
    enum Step {
        /** Vote decided, objects and release view stored, evidence written here: nothing was sent. */
        JOURNALED,
        /** The request is (about to be) on its way to the signer: it may have been signed. */
        SENT,
        /** The block is here: it is stored and checked next, never asked for again. */
        SIGNED,
        /** Block, evidence and request ledger are in the store, the chain is whole: the tail moves next. */
        STORED,
        /** The tail points at the block: the journal is removed, the release is done. */
        TAIL_MOVED
    }

    static PendingRelease journaled(String project, String branch, String request, Evidence evidence, int quorum,
            KeyList trusted) {
        return new PendingRelease(project, branch, request, evidence, null, Step.JOURNALED, quorum, trusted.render());
    }

    /** The step this journal is at, for journals written before steps were named as well. */
    Step reached() {
        return step != null ? step : block != null ? Step.SIGNED : Step.SENT;
    }

    /** This journal at {@code next}; going back to SENT drops the block (one by a key no longer accepted). */
    PendingRelease at(Step next) {
        return new PendingRelease(project, branch, request, evidence, next == Step.SENT ? null : block, next, quorum,
                trusted);
    }

    PendingRelease withBlock(Block signed) {
        return new PendingRelease(project, branch, request, evidence, HexFormat.of().formatHex(signed.bytes()),
                Step.SIGNED, quorum, trusted);
    }
}
