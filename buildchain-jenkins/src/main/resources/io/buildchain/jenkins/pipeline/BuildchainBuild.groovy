package io.buildchain.jenkins.pipeline

/**
 * The fan-out behind buildchainBuild: composes existing steps and decides nothing. The agents come from the
 * buildchainAgents step (AgentChoice in core); the script that measures the environment in the build's own shell
 * (BuildEnvironment.PIPELINE_PREFIX, core's probe) and the variable names are core's BuildEnvironment constants,
 * handed in by BuildchainBuildVariable (a sandboxed script may not read Java fields).
 */
class BuildchainBuild implements Serializable {
    private static final long serialVersionUID = 1L
    private final org.jenkinsci.plugins.workflow.cps.CpsScript script
    private final String pipelinePrefix
    private final String imageVariable
    private final String probeVariable

    BuildchainBuild(org.jenkinsci.plugins.workflow.cps.CpsScript script, String pipelinePrefix, String imageVariable,
            String probeVariable) {
        this.script = script
        this.pipelinePrefix = pipelinePrefix
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
                        + "between two builders' pulls. Each builder runs and records the digest its tag resolves to "
                        + "on its agent; pin it as NAME@sha256:DIGEST so every builder runs the same image")
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
                        // what it resolved to here, not whatever the tag names later.
                        List<String> resolved = pinned ? [image, image] : resolve(image)
                        String run = resolved[0]
                        String recorded = resolved[1]
                        script.docker.image(run).inside {
                            script.withEnv(["${imageVariable}=${recorded}"]) {
                                runBody(body)
                            }
                        }
                    } else {
                        runBody(body)
                    }
                }
            }
        }
        script.parallel(branches)
    }

    /**
     * The body, handed one closure (buildSh in the docs): buildSh('COMMAND') { after } runs COMMAND in one shell right
     * after core's probe, so the environment measured (umask, TZ, JDK, directory) is that of the shell that builds,
     * inside the container when there is one; after (buildchainManifest) then runs with it. A body that builds with
     * plain sh steps is warned that its buildinfo is self-reported by the agent.
     */
    private void runBody(Closure body) {
        List<String> measured = []
        body.call({ String command, Closure after ->
            String observed = withJdkNone(script.sh(script: pipelinePrefix + command, returnStdout: true))
            measured << command
            script.withEnv(["${probeVariable}=${observed}"]) {
                after()
            }
        })
        if (measured.isEmpty()) {
            script.echo("buildchainBuild: warning: the body called no buildSh('COMMAND') { buildchainManifest ... }, "
                    + "so its buildinfo is self-reported by the agent after the build, not measured in the build's own "
                    + "shell")
        }
    }

    /** An image without java says so ("none") rather than leaving the JDK out of its buildinfo unsaid. */
    private String withJdkNone(String observed) {
        for (String line : observed.readLines()) {
            if (line.startsWith("jdk-version ") || line.startsWith("jdk-vendor ")) {
                return observed
            }
        }
        return observed + (observed.endsWith("\n") || observed.isEmpty() ? "" : "\n") + "jdk-vendor none\njdk-version none\n"
    }

    /**
     * What the tag {@code image} names on this agent, pulled first when it is not here: [what to run, what to
     * record]. With the registry digest of its repository: REPOSITORY@DIGEST to run and TAG@DIGEST to record (a
     * reference that pulls the same image); an image in no registry (built or imported here) by its local id, which
     * is recorded as such and is no digest.
     */
    private List<String> resolve(String image) {
        String inspect = "docker image inspect --format '{{.Id}}{{range .RepoDigests}} {{.}}{{end}}' '" + image + "'"
        String[] found = script.sh(script: "#!/bin/sh -e\n" + inspect + " 2>/dev/null || { docker pull -q '" + image
                + "' >/dev/null && " + inspect + "; }", returnStdout: true).trim().split(/\s+/)
        if (!(found[0] ==~ /sha256:[0-9a-f]{64}/)) {
            throw new hudson.AbortException("buildchainBuild: docker image inspect of '" + image + "' answered '"
                    + found[0] + "', not an image id (sha256:...)")
        }
        int slash = image.lastIndexOf('/')
        int colon = image.lastIndexOf(':')
        String repository = colon > slash ? image.substring(0, colon) : image
        for (int i = 1; i < found.length; i++) {
            if (found[i] ==~ /.+@sha256:[0-9a-f]{64}/ && found[i].startsWith(repository + "@")) {
                String digest = found[i].substring(found[i].indexOf('@') + 1)
                return [repository + "@" + digest, image + "@" + digest]
            }
        }
        return [found[0], image + " (local image " + found[0] + ", in no registry)"]
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
