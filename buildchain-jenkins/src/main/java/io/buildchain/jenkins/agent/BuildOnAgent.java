package io.buildchain.jenkins.agent;

import hudson.remoting.VirtualChannel;
import io.buildchain.core.build.BuildNode;
import io.buildchain.core.build.SourceTime;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;

/**
 * Runs on the agent that owns the output directory: hashes it and signs the request with the agent's builder
 * key, kept under the agent's root. Only the manifest and the 224-byte request travel back.
 */
public final class BuildOnAgent extends MasterToSlaveFileCallable<BuildNode.Output> {
    private static final long serialVersionUID = 1L;
    private final String builderHome;
    private final Long time;
    private final String sourceDateEpoch;
    private final long requestTime;
    private String[] release;

    /**
     * @param builderHome     absolute path on the agent holding its builder key and request chain
     * @param time            the source time given to the step, or null to find it on the agent
     * @param sourceDateEpoch the build's SOURCE_DATE_EPOCH, or null
     */
    public BuildOnAgent(String builderHome, Long time, String sourceDateEpoch, long requestTime) {
        this.builderHome = builderHome;
        this.time = time;
        this.sourceDateEpoch = sourceDateEpoch;
        this.requestTime = requestTime;
    }

    /** Also writes the release record: project, branch, version, revision (or null). */
    public BuildOnAgent withRelease(String project, String branch, String version, String revision) {
        this.release = project == null ? null : new String[] {project, branch, version, revision};
        return this;
    }

    @Override
    public BuildNode.Output invoke(File outputDir, VirtualChannel channel) throws IOException, InterruptedException {
        Path dir = outputDir.toPath();
        long sourceTime = SourceTime.resolve(time, sourceDateEpoch == null ? Map.of()
                : Map.of("SOURCE_DATE_EPOCH", sourceDateEpoch), dir);
        String[] r = release == null ? new String[4] : release;
        return new BuildNode(Path.of(builderHome)).build(dir, sourceTime, requestTime, r[0], r[1], r[2], r[3]);
    }
}
