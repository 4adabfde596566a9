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
        boolean pinned = image && image ==~ /.+@sha256:[0-9a-f]{64}/
        if (image) {
            requireDockerPipeline(image)
            if (!(image ==~ /[A-Za-z0-9][A-Za-z0-9._\/:@-]*/)) {
                throw new hudson.AbortException("buildchainBuild: image: '" + image + "' is not an image reference "
                        + "(expected NAME[:TAG][@sha256:DIGEST])")
            }
            if (!pinned) {
                script.echo("buildchainBuild: warning: image '" + image + "' is not pinned by digest: a tag can move "
                        + "between two builders' pulls. Each builder runs and records the image id its tag resolved "
                        + "to; pin it as NAME@sha256:DIGEST so every builder runs the same image")
            }
        }
        List<String> agents = script.buildchainAgents(label: args.label, builders: args.builders)
        Map branches = [:]
        for (String agent : agents) {
            String name = agent
            branches[name] = {
                script.node(name) {
                    if (image) {
                        // A digest pins what runs; a tag resolves on each agent, so the builder runs (and records)
                        // the image id it resolved to here, not whatever the tag names later.
                        String run = pinned ? image : resolve(image)
                        String recorded = pinned ? image : image + "@" + run
                        script.docker.image(run).inside {
                            // Observed inside the container, where the build runs: its JDK is not the agent's. The
                            // shebang keeps the sh step from tracing every line of the probe into the log.
                            String observed = script.sh(script: "#!/bin/sh\n" + probe, returnStdout: true)
                            script.withEnv(["${imageVariable}=${recorded}", "${probeVariable}=${observed}"]) {
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

    /** The id (sha256:...) of the image {@code image} names on this agent, pulled first when it is not here. */
    private String resolve(String image) {
        String inspect = "docker image inspect --format '{{.Id}}' '" + image + "'"
        String id = script.sh(script: "#!/bin/sh -e\n" + inspect + " 2>/dev/null || { docker pull -q '" + image
                + "' >/dev/null && " + inspect + "; }", returnStdout: true).trim()
        if (!(id ==~ /sha256:[0-9a-f]{64}/)) {
            throw new hudson.AbortException("buildchainBuild: docker image inspect of '" + image + "' answered '"
                    + id + "', not an image id (sha256:...)")
        }
        return id
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
