package io.buildchain.jenkins.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.TaskListener;
import io.buildchain.core.FormatException;
import io.buildchain.core.ci.AgentChoice;
import io.buildchain.core.ci.SeenBuilders;
import io.buildchain.jenkins.JenkinsPaths;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import hudson.util.FormValidation;
import org.kohsuke.stapler.QueryParameter;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code buildchainAgents(label: 'builder', builders: 3)}: the names of the agents a fan-out builds on, chosen by
 * {@link AgentChoice} in core from the agents carrying the label as Jenkins sees them now. {@code buildchainBuild}
 * calls it, then runs one parallel branch per name; it can also be called directly to write the fan-out by hand.
 */
public class AgentsStep extends Step {
    private final String label;
    private final int builders;

    @DataBoundConstructor
    public AgentsStep(String label, int builders) {
        if (label == null || label.isBlank()) {
            throw new FormatException("label is required: the label the build agents carry");
        }
        this.label = label.strip();
        if (builders < 1) {
            throw new FormatException("builders " + builders + ": expected at least 1 (how many distinct agents build)");
        }
        this.builders = builders;
    }

    public String getLabel() {
        return label;
    }

    public int getBuilders() {
        return builders;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, label, builders);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<List<String>> {
        private static final long serialVersionUID = 1L;
        private final String label;
        private final int builders;

        Execution(StepContext context, String label, int builders) {
            super(context);
            this.label = label;
            this.builders = builders;
        }

        @Override
        protected List<String> run() throws Exception {
            TaskListener listener = getContext().get(TaskListener.class);
            BuildchainConfiguration config = BuildchainConfiguration.get();
            Set<Node> signerNodes = config.getSignerLabel() == null ? Set.of()
                    : Label.parseExpression(config.getSignerLabel()).getNodes();
            SeenBuilders seen = JenkinsPaths.seenBuilders();
            List<AgentChoice.Agent> candidates = new ArrayList<>();
            for (Node node : Label.parseExpression(label).getNodes()) {
                String name = node.getNodeName().isEmpty() ? "built-in" : node.getNodeName();
                Computer computer = node.toComputer();
                candidates.add(new AgentChoice.Agent(name, computer != null && computer.isOnline(), seen.keyOf(name),
                        signerNodes.contains(node)));
            }
            AgentChoice.Choice choice;
            try {
                choice = AgentChoice.choose(label, builders, candidates, config.trustedKeys());
            } catch (FormatException e) {
                throw new AbortException(e.getMessage());
            }
            listener.getLogger().println("buildchain: building on " + String.join(", ", choice.agents())
                    + (choice.skipped().isEmpty() ? "" : "; skipped: " + String.join(", ",
                            choice.skipped().stream().map(Object::toString).toList())));
            return new ArrayList<>(choice.agents());
        }
    }

    @Extension
    public static class DescriptorImpl extends ControllerStepDescriptor {
        @Override
        public String getFunctionName() {
            return "buildchainAgents";
        }

        @Override
        public String getDisplayName() {
            return "Choose distinct agents with a label for a buildchain fan-out";
        }

        public FormValidation doCheckLabel(@QueryParameter String value) {
            return validate(() -> new AgentsStep(value, 1));
        }

        public FormValidation doCheckBuilders(@QueryParameter String value) {
            return validate(() -> new AgentsStep("builder", Integer.parseInt(value.strip())));
        }
    }
}
