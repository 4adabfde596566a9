package jenkins.model;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.AbstractCIBase;
import hudson.model.TaskListener;
import hudson.security.Permission;
import java.io.File;

public class Jenkins extends AbstractCIBase {
    public static final Permission ADMINISTER = null;

    protected Jenkins(File root, jakarta.servlet.ServletContext context) throws java.io.IOException, InterruptedException {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static Jenkins get() throws IllegalStateException {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static Jenkins getInstanceOrNull() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public hudson.model.Node getNode(String name) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public File getRootDir() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public boolean isTerminating() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public String getRootUrl() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    @Override
    public String getNodeName() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    @Override
    public FilePath getRootPath() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    @Override
    public Launcher createLauncher(TaskListener listener) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
