package hudson.model;

public abstract class Descriptor<T extends Describable<T>> implements Saveable {
    protected Descriptor(Class<? extends T> clazz) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    protected Descriptor() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public T newInstance(org.kohsuke.stapler.StaplerRequest2 req, net.sf.json.JSONObject formData) {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public synchronized void load() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    @Override
    public synchronized void save() {
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }

    public static final class FormException extends Exception implements org.kohsuke.stapler.HttpResponse {
        public FormException(String message, String formField) {
            throw new UnsupportedOperationException("jenkins-offline-api stub");
        }
    }
}
