package io.buildchain.jenkins.steps;

import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.DirScanner;
import io.buildchain.core.build.BuildNode;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.ci.StepArguments;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.jenkins.JenkinsPaths;
import io.buildchain.jenkins.agent.BuildOnAgent;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import java.nio.file.Path;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code buildchainManifest dir: 'dist', id: 'linux-a'}: hashes the output on the agent, signs the request with
 * the agent's builder key, and records manifest, request and a copy of the files in the run. Returns the
 * manifest's digest.
 */
public class ManifestStep extends Step {
    private final String dir;
    private final String id;
    private Long time;

    @DataBoundConstructor
    public ManifestStep(String dir, String id) {
        this.dir = StepArguments.outputDir(dir);
        this.id = StepArguments.name(id, "id");
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

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, dir, id, time);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<String> {
        private static final long serialVersionUID = 1L;
        private final String dir;
        private final String id;
        private final Long time;

        Execution(StepContext context, String dir, String id, Long time) {
            super(context);
            this.dir = dir;
            this.id = id;
            this.time = time;
        }

        @Override
        protected String run() throws Exception {
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

            RunRecord record = JenkinsPaths.runRecord(run);
            Path copy = record.reserve(id);
            try {
                BuildNode.Output built = output.act(new BuildOnAgent(agentRoot.child("buildchain").getRemote(), time,
                        env == null ? null : env.get("SOURCE_DATE_EPOCH"), System.currentTimeMillis() / 1000));
                // The publisher needs the files; they are checked against the manifest again when imported.
                output.copyRecursiveTo(new DirScanner.Glob("**", null, false), new FilePath(copy.toFile()),
                        "buildchain output of " + id);
                record.record(id, nodeName, built.manifest(), built.request());
                PublicKey key = PublicKey.parse(built.builderKey(), "builder key");
                JenkinsPaths.seenBuilders().record(nodeName, key);
                listener.getLogger().println("buildchain: " + id + " on " + nodeName + ": " + built.files()
                        + " files in " + dir + ", manifest " + built.manifestDigest());
                listener.getLogger().println("buildchain: builder key of " + nodeName + ": " + key
                        + (built.keyCreated() ? " (created now under " + agentRoot.child("buildchain").getRemote()
                                + ")" : ""));
                if (!BuildchainConfiguration.get().trustedKeys().contains(key)) {
                    listener.getLogger().println("buildchain: this key is not trusted yet; an administrator can trust "
                            + "it on the agent's Build chain page or in Manage Jenkins > System > Build chain");
                }
                return built.manifestDigest();
            } catch (Exception e) {
                record.abandon(id);
                throw e;
            }
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
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
    }
}
