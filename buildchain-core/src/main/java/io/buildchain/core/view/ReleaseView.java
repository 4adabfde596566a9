package io.buildchain.core.view;

import io.buildchain.core.chain.Block;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.release.ReleaseRecord;
import java.util.List;

/**
 * One signed release as a page shows it.
 *
 * @param manifest  null when the manifest object is missing from the store
 * @param evidence  null for releases published without quorum evidence (e.g. by the original tool)
 * @param files     the release's files with their stored sizes (-1 if the object is missing)
 * @param record    what the release says about itself (version, revision), or null if it carries no valid record
 */
public record ReleaseView(String project, String branch, Block block, Manifest manifest, Evidence evidence,
        List<FileView> files, ReleaseRecord record) {

    public ReleaseView(String project, String branch, Block block, Manifest manifest, Evidence evidence,
            List<FileView> files) {
        this(project, branch, block, manifest, evidence, files, null);
    }

    public record FileView(String name, String digest, long size) {
    }

    public boolean diverged() {
        return evidence != null && !evidence.divergenceLines().isEmpty();
    }
}
