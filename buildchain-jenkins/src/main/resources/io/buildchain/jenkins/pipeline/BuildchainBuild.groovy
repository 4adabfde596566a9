package io.buildchain.jenkins.pipeline

/**
 * The fan-out behind buildchainBuild: composes existing steps and decides nothing. The agents come from the
 * buildchainAgents step (AgentChoice in core); the environment probe and the variable names are core's
 * BuildEnvironment constants, handed in by BuildchainBuildVariable (a sandboxed script may not read Java fields).
 */
class BuildchainBuild implements Serializable {
    private static final long serialVersionUID = 1L
    private final org.jenkinsci.plugins.workflow.cps.CpsScript script
    private final String probe
    private final String imageVariable
    private final String probeVariable

    BuildchainBuild(org.jenkinsci.plugins.workflow.cps.CpsScript script, String probe, String imageVariable,
            String probeVariable) {
        this.script = script
        this.probe = probe
        this.imageVariable = imageVariable
        this.probeVariable = probeVariable
    }

    def call(Map args, Closure body) {
        String image = args.image
        if (image) {
            requireDockerPipeline(image)
        }
        List<String> agents = script.buildchainAgents(label: args.label, builders: args.builders)
        Map branches = [:]
        for (String agent : agents) {
            String name = agent
            branches[name] = {
                script.node(name) {
                    if (image) {
                        script.docker.image(image).inside {
                            // Observed inside the container, where the build runs: its JDK is not the agent's.
                            String observed = script.sh(script: probe, returnStdout: true)
                            script.withEnv(["${imageVariable}=${image}", "${probeVariable}=${observed}"]) {
                                body()
                            }
                        }
                    } else {
                        body()
                    }
                }
            }
        }
        script.parallel(branches)
    }

    /**
     * Docker Pipeline is an optional dependency: without it there is no docker variable, and the build would only
     * fail inside the first branch, on an agent, with a MissingPropertyException. Fail before any agent is taken.
     */
    private void requireDockerPipeline(String image) {
        try {
            script.getProperty('docker')
        } catch (MissingPropertyException e) {
            throw new hudson.AbortException("buildchainBuild: image: '" + image + "' needs the Docker Pipeline "
                    + "plugin (docker-workflow), which is not installed: install it in Manage Jenkins > Plugins, or "
                    + "leave image: out to build on the agents themselves")
        }
    }
}
