package hudson.model;

import java.util.Set;

public abstract class Label extends Actionable {
    protected Label(String name) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static Label parseExpression(String labelExpression) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public Set<Node> getNodes() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
