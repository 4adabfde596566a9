package io.buildchain.jenkins.pipeline

/**
 * The fan-out behind buildchainBuild: composes existing steps and decides nothing. The agents come from the
 * buildchainAgents step (AgentChoice in core); the environment probe is BuildEnvironment.PROBE in core.
 */
class BuildchainBuild implements Serializable {
    private static final long serialVersionUID = 1L
    private final org.jenkinsci.plugins.workflow.cps.CpsScript script

    BuildchainBuild(org.jenkinsci.plugins.workflow.cps.CpsScript script) {
        this.script = script
    }

    def call(Map args, Closure body) {
        List<String> agents = script.buildchainAgents(label: args.label, builders: args.builders)
        String image = args.image
        Map branches = [:]
        for (String agent : agents) {
            String name = agent
            branches[name] = {
                script.node(name) {
                    if (image) {
                        script.docker.image(image).inside {
                            // Observed inside the container, where the build runs: its JDK is not the agent's.
                            String probe = script.sh(script: io.buildchain.core.build.BuildEnvironment.PROBE,
                                    returnStdout: true)
                            script.withEnv(["${io.buildchain.core.build.BuildEnvironment.IMAGE_VARIABLE}=${image}",
                                    "${io.buildchain.core.build.BuildEnvironment.PROBE_VARIABLE}=${probe}"]) {
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
}
