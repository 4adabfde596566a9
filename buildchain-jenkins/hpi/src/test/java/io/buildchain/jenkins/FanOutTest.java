package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import io.buildchain.jenkins.steps.AgentsStep;
import io.buildchain.serial.RunningSigner;
import io.buildchain.serial.SocatPtyPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The fan-out on a real Jenkins: {@code buildchainBuild} over agents carrying a label, the signer's agent
 * carrying it too. Without Docker on the test machine, these run the body on the agents themselves (no image);
 * the image path is shown by the offline Groovy test and needs a Jenkins with Docker.
 */
@WithJenkins
class FanOutTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    static final String FAN_OUT = """
            buildchainBuild(label: 'builder', builders: %d) {
              writeFile file: 'dist/hello.txt', text: 'hello, world\\n'
              buildchainManifest dir: 'dist', time: 1700000000
            }
            buildchainPublish project: 'hello', branch: 'main', quorum: 2
            """;

    @TempDir
    Path dir;

    JenkinsRule j;
    SocatPtyPair pty;
    RunningSigner signer;
    final List<DumbSlave> builders = new ArrayList<>();
    String signerAgentName;

    @BeforeEach
    void signer(JenkinsRule rule) throws Exception {
        j = rule;
        pty = SocatPtyPair.start(dir);
        signer = new RunningSigner(pty.signerEnd, dir.resolve("signer-state"), null);
        DumbSlave signerAgent = j.createOnlineSlave(Label.get("buildchain-signer"));
        // The signer's agent carries the builders' label too: it must never be chosen.
        signerAgent.setLabelString("buildchain-signer builder");
        signerAgentName = signerAgent.getNodeName();
        BuildchainConfiguration config = BuildchainConfiguration.get();
        config.setSignerLabel("buildchain-signer");
        config.setSerialPort(pty.clientEnd.toString());
        config.setSignerKey(signer.key.publicKey().toString());
    }

    @AfterEach
    void stopSigner() throws Exception {
        signer.close();
        pty.close();
    }

    WorkflowJob job(int count) throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "hello");
        p.setDefinition(new CpsFlowDefinition(FAN_OUT.formatted(count), true));
        return p;
    }

    @Test
    void threeAgentsWithALabelPublish() throws Exception {
        for (int i = 0; i < 3; i++) {
            builders.add(j.createOnlineSlave(Label.get("builder")));
        }
        WorkflowJob p = job(3);
        // First run: the agents have no keys yet, so they are chosen after trusted ones and make their keys.
        WorkflowRun first = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("quorum not met", first);
        for (DumbSlave agent : builders) {
            String name = agent.getNodeName();
            BuildchainConfiguration.get().trust(JenkinsPaths.seenBuilders().keyOf(name).orElseThrow(), name);
        }
        WorkflowRun second = j.buildAndAssertSuccess(p);
        j.assertLogContains("skipped: " + signerAgentName + " (signer)", second);
        for (DumbSlave agent : builders) {
            j.assertLogContains("[" + agent.getNodeName() + "]", second);
            j.assertLogContains("buildchain: environment of " + agent.getNodeName() + ":", second);
        }
        j.assertLogContains("quorum met: 3 distinct trusted builder(s)", second);
        j.assertLogContains("buildchain: published hello/main: block 1", second);
    }

    @Test
    void twoAgentsForThreeBuildersFailAtOnceWithTheClearLine() throws Exception {
        builders.add(j.createOnlineSlave(Label.get("builder")));
        builders.add(j.createOnlineSlave(Label.get("builder")));
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job(3));
        j.assertLogContains("buildchainBuild: 3 agent(s) with label 'builder' asked for, 2 suitable ("
                + builders.get(0).getNodeName() + ", " + builders.get(1).getNodeName() + "); skipped: " + signerAgentName
                + " (signer)", run);
        j.assertLogNotContains("\tat ", run);
        j.assertLogNotContains("buildchainManifest", run);
    }

    @Test
    void theAgentsStepRoundTripsThroughItsForm() throws Exception {
        AgentsStep step = new AgentsStep("builder", 3);
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }
}
