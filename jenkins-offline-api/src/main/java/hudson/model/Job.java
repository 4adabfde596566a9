package hudson.model;

public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends AbstractItem {
    protected Job(ItemGroup<?> parent, String name) {
        super(parent, name);
        throw new UnsupportedOperationException("jenkins-offline-api stub");
    }
}
