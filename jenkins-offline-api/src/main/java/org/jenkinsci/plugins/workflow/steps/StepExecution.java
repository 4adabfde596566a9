package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;

public abstract class StepExecution implements Serializable {
    protected StepExecution() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    protected StepExecution(StepContext context) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public StepContext getContext() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public abstract boolean start() throws Exception;

    public void onResume() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
