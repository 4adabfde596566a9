package io.buildchain.core.ci;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which agents build a fan-out: N distinct online agents carrying the label, never the signer's agent, agents
 * whose builder keys are trusted first (and among those, other operators before a second agent of one operator),
 * then agents that have not built yet (their key is made on first use and must then be trusted). An agent whose
 * known key is not trusted is skipped: its vote would not count. Too few suitable agents is an error at once,
 * naming the label, the count asked for and every skipped agent with its reason.
 */
public final class AgentChoice {
    private AgentChoice() {
    }

    /**
     * An agent that carries the label, as the CI sees it now.
     *
     * @param builderKey the key it last built with, if it has built before
     * @param signer     whether it is the signing node's agent
     */
    public record Agent(String name, boolean online, Optional<PublicKey> builderKey, boolean signer) {
    }

    /** An agent left out, and why ("offline", "signer", "untrusted key K…"). */
    public record Skipped(String name, String reason) {
        @Override
        public String toString() {
            return name + " (" + reason + ")";
        }
    }

    /** The agents to build on, in the order chosen, and those left out. */
    public record Choice(List<String> agents, List<Skipped> skipped) {
    }

    public static Choice choose(String label, int builders, List<Agent> candidates, KeyList trusted) {
        if (builders < 1) {
            throw new FormatException("builders: expected at least 1, got " + builders);
        }
        Map<String, Agent> byName = new LinkedHashMap<>();
        candidates.stream().sorted(Comparator.comparing(Agent::name)).forEach(a -> byName.putIfAbsent(a.name(), a));
        List<Agent> trustedAgents = new ArrayList<>();
        List<Agent> newAgents = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Agent agent : byName.values()) {
            if (agent.signer()) {
                skipped.add(new Skipped(agent.name(), "signer"));
            } else if (!agent.online()) {
                skipped.add(new Skipped(agent.name(), "offline"));
            } else if (agent.builderKey().isEmpty()) {
                newAgents.add(agent);
            } else if (trusted.contains(agent.builderKey().get())) {
                trustedAgents.add(agent);
            } else {
                skipped.add(new Skipped(agent.name(), "untrusted key " + agent.builderKey().get().base32().substring(0, 12)
                        + "…"));
            }
        }
        List<String> chosen = new ArrayList<>();
        // One agent per operator first, so that the quorum's independent votes come from independent parties.
        Set<String> operators = new HashSet<>();
        List<Agent> sameOperator = new ArrayList<>();
        for (Agent agent : trustedAgents) {
            if (operators.add(trusted.operatorId(agent.builderKey().get()))) {
                chosen.add(agent.name());
            } else {
                sameOperator.add(agent);
            }
        }
        sameOperator.forEach(a -> chosen.add(a.name()));
        newAgents.forEach(a -> chosen.add(a.name()));
        if (chosen.size() < builders) {
            throw new FormatException("buildchainBuild: " + builders + " agent(s) with label '" + label + "' asked for, "
                    + chosen.size() + " suitable" + (chosen.isEmpty() ? "" : " (" + String.join(", ", chosen) + ")")
                    + "; skipped: " + (skipped.isEmpty() ? "none" : String.join(", ",
                            skipped.stream().map(Skipped::toString).toList())));
        }
        return new Choice(List.copyOf(chosen.subList(0, builders)), List.copyOf(skipped));
    }
}
