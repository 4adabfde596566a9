package io.buildchain.jenkins.agent;

import hudson.remoting.VirtualChannel;
import io.buildchain.core.build.BuildEnvironment;
import io.buildchain.core.build.BuildNode;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.build.SourceTime;
import io.buildchain.core.intoto.BuilderAttestations;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import jenkins.MasterToSlaveFileCallable;

/**
 * Runs on the agent that owns the output directory: hashes it and signs the request with the agent's builder
 * key, kept under the agent's root, and signs a buildinfo of the build's environment with the same key (and, when
 * asked, the in-toto link and SLSA provenance: made here, where the key is). Only the manifest, the 224-byte request,
 * the buildinfo and those two small files travel back.
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
    private boolean inToto;
    private final TreeMap<String, String> environment;
    private final String agentName;
    private final String buildPath;
    private long resumeAfter;

    /** What one build produced: the manifest, the signed request, the builder key that signed it and the buildinfo. */
    public static final class Reply implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] manifest;
        private final byte[] request;
        private final String builderKey;
        private final String manifestDigest;
        private final int files;
        private final boolean keyCreated;
        private final byte[] buildinfo;
        private final byte[] buildinfoSignature;
        private final byte[] link;
        private final byte[] provenance;

        Reply(BuildNode.Output output) {
            this.link = output.link() == null ? null : output.link().clone();
            this.provenance = output.provenance() == null ? null : output.provenance().clone();
            this.buildinfo = output.buildinfo().clone();
            this.buildinfoSignature = output.buildinfoSignature().clone();
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

        /** The build's environment, signed by the builder key (checked against the request when recorded). */
        public SignedBuildInfo buildinfo() {
            return new SignedBuildInfo(buildinfo, buildinfoSignature);
        }

        /**
         * The in-toto link and SLSA provenance signed on the agent, when asked ({@link #withInToto}); none unless the
         * agent sent both (the reply is the agent's word: one of two is no pair).
         */
        public Optional<BuilderAttestations> attestations() {
            return link == null || provenance == null ? Optional.empty()
                    : Optional.of(new BuilderAttestations(link, provenance));
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
     * @param environment     the build's environment variables that describe it (TZ, LANG, LC_ALL,
     *                        {@value BuildEnvironment#IMAGE_VARIABLE}, {@value BuildEnvironment#PROBE_VARIABLE})
     * @param agentName       the agent's name, recorded as the host
     * @param buildPath       the directory the build ran in on the agent (the step's workspace), recorded as its
     *                        build path
     */
    public BuildOnAgent(String builderHome, Long time, String sourceDateEpoch, long requestTime,
            Map<String, String> environment, String agentName, String buildPath) {
        this.builderHome = builderHome;
        this.time = time;
        this.sourceDateEpoch = sourceDateEpoch;
        this.requestTime = requestTime;
        this.environment = new TreeMap<>(environment);
        this.agentName = agentName;
        this.buildPath = buildPath;
    }

    /** The variables of a build's environment that {@link BuildOnAgent} reads. */
    public static Map<String, String> describingVariables(Map<String, String> env) {
        Map<String, String> picked = new HashMap<>();
        for (String name : new String[] {"TZ", "LANG", "LC_ALL", BuildEnvironment.IMAGE_VARIABLE,
            BuildEnvironment.PROBE_VARIABLE}) {
            String value = env.get(name);
            if (value != null) {
                picked.put(name, value);
            }
        }
        return picked;
    }

    /** Numbers the request above {@code counter} if the agent's chain is behind it (see {@link BuildNode#resumingAfter}). */
    public BuildOnAgent resumingAfter(long counter) {
        this.resumeAfter = counter;
        return this;
    }

    /** Also writes the release record: project, branch, version, revision (or null). */
    public BuildOnAgent withRelease(String project, String branch, String version, String revision) {
        this.release = project == null ? null : new String[] {project, branch, version, revision};
        return this;
    }

    /** Also signs the in-toto link and SLSA provenance, with the agent's builder key (needs a release). */
    public BuildOnAgent withInToto(boolean inToto) {
        this.inToto = inToto;
        return this;
    }

    @Override
    public Reply invoke(File outputDir, VirtualChannel channel) throws IOException, InterruptedException {
        Path dir = outputDir.toPath();
        long sourceTime = SourceTime.resolve(time, sourceDateEpoch == null ? Map.of()
                : Map.of("SOURCE_DATE_EPOCH", sourceDateEpoch), dir);
        String[] r = release == null ? new String[4] : release;
        // Inside a container the agent JVM is not the build's: the probe, run where the build ran, says what was.
        String probe = environment.get(BuildEnvironment.PROBE_VARIABLE);
        Map<String, String> fields = probe != null ? BuildEnvironment.fromProbe(probe, environment, agentName)
                : BuildEnvironment.selfReported(environment, agentName, Path.of(buildPath));
        return new Reply(new BuildNode(Path.of(builderHome)).resumingAfter(resumeAfter).build(dir, sourceTime,
                requestTime, fields, r[0], r[1], r[2], r[3], inToto));
    }
}
