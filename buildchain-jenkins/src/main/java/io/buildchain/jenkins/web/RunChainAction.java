package io.buildchain.jenkins.web;

import hudson.model.Item;
import hudson.model.Run;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.view.ChainPages;
import io.buildchain.jenkins.JenkinsPaths;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/** The run's "Build chain" link: the manifests this build recorded, the blocks it got signed and what it published. */
public final class RunChainAction extends BuildChainLink {
    private final Run<?, ?> run;

    public RunChainAction(Run<?, ?> run) {
        this.run = run;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    public void doIndex(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        run.checkPermission(Item.READ);
        RunRecord record = JenkinsPaths.runRecord(run);
        String jobChain = req.getContextPath() + "/" + run.getParent().getUrl() + "buildchain/";
        String html = new ChainPages(jobChain, jobChain, true).run("Build chain of this build", record.entries(),
                BuildchainConfiguration.get().trustedKeys(), record.blocks(), record.releases());
        req.getView(new ChainPage(run, "Build chain", html), "index.jelly").forward(req, rsp);
    }
}
