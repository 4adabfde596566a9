package org.jenkinsci.plugins.workflow.steps;

public abstract class SynchronousNonBlockingStepExecution<T> extends StepExecution {
    protected SynchronousNonBlockingStepExecution(StepContext context) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    protected abstract T run() throws Exception;

    @Override
    public final boolean start() throws Exception {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    @Override
    public void onResume() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
