package io.buildchain.jenkins.web;

import hudson.model.Action;

/** The "Build chain" side-panel link that jobs and builds share; each serves its own page under buildchain/. */
public abstract class BuildChainLink implements Action {
    @Override
    public String getIconFileName() {
        return "symbol-link";
    }

    @Override
    public String getDisplayName() {
        return "Build chain";
    }

    @Override
    public String getUrlName() {
        return "buildchain";
    }
}
