package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;
import java.io.File;
import java.io.IOException;
import jenkins.model.ArtifactManager;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable
        implements AccessControlled {
    public static final Permission ARTIFACTS = null;

    protected Run(JobT job) throws IOException {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public File getRootDir() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public JobT getParent() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public String getUrl() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public final synchronized ArtifactManager pickArtifactManager() throws IOException {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
