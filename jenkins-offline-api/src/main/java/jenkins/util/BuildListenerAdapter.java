package jenkins.util;

import hudson.model.BuildListener;
import hudson.model.TaskListener;
import java.io.PrintStream;

public final class BuildListenerAdapter implements BuildListener {
    public BuildListenerAdapter(TaskListener delegate) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static BuildListener wrap(TaskListener l) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    @Override
    public PrintStream getLogger() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
