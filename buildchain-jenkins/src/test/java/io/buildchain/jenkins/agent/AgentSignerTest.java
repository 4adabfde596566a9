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
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
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

    /** A channel whose every call fails with {@code failure}, as a channel closing under the call does. */
    static VirtualChannel failing(IOException failure) {
        return new VirtualChannel() {
            @Override
            public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException {
                throw failure;
            }
        };
    }

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
        VirtualChannel closing = failing(new IOException("Channel \"signer-1\": Remote call failed",
                new ClosedChannelException()));
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ZERO, () -> List.of(
                new AgentSigner.Agent("signer-1", closing))).sign(request))
                .isExactlyInstanceOf(BuildchainException.class).hasMessage("the signer agent signer-1 disconnected "
                        + "while the signing node was signing (IOException): nothing was published; when signer-1 is "
                        + "back online run the job again: a block the node signed meanwhile is picked up then");

        // Without a recognisable cause: the agent is gone from the list of online agents by the time it is asked.
        AtomicInteger asked = new AtomicInteger();
        VirtualChannel terminated = failing(new IOException("Unexpected termination of the channel"));
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ZERO, () -> List.of(new AgentSigner.Agent("signer-1",
                asked.incrementAndGet() == 1 ? terminated : null))).sign(request))
                .isExactlyInstanceOf(BuildchainException.class).hasMessageStartingWith("the signer agent signer-1 "
                        + "disconnected while the signing node was signing");

        // A failure of the signing itself, with the agent still online, is not called a disconnect.
        IOException serial = new IOException("/dev/ttyUSB0: read failed (error 5)");
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ZERO, () -> List.of(
                new AgentSigner.Agent("signer-1", failing(serial)))).sign(request)).isSameAs(serial);
    }

    /**
     * A real Jenkins closes every agent channel when it stops, after Pipeline saved the running steps: a publish whose
     * request was on the serial line then failed the build in one line ("the signer agent signer1 disconnected ...")
     * instead of pausing for the resume as a publish waiting for the agent does.
     */
    @Test
    void theControllerStoppingMidSigningLeavesTheStepToResume() throws Exception {
        SignedRequest request = request();
        VirtualChannel closing = failing(new IOException("Channel \"signer-1\": Remote call failed",
                new ClosedChannelException()));
        AgentSigner.Agents stopping = new AgentSigner.Agents() {
            @Override
            public List<AgentSigner.Agent> now() {
                return List.of(new AgentSigner.Agent("signer-1", closing));
            }

            @Override
            public boolean controllerStopping() {
                return true;
            }
        };
        assertThatThrownBy(() -> signer("/dev/pts/3", Duration.ZERO, stopping).sign(request))
                .isExactlyInstanceOf(AgentSigner.ControllerStopping.class).hasMessage("the controller stopped while "
                        + "the signing node was signing on signer-1: the request is journaled and sent again when the "
                        + "build resumes")
                .satisfies(e -> {
                    long start = System.nanoTime();
                    // The step waits for the JVM to exit; should it outlive the bound, it fails as a lost agent does.
                    assertThatThrownBy(() -> ((AgentSigner.ControllerStopping) e).awaitExit(Duration.ofMillis(300)))
                            .isExactlyInstanceOf(BuildchainException.class).hasMessage(e.getMessage());
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
                });
        // A real SIGTERM stops the web server, closing the WebSocket agents' channels, before Jenkins marks itself
        // terminating: the JVM running its shutdown hooks counts as stopping too (it does not while tests run).
        assertThat(AgentSigner.jvmStopping()).isFalse();
    }

    /**
     * The signing node stalls past the wait for the first builder's request (the line is stopped), and comes back
     * while the publisher asks its key again before sending that request a second time: in a real Jenkins the late
     * block carrying the first request was once stored only as a chain link, the second request was signed too, and
     * the recount refused to move the tail, losing the release. Now the node answers the request sent again with its
     * late block, which is the release, and the second builder's request never goes out.
     */
    @Test
    void aSignerStalledPastAllTriesPublishesTheReleaseOnceFromItsLateBlock() throws Exception {
        Store store = Store.open(dir.resolve("store"));
        List<Submission> submissions = new java.util.ArrayList<>();
        java.util.Map<io.buildchain.core.crypto.PublicKey, String> labels = new java.util.LinkedHashMap<>();
        for (String builder : List.of("a1", "a2")) {
            Path dist = Files.createDirectories(dir.resolve(builder).resolve("dist"));
            Files.writeString(dist.resolve("hello"), "hello");
            BuildNode.Output output = new BuildNode(dir.resolve(builder).resolve("home")).build(dist, 1L, 2L,
                    java.util.Map.of());
            submissions.add(new Submission(builder, output.manifest(), output.request(), java.util.Optional.of(dist)));
            labels.put(SignedRequest.decode(output.request(), "request").publicKey(), builder);
        }
        try (SocatPtyPair pty = SocatPtyPair.start(dir);
                RunningSigner node = new RunningSigner(pty.signerEnd, dir.resolve("signer-state"), null)) {
            AtomicInteger calls = new AtomicInteger();
            VirtualChannel line = new VirtualChannel() {
                @Override
                public <V, T extends Throwable> V call(Callable<V, T> callable) throws T {
                    // 1 the key probe, 2 a1's request, 3 the key asked again, 4 a1's again, 5 the checkpoint
                    int call = calls.incrementAndGet();
                    if (call == 2) {
                        signal(pty, "STOP");
                    } else if (call == 3) {
                        new Thread(() -> {
                            try {
                                Thread.sleep(300);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            signal(pty, "CONT");
                        }).start();
                    }
                    return callable.call();
                }
            };
            AgentSigner signer = new AgentSigner("buildchain-signer", pty.clientEnd.toString(), 57600, null,
                    Duration.ofMillis(300), Duration.ZERO, listener, () -> List.of(new AgentSigner.Agent("signer-1",
                            line)));
            Publisher.Result result;
            try {
                result = new Publisher(store, signer, l -> listener.getLogger().println("buildchain: " + l))
                        .publish(new Publisher.Release("proj", "main", 2, KeyList.of(labels), submissions,
                                java.util.Optional.empty()));
            } finally {
                signal(pty, "CONT");
            }
            assertThat(calls.get()).as("probe, a1, probe again, a1 again, checkpoint: no further request").isEqualTo(5);
            assertThat(result.block().counter()).isEqualTo(2);
            assertThat(result.block().carries(SignedRequest.decode(submissions.get(0).request(), "a1"))).isTrue();
            assertThat(logged()).contains("which key it signs with before sending the request again");
            assertThat(node.log).noneMatch(entry -> entry.contains("builder "
                    + SignedRequest.decode(submissions.get(1).request(), "a2").publicKey()));
            ChainVerifier verifier = new ChainVerifier(StoreReader.of(store.root()), node.key.publicKey());
            assertThat(verifier.verify("proj", "main", new ChainVerifier.Options(true, KeyList.of(labels), 2, null))
                    .release().block()).isEqualTo(result.block());
        }
    }

    static void signal(SocatPtyPair pty, String name) {
        try {
            assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pty.relay().pid())).start().waitFor())
                    .isZero();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
