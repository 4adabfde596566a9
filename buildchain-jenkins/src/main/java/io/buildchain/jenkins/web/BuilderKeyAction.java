package io.buildchain.jenkins.web;

import hudson.model.Action;
import hudson.model.Computer;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.verb.POST;

/** On an agent's page: the builder key it signs requests with, and a button to trust it. */
public final class BuilderKeyAction implements Action {
    private final Computer computer;
    private final PublicKey key;

    public BuilderKeyAction(Computer computer, PublicKey key) {
        this.computer = computer;
        this.key = key;
    }

    public Computer getComputer() {
        return computer;
    }

    public String getKey() {
        return key.toString();
    }

    /** The label it is trusted under, or null when it is not trusted. */
    public String getTrustedAs() {
        var trusted = BuildchainConfiguration.get().trustedKeys();
        return trusted.contains(key) ? trusted.describe(key) : null;
    }

    public boolean isAdministrator() {
        return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
    }

    @Override
    public String getIconFileName() {
        return "symbol-key";
    }

    @Override
    public String getDisplayName() {
        return "Builder key";
    }

    @Override
    public String getUrlName() {
        return "buildchain";
    }

    @POST
    public HttpResponse doTrust() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        BuildchainConfiguration.get().trust(key, computer.getName().isEmpty() ? "built-in" : computer.getName());
        return HttpResponses.redirectTo(".");
    }
}
