package io.buildchain.jenkins.pipeline;

import hudson.Extension;
import io.buildchain.core.build.BuildEnvironment;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.cps.GlobalVariable;

/**
 * {@code buildchainBuild(label:, builders:, image:) { body }}: the fan-out. The value is the Groovy class
 * {@code BuildchainBuild} (a resource beside this one, compiled by Pipeline like Docker Pipeline's {@code docker}
 * variable), which only composes existing steps: {@code buildchainAgents} chooses the agents (the decision is
 * {@code AgentChoice} in core), then {@code parallel}, {@code node}, {@code docker.image().inside} and
 * {@code withEnv} run the body once per agent, handing it {@code buildSh('COMMAND') { after }}, which runs the command
 * in the same shell as core's environment probe ({@link BuildEnvironment#PIPELINE_PREFIX}). A Java step cannot allocate an executor on a named agent or enter a
 * container itself: those are {@code node} and {@code withDockerContainer}, so the fan-out is written with them.
 */
@Extension(optional = true)
public class BuildchainBuildVariable extends GlobalVariable {
    static final String NAME = "buildchainBuild";
    static final String GROOVY_CLASS = "io.buildchain.jenkins.pipeline.BuildchainBuild";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Object getValue(CpsScript script) throws Exception {
        // Loaded through the script's class loader so that Pipeline compiles it with the CPS transformation.
        return script.getClass().getClassLoader().loadClass(GROOVY_CLASS)
                .getConstructor(CpsScript.class, String.class, String.class, String.class)
                .newInstance(script, BuildEnvironment.PIPELINE_PREFIX, BuildEnvironment.IMAGE_VARIABLE,
                        BuildEnvironment.PROBE_VARIABLE);
    }
}
