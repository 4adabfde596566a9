package hudson.model;

import hudson.security.AccessControlled;

public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable
        implements Item, AccessControlled {
    @Override
    public String getUrl() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    @Override
    public String getFullName() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
