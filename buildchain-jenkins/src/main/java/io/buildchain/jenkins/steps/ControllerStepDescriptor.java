package io.buildchain.jenkins.steps;

import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.Set;

/** A step that runs on the controller, outside any {@code node {}}: it needs only the build and its log. */
public abstract class ControllerStepDescriptor extends BuildchainStepDescriptor {
    @Override
    public Set<? extends Class<?>> getRequiredContext() {
        return Set.of(Run.class, TaskListener.class);
    }
}
