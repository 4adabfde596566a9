package io.buildchain.jenkins.agent;

import hudson.AbortException;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The signing node as Jenkins reaches it: a serial line attached to a dedicated agent chosen by label. The
 * port is opened on that agent, through its channel; the reply is checked again here.
 */
public final class AgentSigner implements BlockSigner {
    /** One request on the line at a time, whichever step or job sends it. */
    private static final Object LINE = new Object();
    private final String label;
    private final String port;
    private final int baud;
    private final PublicKey pinned;
    private final Duration timeout;
    private final TaskListener listener;
    /** The agent chosen by the last {@link #sign}, or null before. */
    private String agentName;

    /** @param timeout how long the serial client waits for each reply */
    public AgentSigner(String label, String port, int baud, PublicKey pinned, Duration timeout, TaskListener listener) {
        this.label = label;
        this.port = port;
        this.baud = baud;
        this.pinned = pinned;
        this.timeout = timeout;
        this.listener = listener;
    }

    @Override
    public Block sign(SignedRequest request) throws IOException {
        Node agent = onlineAgent();
        agentName = agent.getNodeName();
        listener.getLogger().println("buildchain: signing on agent " + agentName + " (label " + label + ")");
        VirtualChannel channel = agent.getChannel();
        if (channel == null) {
            throw new IOException("signer agent " + agentName + " went offline");
        }
        SignOnAgent.Reply reply;
        synchronized (LINE) {
            try {
                reply = channel.call(new SignOnAgent(port, baud, pinned == null ? null : pinned.toString(),
                        timeout.toMillis(), request.bytes()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the signer on " + agentName + " was signing", e);
            }
        }
        reply.log().forEach(line -> listener.getLogger().println("buildchain: " + agentName + ": " + line));
        return BlockSigner.checkReply(reply.block(), request, pinned);
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

    private Node onlineAgent() throws IOException {
        if (label == null || label.isBlank()) {
            throw new AbortException("no signer is configured: set the signer agent label in Manage Jenkins > "
                    + "System > Build chain");
        }
        List<String> offline = new ArrayList<>();
        for (Node node : Label.parseExpression(label).getNodes()) {
            Computer computer = node.toComputer();
            if (computer != null && computer.isOnline()) {
                return node;
            }
            offline.add(node.getNodeName());
        }
        throw new AbortException(offline.isEmpty() ? "no agent has the signer label \"" + label + "\""
                : "the signer agent is offline: \"" + label + "\" matches " + String.join(", ", offline)
                        + ", none online");
    }
}
