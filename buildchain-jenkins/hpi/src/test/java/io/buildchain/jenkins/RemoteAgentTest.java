package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Label;
import hudson.model.Result;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import io.buildchain.jenkins.steps.ManifestStep;
import java.util.List;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.util.NameValuePair;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.BuildWatcherExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The findings of issue 9 on a real Jenkins: buildchainManifest on a remote agent (its reply crosses the
 * remoting channel and the class filter), expected refusals as one line, the builder key line, and the Snippet
 * Generator with an empty source time. Runs only with -Pjenkins, where the Jenkins repository is reachable.
 */
@WithJenkins
class RemoteAgentTest {
    @RegisterExtension
    static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

    JenkinsRule j;

    @BeforeEach
    void agent(JenkinsRule rule) throws Exception {
        j = rule;
        j.createOnlineSlave(Label.get("remote"));
    }

    @Test
    void buildchainManifestOnARemoteAgentCrossesTheClassFilter() throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "remote");
        p.setDefinition(new CpsFlowDefinition("""
                node('remote') {
                  writeFile file: 'dist/hello.txt', text: 'hello'
                  echo "digest=${buildchainManifest dir: 'dist', id: 'a', time: 1700000000}"
                }
                """, true));
        WorkflowRun first = j.buildAndAssertSuccess(p);
        j.assertLogContains("digest=", first);
        j.assertLogContains("(created now under", first);
        j.assertLogContains("not trusted yet", first);
        j.assertLogNotContains("Rejected:", first);
        WorkflowRun second = j.buildAndAssertSuccess(p);
        j.assertLogContains("(kept under", second);
    }

    @Test
    void aQuorumThatCanNeverBeMetAndAnOwnedBranchAreOneLine() throws Exception {
        BuildchainConfiguration config = BuildchainConfiguration.get();
        config.setSignerLabel("buildchain-signer");
        config.setSerialPort("/dev/ttyUSB0");
        String script = """
                node('remote') {
                  writeFile file: 'dist/hello.txt', text: 'hello'
                  buildchainManifest dir: 'dist', id: 'a', time: 1
                }
                buildchainPublish project: 'hello', branch: 'main', quorum: 2
                """;
        WorkflowJob first = j.jenkins.createProject(WorkflowJob.class, "first");
        first.setDefinition(new CpsFlowDefinition(script, true));
        WorkflowRun never = j.buildAndAssertStatus(Result.FAILURE, first);
        j.assertLogContains("buildchainPublish: quorum 2 can never be met", never);
        j.assertLogNotContains("\tat ", never);

        WorkflowJob second = j.jenkins.createProject(WorkflowJob.class, "second");
        second.setDefinition(new CpsFlowDefinition(script, true));
        WorkflowRun owned = j.buildAndAssertStatus(Result.FAILURE, second);
        j.assertLogContains("is published by the job", owned);
        j.assertLogNotContains("\tat ", owned);
    }

    @Test
    void theSnippetGeneratorLeavesOutAnEmptySourceTime() throws Exception {
        WorkflowJob p = j.jenkins.createProject(WorkflowJob.class, "snippets");
        JenkinsRule.WebClient wc = j.createWebClient();
        assertThat(snippet(wc, p, "\"dir\": \"dist\", \"id\": \"a\", \"time\": \"\""))
                .isEqualTo("buildchainManifest dir: 'dist', id: 'a'");
        assertThat(snippet(wc, p, "\"dir\": \"dist\", \"id\": \"a\", \"time\": \"1700000000\""))
                .isEqualTo("buildchainManifest dir: 'dist', id: 'a', time: 1700000000");
    }

    private String snippet(JenkinsRule.WebClient wc, WorkflowJob p, String fields) throws Exception {
        WebRequest request = new WebRequest(new java.net.URL(j.getURL(), p.getUrl() + "pipeline-syntax/generateSnippet"),
                HttpMethod.POST);
        request.setRequestParameters(List.of(new NameValuePair("json", "{\"stapler-class\": \""
                + ManifestStep.class.getName() + "\", " + fields + "}")));
        wc.addCrumb(request);
        return wc.getPage(request).getWebResponse().getContentAsString().strip();
    }
}
