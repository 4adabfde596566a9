package io.buildchain.core.view;

import io.buildchain.core.chain.Block;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import java.util.List;

/**
 * One signed release as a page shows it.
 *
 * @param manifest  null when the manifest object is missing from the store
 * @param evidence  null for releases published without quorum evidence (e.g. by the original tool)
 * @param files     the release's files with their stored sizes (-1 if the object is missing)
 */
public record ReleaseView(String project, String branch, Block block, Manifest manifest, Evidence evidence,
        List<FileView> files) {

    public record FileView(String name, String digest, long size) {
    }

    public boolean diverged() {
        return evidence != null && evidence.divergence() != null && !evidence.divergence().isEmpty();
    }
}
