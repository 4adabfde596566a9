package io.buildchain.jenkins.agent;

import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.buildchain.core.BuildchainException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting for an agent a step needs, as {@code node {}} waits for an executor: printed once, polled each second,
 * refused in one line after the agent wait of the settings. After a controller restart agents reconnect within
 * seconds, and a resumed step goes on instead of failing at once.
 */
public final class AgentWait {
    private static final Duration POLL = Duration.ofSeconds(1);
    static final String SETTING = "agent wait in Manage Jenkins > System > Build chain";

    private AgentWait() {
    }

    /** One look at the agent: its name and channel when online, else what is wrong (channel null). */
    public record Look(String name, VirtualChannel channel, String state) {
    }

    /**
     * @param what the agent's role, for the log ("signer agent", "builder agent")
     * @return the first look that found the agent online
     */
    public static Look until(Supplier<Look> look, Duration wait, String what, TaskListener listener)
            throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        boolean announced = false;
        while (true) {
            Look now = look.get();
            if (now.channel() != null) {
                if (announced) {
                    listener.getLogger().println("buildchain: " + what + " " + now.name() + " is online");
                }
                return now;
            }
            if (System.nanoTime() - end >= 0) {
                throw new BuildchainException(now.state() + (wait.isZero() ? "" : " after waiting " + wait.toSeconds()
                        + " s") + "; bring it online, or wait longer: " + SETTING);
            }
            if (!announced) {
                listener.getLogger().println("buildchain: waiting up to " + wait.toSeconds() + " s for the " + what
                        + ": " + now.state() + " (" + SETTING + ")");
                announced = true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the " + what, e);
            }
        }
    }
}
