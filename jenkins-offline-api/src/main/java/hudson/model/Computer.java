package hudson.model;

import hudson.remoting.VirtualChannel;
import hudson.security.AccessControlled;

public abstract class Computer extends Actionable implements AccessControlled {
    protected Computer(Node node) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public abstract VirtualChannel getChannel();

    public Node getNode() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public final boolean isOnline() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public String getName() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
