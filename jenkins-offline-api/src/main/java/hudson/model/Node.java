package hudson.model;

import hudson.FilePath;
import hudson.Launcher;
import hudson.remoting.VirtualChannel;
import hudson.security.AccessControlled;

public abstract class Node extends AbstractModelObject implements AccessControlled {
    public abstract String getNodeName();

    public final Computer toComputer() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public final VirtualChannel getChannel() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public abstract FilePath getRootPath();

    public abstract Launcher createLauncher(TaskListener listener);
}
