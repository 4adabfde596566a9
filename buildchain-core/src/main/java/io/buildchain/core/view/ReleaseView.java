package io.buildchain.core.view;

import io.buildchain.core.chain.Block;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.release.ReleaseRecord;
import java.util.List;

/**
 * One signed block of a branch's chain as a page shows it: a release, or a log checkpoint block the signer
 * signed between releases.
 *
 * @param manifest   null when the manifest object is missing from the store (always for a checkpoint)
 * @param evidence   null for releases published without quorum evidence (e.g. by the original tool)
 * @param files      the release's files with their stored sizes (-1 if the object is missing)
 * @param record     what the release says about itself (version, revision), or null if it carries no valid record
 * @param votes      the recounted vote, null without evidence
 * @param checkpoint the block signs a log checkpoint, not a release
 */
public record ReleaseView(String project, String branch, Block block, Manifest manifest, Evidence evidence,
        List<FileView> files, ReleaseRecord record, VoteCount votes, boolean checkpoint) {

    public ReleaseView(String project, String branch, Block block, Manifest manifest, Evidence evidence,
            List<FileView> files) {
        this(project, branch, block, manifest, evidence, files, null, null, false);
    }

    public record FileView(String name, String digest, long size) {
    }

    public boolean diverged() {
        return evidence != null && !evidence.divergenceLines().isEmpty();
    }

    /** A release a person looks for: not a checkpoint, and with evidence or at least its manifest. */
    public boolean isRelease() {
        return !checkpoint && (evidence != null || manifest != null);
    }

    ReleaseView labelled(String project, String branch) {
        return new ReleaseView(project, branch, block, manifest, evidence, files, record, votes, checkpoint);
    }
}
