package io.buildchain.jenkins.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.buildchain.core.chain.Block;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.ci.SettingsCheck;
import io.buildchain.core.ci.StepArguments;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.publish.QuorumNotMetException;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.Store;
import io.buildchain.jenkins.JenkinsPaths;
import io.buildchain.jenkins.agent.AgentSigner;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import jenkins.model.Jenkins;
import jenkins.util.BuildListenerAdapter;
import hudson.util.FormValidation;
import org.kohsuke.stapler.QueryParameter;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code buildchainPublish project: 'hello', branch: 'main', quorum: 2}: applies the quorum over the manifests
 * this run recorded, has the signing node sign, appends to the chain Jenkins keeps for project/branch, and
 * archives the release's files and store files through the run's artifact manager. Fails the build with the
 * divergence report when the quorum is not met. Returns the block's base32 signature.
 */
public class PublishStep extends Step {
    private final String project;
    private final String branch;
    private Integer quorum;
    private String trustedKeys;
    private boolean allowOlderSource;

    @DataBoundConstructor
    public PublishStep(String project, String branch) {
        this.project = StepArguments.name(project, "project");
        this.branch = StepArguments.name(branch, "branch");
    }

    public String getProject() {
        return project;
    }

    public String getBranch() {
        return branch;
    }

    public Integer getQuorum() {
        return quorum;
    }

    @DataBoundSetter
    public void setQuorum(Integer quorum) {
        this.quorum = quorum == null ? null : StepArguments.quorum(quorum);
    }

    public String getTrustedKeys() {
        return trustedKeys;
    }

    /** One {@code BASE32KEY [label]} per line; default: the trusted builder keys of the global settings. */
    @DataBoundSetter
    public void setTrustedKeys(String trustedKeys) {
        this.trustedKeys = trustedKeys == null || trustedKeys.isBlank() ? null : trustedKeys;
        if (this.trustedKeys != null) {
            SettingsCheck.parseTrustedKeys(this.trustedKeys);
        }
    }

    public boolean isAllowOlderSource() {
        return allowOlderSource;
    }

    /** The explicit choice to publish a release whose source is older than the branch's tail. */
    @DataBoundSetter
    public void setAllowOlderSource(boolean allowOlderSource) {
        this.allowOlderSource = allowOlderSource;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, project, branch, quorum, trustedKeys, allowOlderSource);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<String> {
        private static final long serialVersionUID = 1L;
        private final String project;
        private final String branch;
        private final Integer quorum;
        private final String trustedKeys;
        private final boolean allowOlderSource;

        Execution(StepContext context, String project, String branch, Integer quorum, String trustedKeys,
                boolean allowOlderSource) {
            super(context);
            this.allowOlderSource = allowOlderSource;
            this.project = project;
            this.branch = branch;
            this.quorum = quorum;
            this.trustedKeys = trustedKeys;
        }

        @Override
        protected String run() throws Exception {
            try {
                return Refusals.oneLine("buildchainPublish", this::publish);
            } catch (AgentSigner.ControllerStopping e) {
                // Finishing the step now would fail the build saved for the resume: it stays running until the JVM exits.
                getContext().get(TaskListener.class).getLogger().println("buildchain: " + e.getMessage());
                return e.awaitExit(java.time.Duration.ofMinutes(10));
            }
        }

        /**
         * After a controller restart the publish runs again (Pipeline's synchronous steps fail instead): it is safe
         * to repeat, a release the signer already signed being finished from the journal, a release already
         * published answered as such, and it waits for the signer agent to reconnect.
         */
        @Override
        public void onResume() {
            try {
                getContext().get(TaskListener.class).getLogger().println("buildchain: buildchainPublish resumed "
                        + "after a restart: publishing again (nothing is signed twice)");
                start();
            } catch (Exception e) {
                getContext().onFailure(e);
            }
        }

        private String publish() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            BuildchainConfiguration config = BuildchainConfiguration.get();
            int k = quorum != null ? quorum : config.getDefaultQuorum();
            KeyList trusted = trustedKeys != null ? SettingsCheck.parseTrustedKeys(trustedKeys) : config.trustedKeys();
            RunRecord record = JenkinsPaths.runRecord(run);
            List<RunRecord.Entry> votes = record.votes();
            int spent = record.entries().size() - votes.size();
            if (spent > 0) {
                listener.getLogger().println("buildchain: " + spent + " manifest(s) of this run that buildchainSign "
                        + "signed do not vote");
            }
            if (votes.isEmpty()) {
                throw new AbortException("buildchainPublish: no manifest was recorded in this run"
                        + (spent > 0 ? " but those buildchainSign signed" : "") + "; call buildchainManifest on each "
                        + "builder first");
            }
            // The job owns the branch once it has published there, not before: a failed first publish claims nothing.
            return JenkinsPaths.owners().publishAs(project, branch, run.getParent().getFullName(),
                    () -> publish(run, listener, config, k, trusted, record, votes));
        }

        private String publish(Run<?, ?> run, TaskListener listener, BuildchainConfiguration config, int k,
                KeyList trusted, RunRecord record, List<RunRecord.Entry> votes) throws Exception {
            List<Submission> submissions = votes.stream().map(RunRecord.Entry::submission).toList();
            Store store = JenkinsPaths.store();
            Publisher publisher = new Publisher(store, config.signer(listener),
                    line -> listener.getLogger().println("buildchain: " + line), Refusals.REMEDIES);
            Optional<Block> published = publisher.published(new Publisher.Release(project, branch, k, trusted,
                    submissions, Optional.empty(), allowOlderSource));
            if (published.isPresent()) {
                listener.getLogger().println("buildchain: already published: " + project + "/" + branch + " carries "
                        + "this manifest " + published.get().digest() + " as block "
                        + Long.toUnsignedString(published.get().counter()) + "; nothing signed");
                return published.get().signatureBase32();
            }
            Publisher.Result result;
            try {
                // Empty when the quorum is not met: the publisher explains why, without any output copied.
                Optional<Path> artifacts = AgreeingOutput.fetch(record, votes, trusted, k, listener);
                result = publisher.publish(new Publisher.Release(project, branch, k, trusted, submissions,
                        artifacts, allowOlderSource));
            } catch (QuorumNotMetException e) {
                explanation(e.decision().report(), e.getMessage(), e.divergence())
                        .forEach(listener.getLogger()::println);
                throw new AbortException("buildchainPublish: " + e.getMessage());
            }
            Block block = result.block();
            record.recordRelease(project, branch, block);
            // As 'buildchain publish': the agreeing builders' in-toto links and provenance, outside the vote.
            Consumer<String> report = line -> listener.getLogger().println("buildchain: " + line);
            ReleaseAttestations.record(store, result.decision(), record.attestations(report), report)
                    .forEach(path -> listener.getLogger().println("buildchain: in-toto: " + path));
            archive(run, listener, store, block);
            record.dropFiles();
            String rootUrl = Jenkins.get().getRootUrl();
            listener.getLogger().println("buildchain: published " + project + "/" + branch + ": block "
                    + Long.toUnsignedString(block.counter()) + " " + block.signatureBase32() + ", signer key "
                    + block.publicKey());
            if (rootUrl != null) {
                listener.getLogger().println("buildchain: chain: " + rootUrl + run.getParent().getUrl()
                        + "buildchain/chain/" + project + "/" + branch);
            }
            return block.signatureBase32();
        }

        /**
         * Archives the release's files by name, straight from the store. The store files (tail, block, manifest,
         * evidence, named by digests) are not archived: they are served at JOB_URL/buildchain/, where downloaders
         * verify them, and as artifacts they only cluttered the job's "Last Successful Artifacts".
         */
        private void archive(Run<?, ?> run, TaskListener listener, Store store, Block block) throws Exception {
            Path manifestObject = store.objectPath(block.digest());
            Manifest manifest = Manifest.parse(Files.readAllBytes(manifestObject), manifestObject.toString());
            Map<String, String> artifacts = new LinkedHashMap<>();
            for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
                artifacts.put(file.getKey(), relative(store, store.objectPath(file.getValue())));
            }
            Jenkins controller = Jenkins.get();
            run.pickArtifactManager().archive(new FilePath(store.root().toFile()), controller.createLauncher(listener),
                    BuildListenerAdapter.wrap(listener), artifacts);
        }

        /**
         * What the log shows above the step's error line when the quorum is not met: each vote, then why they
         * differ. The summary is the error line itself and is not printed again.
         */
        static List<String> explanation(String report, String summary, List<String> divergence) {
            List<String> lines = new java.util.ArrayList<>(report.lines().toList());
            lines.remove(summary);
            lines.addAll(divergence);
            return lines;
        }

        private static String relative(Store store, Path file) {
            return store.root().relativize(file).toString().replace('\\', '/');
        }
    }

    @Extension
    public static class DescriptorImpl extends ControllerStepDescriptor {
        @Override
        public String getFunctionName() {
            return "buildchainPublish";
        }

        @Override
        public String getDisplayName() {
            return "Publish a buildchain release when enough builders agree";
        }

        public FormValidation doCheckProject(@QueryParameter String value) {
            return validate(() -> new PublishStep(value, "main"));
        }

        public FormValidation doCheckBranch(@QueryParameter String value) {
            return validate(() -> new PublishStep("project", value));
        }

        public FormValidation doCheckQuorum(@QueryParameter String value) {
            return value == null || value.isBlank() ? FormValidation.ok()
                    : validate(() -> new PublishStep("project", "main").setQuorum(Integer.parseInt(value.strip())));
        }

        public FormValidation doCheckTrustedKeys(@QueryParameter String value) {
            return validate(() -> new PublishStep("project", "main").setTrustedKeys(value));
        }
    }
}
