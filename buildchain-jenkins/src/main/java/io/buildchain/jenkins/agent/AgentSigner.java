package io.buildchain.jenkins.agent;

import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.serial.SerialSigner;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The signing node as Jenkins reaches it: a serial line attached to a dedicated agent chosen by label. The
 * port is opened on that agent, through its channel; the reply is checked again here. When no agent with the label
 * is online (a controller restart, an agent reconnecting) it waits for one, as {@code node {}} waits for an executor.
 */
public final class AgentSigner implements BlockSigner {
    /** One request on the line at a time, whichever step or job sends it. */
    private static final Object LINE = new Object();
    /** What remoting throws for a call whose channel went away (a remote exception arrives as itself or a ProxyException). */
    private static final java.util.Set<String> CHANNEL_LOST = java.util.Set.of("hudson.remoting.ChannelClosedException",
            "hudson.remoting.RequestAbortedException", "java.io.EOFException");

    /** An agent carrying the signer label as Jenkins sees it now; a null channel means offline. */
    public record Agent(String name, VirtualChannel channel) {
    }

    /** The agents carrying the signer label, asked afresh each time. */
    public interface Agents {
        List<Agent> now();

        /** Whether the controller is shutting down (its agents' channels close then, whatever they were doing). */
        default boolean controllerStopping() {
            return false;
        }
    }

    /**
     * The controller stopped while the signing node was signing: Pipeline saved the step as running before the
     * channels closed, and a step left unfinished now is resumed after the restart, where the journaled request is
     * sent again (the node answers it with the block it made).
     */
    public static final class ControllerStopping extends IOException {
        private static final long serialVersionUID = 1L;

        ControllerStopping(String message, Throwable cause) {
            super(message, cause);
        }

        /**
         * Keeps the step unfinished until the stopping controller's JVM exits (its threads are daemons), at most
         * {@code bound}; then it fails as a lost agent does.
         */
        public <T> T awaitExit(Duration bound) throws InterruptedException {
            Thread.sleep(bound.toMillis());
            throw new BuildchainException(getMessage());
        }
    }

    private final String label;
    private final String port;
    private final int baud;
    private final PublicKey pinned;
    private final Duration timeout;
    private final Duration agentWait;
    private final TaskListener listener;
    private final Agents agents;
    /** The agent chosen by the last {@link #sign}, or null before. */
    private String agentName;

    /**
     * @param timeout   how long the serial client waits for each reply
     * @param agentWait how long to wait for an agent with the label to come online
     */
    public AgentSigner(String label, String port, int baud, PublicKey pinned, Duration timeout, Duration agentWait,
            TaskListener listener) {
        this(label, port, baud, pinned, timeout, agentWait, listener, new Agents() {
            @Override
            public List<Agent> now() {
                return labelled(label);
            }

            @Override
            public boolean controllerStopping() {
                jenkins.model.Jenkins controller = jenkins.model.Jenkins.getInstanceOrNull();
                return controller == null || controller.isTerminating() || jvmStopping();
            }
        });
    }

    /**
     * Whether this JVM runs its shutdown hooks: on SIGTERM the web server stops (closing the WebSocket agents'
     * channels) before Jenkins marks itself terminating.
     */
    static boolean jvmStopping() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    AgentSigner(String label, String port, int baud, PublicKey pinned, Duration timeout, Duration agentWait,
            TaskListener listener, Agents agents) {
        this.label = label;
        this.port = port;
        this.baud = baud;
        this.pinned = pinned;
        this.timeout = timeout;
        this.agentWait = agentWait;
        this.listener = listener;
        this.agents = agents;
    }

    @Override
    public Block sign(SignedRequest request) throws IOException {
        return sign(request, block -> { });
    }

    /** Signs on the agent; {@code late} gets the blocks the line brought answering earlier requests. */
    @Override
    public Block sign(SignedRequest request, java.util.function.Consumer<Block> late) throws IOException {
        return sign(request, late, false);
    }

    @Override
    public Block signOnce(SignedRequest request, java.util.function.Consumer<Block> late) throws IOException {
        return sign(request, late, true);
    }

    private Block sign(SignedRequest request, java.util.function.Consumer<Block> late, boolean once)
            throws IOException {
        Agent agent = awaitAgent();
        agentName = agent.name();
        // A signing node is silent until it answers: say how long a stalled one is waited for (the reply timeout
        // and as long again for a late reply, each try).
        listener.getLogger().println("buildchain: signing on agent " + agentName + " (label " + label + "); waiting "
                + "up to " + (once ? 1 : SerialSigner.TRIES) * 2 * timeout.toSeconds() + " s for the signing node's "
                + "reply");
        SignOnAgent.Reply reply;
        synchronized (LINE) {
            try {
                reply = agent.channel().call(new SignOnAgent(port, baud, pinned == null ? null : pinned.toString(),
                        timeout.toMillis(), request.bytes(), once));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the signer on " + agentName + " was signing", e);
            } catch (IOException | RuntimeException e) {
                if (e instanceof BuildchainException || !disconnected(e, agent.name())) {
                    throw e;
                }
                if (agents.controllerStopping()) {
                    throw new ControllerStopping("the controller stopped while the signing node was signing on "
                            + agentName + ": the request is journaled and sent again when the build resumes", e);
                }
                // Remoting's 50-line ClosedChannelException says only this.
                throw new BuildchainException("the signer agent " + agentName + " disconnected while the signing node "
                        + "was signing (" + e.getClass().getSimpleName() + "): nothing was published; when " + agentName
                        + " is back online run the job again: a block the node signed meanwhile is picked up then");
            }
        }
        reply.log().forEach(line -> listener.getLogger().println("buildchain: " + agentName + ": " + line));
        for (byte[] stray : reply.strays()) {
            Block block = Block.decode(stray, "block from the signer agent");
            block.verifySignature("block from the signer agent");
            late.accept(block);
        }
        return BlockSigner.checkReply(reply.block(), request, pinned);
    }

    /**
     * An online agent with the signer label, waiting up to the configured time for one to come online (printing
     * once that it waits); a one-line refusal when none did.
     */
    public Agent awaitAgent() throws IOException {
        if (label == null || label.isBlank()) {
            throw new BuildchainException("no signer is configured: set the signer agent label in Manage Jenkins > "
                    + "System > Build chain");
        }
        AgentWait.Look found = AgentWait.until(() -> {
            List<String> offline = new ArrayList<>();
            for (Agent agent : agents.now()) {
                if (agent.channel() != null) {
                    return new AgentWait.Look(agent.name(), agent.channel(), null);
                }
                offline.add(agent.name());
            }
            return new AgentWait.Look(null, null, offline.isEmpty() ? "no agent has the signer label \"" + label + "\""
                    : "the signer agent is offline: \"" + label + "\" matches " + String.join(", ", offline)
                            + ", none online");
        }, agentWait, "signer agent", listener);
        return new Agent(found.name(), found.channel());
    }

    /** Whether {@code failure} of a call on {@code name} was its channel closing, rather than the signing failing. */
    private boolean disconnected(Throwable failure, String name) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException || CHANNEL_LOST.contains(t.getClass().getName())) {
                return true;
            }
        }
        return agents.now().stream().noneMatch(a -> a.name().equals(name) && a.channel() != null);
    }

    /** A signing node's key is born at its start, as for the serial client on a line of our own. */
    @Override
    public boolean keyKnownBeforeSigning() {
        return false;
    }

    @Override
    public java.util.Optional<PublicKey> key() {
        return java.util.Optional.ofNullable(pinned);
    }

    @Override
    public String describe() {
        // Until sign() has chosen an agent, say which agents qualify rather than name one.
        return "serial " + port + " at " + baud + " baud on " + (agentName == null
                ? "an agent labelled \"" + label + "\"" : "agent " + agentName + " (label " + label + ")");
    }

    private static List<Agent> labelled(String label) {
        List<Agent> found = new ArrayList<>();
        for (Node node : Label.parseExpression(label).getNodes()) {
            Computer computer = node.toComputer();
            found.add(new Agent(node.getNodeName(), computer != null && computer.isOnline() ? node.getChannel() : null));
        }
        return found;
    }
}
