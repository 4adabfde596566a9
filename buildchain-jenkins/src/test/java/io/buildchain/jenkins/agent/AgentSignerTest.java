package io.buildchain.jenkins.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.buildchain.core.build.BuildNode;
import io.buildchain.core.chain.SignedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the build log says about the signer before and after an agent is chosen. */
class AgentSignerTest {
    @TempDir
    Path dir;

    @Test
    void beforeSigningTheSignerIsDescribedByItsLabelNotByAnUnknownAgent() {
        AgentSigner signer = new AgentSigner("buildchain-signer", "/dev/pts/3", 57600, null, java.time.Duration.ofSeconds(10), null);
        assertThat(signer.describe()).isEqualTo("serial /dev/pts/3 at 57600 baud on an agent labelled "
                + "\"buildchain-signer\"").doesNotContain("?");
    }

    @Test
    void noSignerLabelIsAOneLineRefusal() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dist.resolve("hello"), "hello");
        SignedRequest request = SignedRequest.decode(new BuildNode(dir.resolve("b")).build(dist, 1L, 2L, java.util.Map.of()).request(),
                "request");
        assertThatThrownBy(() -> new AgentSigner(" ", "/dev/pts/3", 57600, null, java.time.Duration.ofSeconds(10), null).sign(request))
                .isExactlyInstanceOf(AbortException.class).hasMessageStartingWith("no signer is configured");
    }
}
