package io.buildchain.jenkins.steps;

import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.ci.StepArguments;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.jenkins.JenkinsPaths;
import io.buildchain.jenkins.agent.BuildOnAgent;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import hudson.util.FormValidation;
import org.kohsuke.stapler.QueryParameter;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code buildchainManifest dir: 'dist', id: 'linux-a'}: hashes the output on the agent, signs the request with
 * the agent's builder key, records the build's environment in a buildinfo signed by the same key, and records
 * manifest, request, buildinfo and where the files are in the run (they stay on the agent until the vote). The id
 * defaults to the agent's name. Returns the manifest's digest.
 */
public class ManifestStep extends Step {
    private final String dir;
    private final String id;
    private Long time;
    private String project;
    private String branch;
    private String version;
    private String revision;
    private boolean inToto;

    @DataBoundConstructor
    public ManifestStep(String dir, String id) {
        this.dir = StepArguments.outputDir(dir);
        // Without an id the submission is named after the agent: unique in a fan-out, one branch per agent.
        this.id = id == null || id.isBlank() ? null : StepArguments.name(id, "id");
    }

    public String getDir() {
        return dir;
    }

    public String getId() {
        return id;
    }

    public Long getTime() {
        return time;
    }

    @DataBoundSetter
    public void setTime(Long time) {
        this.time = time == null ? null : StepArguments.time(time);
    }

    public String getProject() {
        return project;
    }

    /** With {@code branch}: write the release record, so the release can only be published to project/branch. */
    @DataBoundSetter
    public void setProject(String project) {
        this.project = project == null || project.isBlank() ? null : StepArguments.name(project, "project");
    }

    public String getBranch() {
        return branch;
    }

    @DataBoundSetter
    public void setBranch(String branch) {
        this.branch = branch == null || branch.isBlank() ? null : StepArguments.name(branch, "branch");
    }

    public String getVersion() {
        return version;
    }

    /** Default: the build number. */
    @DataBoundSetter
    public void setVersion(String version) {
        this.version = version == null || version.isBlank() ? null : StepArguments.name(version, "version");
    }

    public String getRevision() {
        return revision;
    }

    /** Default: {@code GIT_COMMIT}, when the checkout sets it. */
    @DataBoundSetter
    public void setRevision(String revision) {
        this.revision = revision == null || revision.isBlank() ? null : StepArguments.name(revision, "revision");
    }

    public boolean isInToto() {
        return inToto;
    }

    /** With project and branch: also sign the in-toto link and SLSA provenance on the agent (docs/in-toto.md). */
    @DataBoundSetter
    public void setInToto(boolean inToto) {
        this.inToto = inToto;
    }

    @Override
    public StepExecution start(StepContext context) throws hudson.AbortException {
        if ((project == null) != (branch == null)) {
            throw new hudson.AbortException("buildchainManifest: project and branch go together");
        }
        if (inToto && project == null) {
            throw new hudson.AbortException("buildchainManifest: inToto needs project and branch (the link names the "
                    + "release record's revision)");
        }
        return new Execution(context, dir, id, time, project == null ? null
                : new String[] {project, branch, version, revision}, inToto);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<String> {
        private static final long serialVersionUID = 1L;
        private final String dir;
        private final String id;
        private final Long time;
        private final String[] release;
        private final boolean inToto;

        Execution(StepContext context, String dir, String id, Long time, String[] release, boolean inToto) {
            super(context);
            this.inToto = inToto;
            this.dir = dir;
            this.id = id;
            this.time = time;
            this.release = release;
        }

        @Override
        protected String run() throws Exception {
            return Refusals.oneLine("buildchainManifest", this::manifest);
        }

        private String manifest() throws Exception {
            StepContext context = getContext();
            Run<?, ?> run = context.get(Run.class);
            TaskListener listener = context.get(TaskListener.class);
            FilePath workspace = context.get(FilePath.class);
            Computer computer = context.get(Computer.class);
            EnvVars env = context.get(EnvVars.class);
            Node node = computer.getNode();
            FilePath agentRoot = node == null ? null : node.getRootPath();
            if (agentRoot == null) {
                throw new hudson.AbortException("buildchainManifest: the agent " + computer.getName() + " is offline");
            }
            String nodeName = computer.getName().isEmpty() ? "built-in" : computer.getName();
            FilePath output = workspace.child(dir);
            String id = this.id != null ? this.id : StepArguments.name(nodeName, "id (the agent's name)");

            RunRecord record = JenkinsPaths.runRecord(run);
            record.reserve(id);
            try {
                BuildOnAgent build = new BuildOnAgent(agentRoot.child("buildchain").getRemote(), time,
                        env == null ? null : env.get("SOURCE_DATE_EPOCH"), System.currentTimeMillis() / 1000,
                        env == null ? Map.of() : BuildOnAgent.describingVariables(env), nodeName, workspace.getRemote());
                // An agent whose builder state was restored goes on above what this controller counted of its key.
                Optional<PublicKey> seen = JenkinsPaths.seenBuilders().keyOf(nodeName);
                if (seen.isPresent()) {
                    build.resumingAfter(RequestLedger.read(JenkinsPaths.store()).newestCounter(seen.get()));
                }
                if (release != null) {
                    String version = release[2] != null ? release[2] : env == null ? null : env.get("BUILD_NUMBER");
                    if (version == null) {
                        throw new hudson.AbortException("buildchainManifest: give version: (BUILD_NUMBER is not set)");
                    }
                    String revision = release[3] != null ? release[3] : env == null ? null : env.get("GIT_COMMIT");
                    if (inToto && revision == null) {
                        throw new hudson.AbortException("buildchainManifest: inToto needs the revision the link names: "
                                + "give revision: (GIT_COMMIT is not set)");
                    }
                    build.withRelease(release[0], release[1], version, revision);
                }
                // The link is signed on the agent, where the builder key stays; it travels back with the request.
                BuildOnAgent.Reply built = output.act(build.withInToto(inToto));
                // The files stay on the agent: buildchainPublish fetches one agreeing builder's after the vote.
                record.recordSource(id, output.getRemote());
                if (built.attestations().isPresent()) {
                    record.recordAttestations(id, built.attestations().get());
                    listener.getLogger().println("buildchain: in-toto link and SLSA provenance of " + id
                            + " signed by its builder key");
                }
                record.record(id, nodeName, built.manifest(), built.request(), Optional.of(built.buildinfo()));
                PublicKey key = PublicKey.parse(built.builderKey(), "builder key");
                JenkinsPaths.seenBuilders().record(nodeName, key);
                listener.getLogger().println(manifestLine(id, nodeName, built.files(), dir, built.manifestDigest(),
                        release == null ? null : release[0] + "/" + release[1]));
                listener.getLogger().println("buildchain: environment of " + id + ": " + BuildInfo.parse(
                        built.buildinfo().bytes(), "buildinfo").summary());
                var trusted = BuildchainConfiguration.get().trustedKeys();
                listener.getLogger().println(builderKeyLine(nodeName, key.toString(), built.keyCreated(),
                        agentRoot.child("buildchain").getRemote(), trusted.contains(key) ? trusted.describe(key) : null));
                return built.manifestDigest();
            } catch (Exception e) {
                record.abandon(id);
                throw e;
            }
        }
    }

    /**
     * What the manifest holds: the user's files counted apart from the release record the step adds.
     *
     * @param entries the manifest's entries, the release record among them when {@code release} is given
     * @param release project/branch of the release record, or null without one
     */
    static String manifestLine(String id, String node, int entries, String dir, String digest, String release) {
        int files = release == null ? entries : entries - 1;
        return "buildchain: " + id + " on " + node + ": " + files + (files == 1 ? " file" : " files") + " in " + dir
                + (release == null ? "" : " and the release record " + ReleaseRecord.NAME + " for " + release)
                + ", manifest " + digest;
    }

    /**
     * Printed on every run: the agent's builder key, whether this build created it, and whether it is trusted,
     * so a new key is seen in the log and not only on the agent's page.
     *
     * @param trustedAs the label the key is trusted under, or null
     */
    static String builderKeyLine(String node, String key, boolean created, String home, String trustedAs) {
        return "buildchain: builder key of " + node + ": " + key
                + (created ? " (created now under " + home + ")" : " (kept under " + home + ")")
                + (trustedAs != null ? ", trusted as \"" + trustedAs + "\""
                        : ", not trusted yet: an administrator can trust it on the agent's Build chain page or in "
                                + "Manage Jenkins > System > Build chain");
    }

    @Extension
    public static class DescriptorImpl extends BuildchainStepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, Computer.class, EnvVars.class);
        }

        @Override
        public String getFunctionName() {
            return "buildchainManifest";
        }

        @Override
        public String getDisplayName() {
            return "Hash a build's output and sign a buildchain request with this agent's builder key";
        }

        public FormValidation doCheckDir(@QueryParameter String value) {
            return validate(() -> new ManifestStep(value, null));
        }

        public FormValidation doCheckId(@QueryParameter String value) {
            return validate(() -> new ManifestStep(".", value));
        }

        public FormValidation doCheckProject(@QueryParameter String value) {
            return validate(() -> new ManifestStep(".", null).setProject(value));
        }

        public FormValidation doCheckBranch(@QueryParameter String value) {
            return validate(() -> new ManifestStep(".", null).setBranch(value));
        }
    }
}
