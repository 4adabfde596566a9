package io.buildchain.jenkins;

import hudson.model.Run;
import io.buildchain.core.ci.ChainOwners;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.ci.SeenBuilders;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import jenkins.model.Jenkins;

/** Where the plugin keeps its state on the controller: one store for all jobs under JENKINS_HOME. */
public final class JenkinsPaths {
    private JenkinsPaths() {
    }

    public static Path home() {
        return Jenkins.get().getRootDir().toPath().resolve("buildchain");
    }

    public static Store store() throws IOException {
        return Store.open(home().resolve("store"));
    }

    public static ChainOwners owners() {
        return new ChainOwners(home().resolve("owners"));
    }

    public static SeenBuilders seenBuilders() {
        return new SeenBuilders(home().resolve("builders"));
    }

    public static RunRecord runRecord(Run<?, ?> run) {
        return new RunRecord(run.getRootDir().toPath().resolve("buildchain"));
    }
}
