package hudson.model;

import hudson.security.AccessControlled;

public abstract class AbstractItem extends Actionable implements Item, AccessControlled {
    protected AbstractItem(ItemGroup<?> parent, String name) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public final String getFullName() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public final String getUrl() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
