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
 *
 * <p>What crosses the channel is a class of this plugin's own jar holding JDK values: Jenkins' class filter
 * rejects classes of bundled library jars such as buildchain-core's {@code BuildNode.Output}.
 */
public final class BuildOnAgent extends MasterToSlaveFileCallable<BuildOnAgent.Reply> {
    private static final long serialVersionUID = 1L;
    private final String builderHome;
    private final Long time;
    private final String sourceDateEpoch;
    private final long requestTime;
    private String[] release;

    /** What one build produced: the manifest, the signed request and the builder key that signed it. */
    public static final class Reply implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] manifest;
        private final byte[] request;
        private final String builderKey;
        private final String manifestDigest;
        private final int files;
        private final boolean keyCreated;

        Reply(BuildNode.Output output) {
            this.manifest = output.manifest().clone();
            this.request = output.request().clone();
            this.builderKey = output.builderKey();
            this.manifestDigest = output.manifestDigest();
            this.files = output.files();
            this.keyCreated = output.keyCreated();
        }

        public byte[] manifest() {
            return manifest.clone();
        }

        public byte[] request() {
            return request.clone();
        }

        public String builderKey() {
            return builderKey;
        }

        public String manifestDigest() {
            return manifestDigest;
        }

        public int files() {
            return files;
        }

        /** Whether this build created the agent's builder key (it must be trusted before it counts). */
        public boolean keyCreated() {
            return keyCreated;
        }
    }

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
    public Reply invoke(File outputDir, VirtualChannel channel) throws IOException, InterruptedException {
        Path dir = outputDir.toPath();
        long sourceTime = SourceTime.resolve(time, sourceDateEpoch == null ? Map.of()
                : Map.of("SOURCE_DATE_EPOCH", sourceDateEpoch), dir);
        String[] r = release == null ? new String[4] : release;
        return new Reply(new BuildNode(Path.of(builderHome)).build(dir, sourceTime, requestTime, r[0], r[1], r[2],
                r[3]));
    }
}
