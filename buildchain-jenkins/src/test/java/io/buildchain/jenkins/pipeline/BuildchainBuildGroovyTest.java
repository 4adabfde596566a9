package io.buildchain.jenkins.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import groovy.lang.Binding;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyShell;
import io.buildchain.core.build.BuildEnvironment;
import java.nio.file.Path;
import java.util.List;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's Groovy, loaded by {@link BuildchainBuildVariable} as Pipeline would (through the script's class
 * loader), compiled by the Groovy that Jenkins bundles and run against recording stand-ins for the Pipeline steps it
 * composes (there is no Jenkins here). It shows what it calls and in which order; how CPS
 * persists and resumes it can only be seen in a real Jenkins.
 */
class BuildchainBuildGroovyTest {
    static final Path SOURCE = Path.of("src/main/resources/io/buildchain/jenkins/pipeline/BuildchainBuild.groovy");

    /** Stand-ins for the steps, as closures in the script's binding (where a Script looks up unknown methods). */
    static final String STEPS = String.join("\n",
            "calls = []",
            "where = null",
            "buildchainAgents = { Map a -> calls << \"agents ${a.label} ${a.builders}\"; ['linux-a', 'linux-c'] }",
            "node = { String name, Closure b -> calls << \"node ${name}\"; where = name; b() }",
            "parallel = { Map branches -> calls << \"parallel ${branches.keySet()}\"; branches.each { k, v -> v() } }",
            // A script that starts with core's probe shows as "probe; COMMAND": the build in the probe's own shell.
            "sh = { Map a -> calls << \"sh ${a.returnStdout} ${a.script.startsWith(prefix) ? 'probe; ' + "
                    + "a.script.substring(prefix.length()) : a.script.readLines()[1]}\"; a.script.contains('docker image inspect')"
                    + " ? inspected : 'os Linux\\njdk-version 25.0.1\\n' }",
            "inspected = 'sha256:" + "ef".repeat(32) + " other/maven@sha256:" + "01".repeat(32) + " maven@sha256:"
                    + "ab".repeat(32) + "\\n'",
            "echo = { String m -> calls << \"echo ${m}\" }",
            "withEnv = { List vars, Closure b -> calls << \"withEnv ${vars.collect { it.toString().replace('\\n', '|') }}\"; b() }",
            "docker = [image: { String id -> [inside: { Closure b -> calls << \"inside ${id} on ${where}\"; b() }] }]");

    /** A body as the docs write it: build the command in the probe's shell, then the manifest step. */
    static final String BODY = "{ buildSh -> calls << \"body on ${where}\"; buildSh('make') { calls << \"manifest on ${where}\" } }";
    static final String PROBE_ENV = "withEnv [" + BuildEnvironment.PROBE_VARIABLE + "=os Linux|jdk-version 25.0.1|]";

    List<?> run(String invocation) throws Exception {
        return run(STEPS, invocation);
    }

    List<?> run(String steps, String invocation) throws Exception {
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass("org.jenkinsci.plugins.workflow.cps.CpsScript");
        GroovyClassLoader loader = new GroovyClassLoader(getClass().getClassLoader(), config);
        loader.parseClass(SOURCE.toFile());
        Binding binding = new Binding();
        binding.setVariable("prefix", BuildEnvironment.PIPELINE_PREFIX);
        new GroovyShell(loader, binding, config).evaluate(steps + "\n" + invocation);
        return (List<?>) binding.getVariable("calls");
    }

    /**
     * The issue: the fan-out measured the environment in an sh step of its own before the body, not in the shell
     * that builds. The body's buildSh('COMMAND') runs the command in the same script as core's probe, and the
     * manifest step after it sees that measurement.
     */
    @Test
    void runsTheBodyOncePerChosenAgentInsideTheImageAndMeasuresTheBuildsOwnShell() throws Exception {
        List<?> calls = run("new io.buildchain.jenkins.pipeline.BuildchainBuildVariable().getValue(this).call(label: 'builder', builders: 2,"
                + " image: 'maven@sha256:" + "ab".repeat(32) + "') { buildSh -> calls << \"body on ${where}\"; "
                + "buildSh('mvn -B package') { calls << \"manifest on ${where}\" } }");
        String image = "maven@sha256:" + "ab".repeat(32);
        String imageEnv = "withEnv [" + BuildEnvironment.IMAGE_VARIABLE + "=" + image + "]";
        String probeEnv = "withEnv [" + BuildEnvironment.PROBE_VARIABLE + "=os Linux|jdk-version 25.0.1|]";
        String build = "sh true probe; mvn -B package";
        assertThat(calls).extracting(Object::toString).containsExactly("agents builder 2", "parallel [linux-a, linux-c]",
                "node linux-a", "inside " + image + " on linux-a", imageEnv, "body on linux-a", build, probeEnv,
                "manifest on linux-a",
                "node linux-c", "inside " + image + " on linux-c", imageEnv, "body on linux-c", build, probeEnv,
                "manifest on linux-c");
        assertThat(BuildEnvironment.PIPELINE_PREFIX).startsWith("#!/bin/sh\n").contains(BuildEnvironment.PROBE);
    }

    @Test
    void aBodyWithoutBuildIsWarnedThatItsBuildinfoIsSelfReported() throws Exception {
        List<?> calls = run("new io.buildchain.jenkins.pipeline.BuildchainBuildVariable().getValue(this).call(label: 'builder', builders: 1,"
                + " image: 'maven@sha256:" + "ab".repeat(32) + "') { calls << \"body on ${where}\" }");
        assertThat(calls).extracting(Object::toString).contains("body on linux-a", "echo buildchainBuild: warning: the "
                + "body called no buildSh('COMMAND') { buildchainManifest ... }, so its buildinfo is self-reported by the agent "
                + "after the build, not measured in the build's own shell").noneMatch(c -> c.startsWith("sh "));
    }

    @Test
    void withoutAnImageTheBodyRunsOnTheAgentItself() throws Exception {
        List<?> calls = run("new io.buildchain.jenkins.pipeline.BuildchainBuildVariable().getValue(this).call(label: 'builder', builders: 2)"
                + " " + BODY);
        // Measured all the same by the shell that builds, on the agent.
        assertThat(calls).extracting(Object::toString).containsExactly("agents builder 2", "parallel [linux-a, linux-c]",
                "node linux-a", "body on linux-a", "sh true probe; make", PROBE_ENV, "manifest on linux-a",
                "node linux-c", "body on linux-c", "sh true probe; make", PROBE_ENV, "manifest on linux-c");
    }

    @Test
    void anImageWithoutDockerPipelineFailsInOneLineBeforeAnyAgentIsTaken() throws Exception {
        // Docker Pipeline is optional: without it the script has no docker variable.
        String withoutDocker = STEPS.lines().filter(l -> !l.startsWith("docker =")).collect(
                java.util.stream.Collectors.joining("\n"));
        String invocation = "try { new io.buildchain.jenkins.pipeline.BuildchainBuildVariable().getValue(this)"
                + ".call(label: 'builder', builders: 2, image: 'maven:3') { calls << 'body' } } catch (hudson.AbortException e) {"
                + " calls << e.message }";
        assertThat(run(withoutDocker, invocation)).extracting(Object::toString).containsExactly(
                "buildchainBuild: image: 'maven:3' needs the Docker Pipeline plugin (docker-workflow), which is not "
                        + "installed: install it in Manage Jenkins > Plugins, or leave image: out to build on the agents "
                        + "themselves");
        // Without image: the same script builds on the agents.
        assertThat(run(withoutDocker, invocation.replace(", image: 'maven:3'", ""))).extracting(Object::toString)
                .startsWith("agents builder 2", "parallel [linux-a, linux-c]", "node linux-a", "body");
    }

    /**
     * The report: an image given by tag was used with no warning and its resolved digest not recorded, so a tag that
     * moved between two builders' pulls showed only as "1 entry or file differs".
     */
    @Test
    void anImageByTagIsWarnedAboutAndEachBuilderRunsAndRecordsTheRegistryDigestItResolved() throws Exception {
        String invocation = "new io.buildchain.jenkins.pipeline.BuildchainBuildVariable().getValue(this).call(label: "
                + "'builder', builders: 2, image: 'maven:3') " + BODY;
        String digest = "sha256:" + "ab".repeat(32);
        String inspect = "sh true docker image inspect --format '{{.Id}}{{range .RepoDigests}} {{.}}{{end}}' 'maven:3' "
                + "2>/dev/null || { docker pull -q 'maven:3' >/dev/null && docker image inspect --format "
                + "'{{.Id}}{{range .RepoDigests}} {{.}}{{end}}' 'maven:3'; }";
        String env = "withEnv [" + BuildEnvironment.IMAGE_VARIABLE + "=maven:3@" + digest + "]";
        assertThat(run(invocation)).extracting(Object::toString).containsExactly("echo buildchainBuild: warning: image "
                + "'maven:3' is not pinned by digest: a tag can move between two builders' pulls. Each builder runs and "
                + "records the digest its tag resolves to on its agent; pin it as NAME@sha256:DIGEST so every builder runs "
                + "the same image", "agents builder 2", "parallel [linux-a, linux-c]",
                "node linux-a", inspect, "inside maven@" + digest + " on linux-a", env, "body on linux-a",
                "sh true probe; make", PROBE_ENV, "manifest on linux-a",
                "node linux-c", inspect, "inside maven@" + digest + " on linux-c", env, "body on linux-c",
                "sh true probe; make", PROBE_ENV, "manifest on linux-c");

        // An image in no registry (docker import, built here) runs by its id, recorded as such: no digest claimed.
        String id = "sha256:" + "ef".repeat(32);
        List<?> local = run(STEPS + "\ninspected = '" + id + "\\n'", invocation);
        assertThat(local).extracting(Object::toString).contains("inside " + id + " on linux-a", "withEnv ["
                + BuildEnvironment.IMAGE_VARIABLE + "=maven:3 (local image " + id + ", in no registry)]");
    }

    @Test
    void anImageThatIsNoReferenceIsRefusedBeforeAnyShellSeesIt() throws Exception {
        List<?> calls = run("try { new io.buildchain.jenkins.pipeline.BuildchainBuildVariable().getValue(this).call("
                + "label: 'builder', builders: 2, image: \"x'; rm -rf /; '\") { calls << 'body' } } "
                + "catch (hudson.AbortException e) { calls << e.message }");
        assertThat(calls).extracting(Object::toString).containsExactly("buildchainBuild: image: 'x'; rm -rf /; '' is "
                + "not an image reference (expected NAME[:TAG][@sha256:DIGEST])");
    }

    /** The real-Jenkins run: an image without java recorded no JDK field at all. */
    @Test
    void anImageWithoutJavaRecordsNoneForTheJdk() throws Exception {
        String steps = STEPS.replace("'os Linux\\njdk-version 25.0.1\\n'", "'os Linux\\nkernel 6.1'");
        List<?> calls = run(steps, "new io.buildchain.jenkins.pipeline.BuildchainBuildVariable().getValue(this).call("
                + "label: 'builder', builders: 1, image: 'busybox@sha256:" + "ab".repeat(32) + "') " + BODY);
        assertThat(calls).extracting(Object::toString).contains("withEnv [" + BuildEnvironment.PROBE_VARIABLE
                + "=os Linux|kernel 6.1|jdk-vendor none|jdk-version none|]");
        assertThat(BuildEnvironment.fromProbe("os Linux\nkernel 6.1\njdk-vendor none\njdk-version none\n", java.util.Map.of(),
                "a")).containsEntry("jdk-version", "none").containsEntry("jdk-vendor", "none");
    }
}
