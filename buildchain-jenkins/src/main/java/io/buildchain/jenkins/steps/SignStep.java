package io.buildchain.jenkins.steps;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.buildchain.core.chain.Block;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.root.KeyChangeGuard;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import io.buildchain.jenkins.JenkinsPaths;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import hudson.util.FormValidation;
import org.kohsuke.stapler.QueryParameter;
import java.time.Clock;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code buildchainSign manifest: 'linux-a'}: has the configured signing node sign one recorded request, without
 * a quorum and without moving any tail. The block and manifest go into the controller's store, so the signer's
 * chain stays walkable. Returns the block's base32 signature.
 */
public class SignStep extends Step {
    private final String manifest;

    @DataBoundConstructor
    public SignStep(String manifest) {
        if (manifest == null || manifest.isBlank()) {
            throw new io.buildchain.core.FormatException("manifest is required: the id given to buildchainManifest, "
                    + "or the manifest digest it returned");
        }
        this.manifest = manifest.strip();
    }

    public String getManifest() {
        return manifest;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, manifest);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<String> {
        private static final long serialVersionUID = 1L;
        private final String manifest;

        Execution(StepContext context, String manifest) {
            super(context);
            this.manifest = manifest;
        }

        @Override
        protected String run() throws Exception {
            return Refusals.oneLine("buildchainSign", this::sign);
        }

        private String sign() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            RunRecord record = JenkinsPaths.runRecord(run);
            RunRecord.Entry entry = record.find(manifest);
            Store store = JenkinsPaths.store();
            Block block;
            // The store lock also keeps this request from interleaving with a publish on the same line.
            DirectoryLock held = store.lock();
            try (held) {
                store.putObject(entry.manifestBytes());
                var signer = BuildchainConfiguration.get().signer(listener);
                // As a publish does: the node's key is learned with a request of the controller's own right before the
                // builder's request goes out, once, so a restarted node's new key never signs it unaccepted.
                listener.getLogger().println("buildchain: asking " + signer.describe() + " which key it signs with "
                        + "(a request of the controller's own)");
                new LogWriter(store, signer, line -> listener.getLogger().println("buildchain: " + line),
                        Clock.systemUTC()).learnKey();
                java.util.List<Block> late = new java.util.ArrayList<>();
                try {
                    block = signer.signOnce(entry.request(), late::add);
                } finally {
                    for (Block other : late) {
                        BlockImport.put(store, other); // later blocks link through it
                    }
                }
                listener.getLogger().println("buildchain: signed by " + signer.describe());
                // A restarted signer agent's new key is refused until the root certified it (the message says how).
                KeyChangeGuard.admit(store, block);
            }
            record.recordBlock(block);
            listener.getLogger().println("buildchain: block " + Long.toUnsignedString(block.counter()) + " "
                    + block.signatureBase32() + " for manifest " + block.digest() + " of " + entry.id()
                    + ", signer key " + block.publicKey());
            return block.signatureBase32();
        }
    }

    @Extension
    public static class DescriptorImpl extends ControllerStepDescriptor {
        @Override
        public String getFunctionName() {
            return "buildchainSign";
        }

        @Override
        public String getDisplayName() {
            return "Have the buildchain signing node sign a recorded manifest";
        }

        public FormValidation doCheckManifest(@QueryParameter String value) {
            return validate(() -> new SignStep(value));
        }
    }
}
