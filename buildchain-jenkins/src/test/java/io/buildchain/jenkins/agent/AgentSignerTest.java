package io.buildchain.jenkins.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.model.TaskListener;
import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.build.BuildNode;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.serial.RunningSigner;
import io.buildchain.serial.SocatPtyPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer agent as the steps meet it: described by its label before one is chosen, waited for while it is
 * offline (as after a controller restart), and losing its channel mid-signing. The agents are given as Jenkins
 * would list them; the channel runs the call here, on a real signing node over a socat line.
 */
class AgentSignerTest {
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final TaskListener listener = new TaskListener() {
        final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

        @Override
        public PrintStream getLogger() {
            return out;
        }
    };

    /** A channel to an agent in this JVM: the call runs here. */
    static final VirtualChannel HERE = new VirtualChannel() {
        @Override
        public <V, T extends Throwable> V call(Callable<V, T> callable) throws T {
            return callable.call();
        }
    };

    SignedRequest request() throws IOException {
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dist.resolve("hello"), "hello");
        return SignedRequest.decode(new BuildNode(dir.resolve("b")).build(dist, 1L, 2L, java.util.Map.of()).request(),
                "request");
    }

    AgentSigner signer(String port, Duration wait, AgentSigner.Agents agents) {
        return new AgentSigner("buildchain-signer", port, 57600, null, TIMEOUT, wait, listener, agents);
    }

    String logged() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void beforeSigningTheSignerIsDescribedByItsLabelNotByAnUnknownAgent() {
        assertThat(signer("/dev/pts/3", Duration.ZERO, List::of).describe()).isEqualTo("serial /dev/pts/3 at 57600 "
                + "baud on an agent labelled \"buildchain-signer\"").doesNotContain("?");
    }

    @Test
    void noSignerLabelIsAOneLineRefusal() throws Exception {
        SignedRequest request = request();
        assertThatThrownBy(() -> new AgentSigner(" ", "/dev/pts/3", 57600, null, TIMEOUT, Duration.ZERO, listener,
                List::of).sign(request)).isExactlyInstanceOf(BuildchainException.class)
                .hasMessageStartingWith("no signer is configured");
    }

    /** The controller restarted; its signer agent reconnects a few seconds later: the step waits, says so, signs. */
    @Test
    void anOfflineSignerAgentIsWaitedForAndSignsWhenItComesOnline() throws Exception {
        SignedRequest request = request();
        AtomicInteger asked = new AtomicInteger();
        try (SocatPtyPair pty = SocatPtyPair.start(dir);
                RunningSigner node = new RunningSigner(pty.signerEnd, dir.resolve("signer-state"), null)) {
            Block block = signer(pty.clientEnd.toString(), Duration.ofSeconds(30), () -> List.of(
                    new AgentSigner.Agent("signer-1", asked.incrementAndGet() < 3 ? null : HERE))).sign(request);
            assertThat(block.carries(request)).isTrue();
            assertThat(block.publicKey()).isEqualTo(node.key.publicKey());
        }
        assertThat(logged().lines()).containsSubsequence("buildchain: waiting up to 30 s for the signer agent: the "
                + "signer agent is offline: \"buildchain-signer\" matches signer-1, none online (agent wait in "
                + "Manage Jenkins > System > Build chain)", "buildchain: signer agent signer-1 is online",
                "buildchain: signing on agent signer-1 (label buildchain-signer); waiting up to 12 s for the signing "
                        + "node's reply");
        assertThat(logged()).containsOnlyOnce("waiting up to 30 s for the signer agent");
    }

    @Test
    void aSignerAgentThatStaysOfflineIsOneLineAfterTheWait() throws Exception {
        SignedRequest request = request();
        long start = System.nanoTime();
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ofSeconds(2), () -> List.of(
                new AgentSigner.Agent("signer-1", null))).sign(request))
                .isExactlyInstanceOf(BuildchainException.class).hasMessage("the signer agent is offline: "
                        + "\"buildchain-signer\" matches signer-1, none online after waiting 2 s; bring it online, or "
                        + "wait longer: agent wait in Manage Jenkins > System > Build chain");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    /** Remoting's ChannelClosedException (caused by a ClosedChannelException) was printed as a 49-line stack trace. */
    @Test
    void theSignerAgentDisconnectingMidSigningIsOneLine() throws Exception {
        SignedRequest request = request();
        VirtualChannel closing = new VirtualChannel() {
            @Override
            public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException {
                throw new IOException("Channel \"signer-1\": Remote call failed", new ClosedChannelException());
            }
        };
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ZERO, () -> List.of(
                new AgentSigner.Agent("signer-1", closing))).sign(request))
                .isExactlyInstanceOf(BuildchainException.class).hasMessage("the signer agent signer-1 disconnected "
                        + "while the signing node was signing (IOException): nothing was published; when signer-1 is "
                        + "back online run the job again: a block the node signed meanwhile is picked up then");

        // Without a recognisable cause: the agent is gone from the list of online agents by the time it is asked.
        AtomicInteger asked = new AtomicInteger();
        VirtualChannel terminated = new VirtualChannel() {
            @Override
            public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException {
                throw new IOException("Unexpected termination of the channel");
            }
        };
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ZERO, () -> List.of(new AgentSigner.Agent("signer-1",
                asked.incrementAndGet() == 1 ? terminated : null))).sign(request))
                .isExactlyInstanceOf(BuildchainException.class).hasMessageStartingWith("the signer agent signer-1 "
                        + "disconnected while the signing node was signing");

        // A failure of the signing itself, with the agent still online, is not called a disconnect.
        IOException serial = new IOException("/dev/ttyUSB0: read failed (error 5)");
        VirtualChannel failing = new VirtualChannel() {
            @Override
            public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException {
                throw serial;
            }
        };
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ZERO, () -> List.of(
                new AgentSigner.Agent("signer-1", failing))).sign(request)).isSameAs(serial);
    }
}
