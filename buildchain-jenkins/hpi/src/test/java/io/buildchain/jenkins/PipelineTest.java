package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import io.buildchain.jenkins.steps.ManifestStep;
import io.buildchain.jenkins.steps.PublishStep;
import io.buildchain.jenkins.steps.SignStep;
import io.buildchain.serial.RunningSigner;
import io.buildchain.serial.SocatPtyPair;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jenkins.model.Jenkins;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.BuildWatcherExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Pipeline of the README on a real Jenkins: three builder agents, and a signer agent whose serial line is a
 * socat pty pair with a signing node on the other end.
 */
@WithJenkins
class PipelineTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    static final String[] BUILDERS = {"linux-a", "linux-b", "linux-c"};

    @TempDir
    Path dir;

    JenkinsRule j;
    SocatPtyPair pty;
    RunningSigner signer;
    final Map<String, DumbSlave> agents = new LinkedHashMap<>();

    @BeforeEach
    void agentsAndSigner(JenkinsRule rule) throws Exception {
        j = rule;
        pty = SocatPtyPair.start(dir);
        signer = new RunningSigner(pty.signerEnd, dir.resolve("signer-state"), null);
        j.createOnlineSlave(Label.get("buildchain-signer"));
        for (String name : BUILDERS) {
            agents.put(name, j.createOnlineSlave(Label.get(name)));
        }
        BuildchainConfiguration config = BuildchainConfiguration.get();
        config.setSignerLabel("buildchain-signer");
        config.setSerialPort(pty.clientEnd.toString());
        config.setSignerKey(signer.key.publicKey().toString());
        config.setDefaultQuorum(2);
    }

    @AfterEach
    void stopSigner() throws Exception {
        signer.close();
        pty.close();
    }

    static String pipeline(String odd) {
        return """
                def builds = [:]
                for (agent in ['linux-a', 'linux-b', 'linux-c']) {
                  def name = agent
                  builds[name] = {
                    node(name) {
                      writeFile file: 'dist/hello.txt', text: 'hello, world\\n'
                      writeFile file: 'dist/docs/README', text: name == '%s' ? 'built on ' + name : 'read me'
                      buildchainManifest dir: 'dist', id: name, time: 1700000000
                    }
                  }
                }
                parallel builds
                buildchainPublish project: 'hello', branch: 'main', quorum: 2
                """.formatted(odd);
    }

    @Test
    void untrustedKeysThenATrustedQuorumThenADivergence() throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "hello");
        p.setDefinition(new CpsFlowDefinition(pipeline("none"), true));

        // No builder key is trusted yet: nothing is published, and each agent's key is printed.
        WorkflowRun first = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("quorum not met", first);
        j.assertLogContains("not trusted yet", first);

        // An administrator trusts one key with the button on the agent's page, the others by configuration.
        JenkinsRule.WebClient wc = j.createWebClient();
        Computer a = agents.get("linux-a").toComputer();
        PublicKey keyOfA = JenkinsPaths.seenBuilders().keyOf(a.getName()).orElseThrow();
        HtmlPage agentPage = wc.getPage(a, "buildchain/");
        assertThat(agentPage.asNormalizedText()).contains(keyOfA.toString()).contains("not trusted");
        j.submit(agentPage.getFormByName("trust"));
        assertThat(BuildchainConfiguration.get().trustedKeys().contains(keyOfA)).isTrue();
        for (String name : new String[] {"linux-b", "linux-c"}) {
            String node = agents.get(name).getNodeName();
            BuildchainConfiguration.get().trust(JenkinsPaths.seenBuilders().keyOf(node).orElseThrow(), node);
        }

        WorkflowRun second = j.buildAndAssertSuccess(p);
        j.assertLogContains("published hello/main", second);
        try (InputStream in = second.getArtifactManager().root().child("hello.txt").open()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, world\n");
        }
        assertThat(second.getArtifactManager().root().child("buildchain-store").exists()).isFalse();

        // The job URL serves the store: the verifier and downloader work against Jenkins.
        String storeUrl = j.getURL() + p.getUrl() + "buildchain/";
        ChainVerifier.Report report = new ChainVerifier(StoreReader.of(URI.create(storeUrl)), signer.key.publicKey())
                .verify("hello", "main", ChainVerifier.Options.defaults());
        assertThat(report.summary()).contains("verified hello/main");
        String block = report.release().block().signatureBase32();

        HtmlPage chain = wc.getPage(p, "buildchain/chain/hello/main");
        assertThat(chain.asNormalizedText()).contains("Verify this yourself").contains(block).contains("linux-a");
        Page download = wc.goTo(p.getUrl() + "buildchain/files/" + block + "/hello.txt", "application/octet-stream");
        assertThat(download.getWebResponse().getContentAsString()).isEqualTo("hello, world\n");
        assertThat(wc.getPage(second, "buildchain/").asNormalizedText()).contains("linux-b").contains("hello / main");

        // One builder differs: the build fails with what differs, and the chain does not move.
        p.setDefinition(new CpsFlowDefinition(pipeline("linux-c"), true));
        WorkflowRun third = j.buildAndAssertSuccess(p);
        j.assertLogContains("dissent", third);
        p.setDefinition(new CpsFlowDefinition(pipeline("linux-c").replace("quorum: 2", "quorum: 3"), true));
        WorkflowRun fourth = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("docs/README", fourth);
    }

    @Test
    void signWithoutPublishing() throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "sign-only");
        p.setDefinition(new CpsFlowDefinition("""
                node('linux-a') {
                  writeFile file: 'out/a', text: 'a'
                  def digest = buildchainManifest dir: 'out', id: 'a', time: 1
                  def block = buildchainSign manifest: digest
                  echo "block=${block}"
                }
                """, true));
        WorkflowRun run = j.buildAndAssertSuccess(p);
        j.assertLogContains("block=", run);
        assertThat(signer.logged("request")).isTrue();
    }

    @Test
    void badArgumentsAndMissingContextFailClearly() throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "bad");
        p.setDefinition(new CpsFlowDefinition("node('linux-a') { buildchainManifest dir: '../x', id: 'a' }", true));
        j.assertLogContains("inside the workspace", j.buildAndAssertStatus(Result.FAILURE, p));
        p.setDefinition(new CpsFlowDefinition("buildchainPublish project: 'hello', branch: 'main'", true));
        j.assertLogContains("no manifest was recorded", j.buildAndAssertStatus(Result.FAILURE, p));
    }

    @Test
    void chainPagesAndDownloadsNeedReadPermission() throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "private");
        p.setDefinition(new CpsFlowDefinition(pipeline("none"), true));
        j.buildAndAssertStatus(Result.FAILURE, p);
        for (String name : BUILDERS) {
            String node = agents.get(name).getNodeName();
            BuildchainConfiguration.get().trust(JenkinsPaths.seenBuilders().keyOf(node).orElseThrow(), node);
        }
        j.buildAndAssertSuccess(p);
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ).everywhere().to("reader")
                .grant(Jenkins.ADMINISTER).everywhere().to("admin"));
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("reader");
        assertThat(wc.goTo(p.getUrl() + "buildchain/tail/hello/main", null).getWebResponse().getStatusCode())
                .isEqualTo(404);
        JenkinsRule.WebClient admin = j.createWebClient().login("admin");
        try (InputStream tail = admin.goTo(p.getUrl() + "buildchain/tail/hello/main", null).getWebResponse()
                .getContentAsStream()) {
            assertThat(tail.readAllBytes()).hasSize(400);
        }
    }

    @Test
    void stepsRoundTripThroughTheSnippetGeneratorForm() throws Exception {
        ManifestStep manifest = new ManifestStep("dist", "linux-a");
        manifest.setTime(1700000000L);
        j.assertEqualDataBoundBeans(manifest, new StepConfigTester(j).configRoundTrip(manifest));
        SignStep sign = new SignStep("linux-a");
        j.assertEqualDataBoundBeans(sign, new StepConfigTester(j).configRoundTrip(sign));
        PublishStep publish = new PublishStep("hello", "main");
        publish.setQuorum(2);
        j.assertEqualDataBoundBeans(publish, new StepConfigTester(j).configRoundTrip(publish));
    }
}
