package io.buildchain.jenkins.web;

import hudson.Functions;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import io.buildchain.core.ci.ChainOwners;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.StoreRoutes;
import io.buildchain.jenkins.JenkinsPaths;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.UncheckedIOException;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * The job's "Build chain" link: the chains of the project/branches this job publishes, and below
 * {@code <job-url>/buildchain/} the store in the original layout ({@code tail/}, {@code block/}, {@code object/}),
 * so {@code buildchain download --url <job-url>/buildchain/} and the original downloader work against Jenkins.
 */
public final class JobChainAction extends BuildChainLink {
    private final Job<?, ?> job;

    public JobChainAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getJob() {
        return job;
    }

    public void doIndex(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        serve(req, rsp, "");
    }

    public void doDynamic(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        String rest = req.getRestOfPath();
        serve(req, rsp, rest.startsWith("/") ? rest.substring(1) : rest);
    }

    private void serve(StaplerRequest2 req, StaplerResponse2 rsp, String path) throws IOException, ServletException {
        job.checkPermission(Item.READ);
        if ((path.startsWith("files/") || path.startsWith("object/")) && Functions.isArtifactsPermissionEnabled()) {
            job.checkPermission(Run.ARTIFACTS);
        }
        StoreRoutes.Answer answer;
        try {
            answer = routes(req.getContextPath()).resolve(path);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        StoreResponses.send(req, rsp, answer, job);
    }

    private StoreRoutes routes(String contextPath) throws IOException {
        String base = contextPath + "/" + job.getUrl() + getUrlName() + "/";
        String rootUrl = Jenkins.get().getRootUrl();
        String storeUrl = (rootUrl == null ? "" : rootUrl) + job.getUrl() + getUrlName() + "/";
        ChainOwners owners = JenkinsPaths.owners();
        String name = job.getFullName();
        return new StoreRoutes(JenkinsPaths.store(), new ChainPages(base, storeUrl, true), (project, branch) -> {
            try {
                return owners.owns(name, project, branch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
