package io.buildchain.core.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.testing.Network;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentChoiceTest {
    static final PublicKey A = SigningKey.generate(Network.RANDOM).publicKey();
    static final PublicKey B = SigningKey.generate(Network.RANDOM).publicKey();
    static final PublicKey C = SigningKey.generate(Network.RANDOM).publicKey();
    static final PublicKey EVIL = SigningKey.generate(Network.RANDOM).publicKey();
    static final KeyList TRUSTED = KeyList.of(Map.of(A, "a", B, "b", C, "c"), Map.of(A, "alice", B, "alice"));

    static AgentChoice.Agent online(String name, PublicKey key) {
        return new AgentChoice.Agent(name, true, Optional.ofNullable(key), false);
    }

    @Test
    void choosesDistinctAgentsTrustedFirstThenNewOnes() {
        List<AgentChoice.Agent> agents = List.of(online("new-1", null), online("linux-c", C), online("linux-a", A),
                online("linux-a", A));
        AgentChoice.Choice choice = AgentChoice.choose("builder", 3, agents, TRUSTED);
        assertThat(choice.agents()).containsExactly("linux-a", "linux-c", "new-1").doesNotHaveDuplicates();
    }

    @Test
    void neverTwoBranchesOnOneAgent() {
        List<AgentChoice.Agent> twice = List.of(online("linux-a", A), online("linux-a", A));
        assertThatThrownBy(() -> AgentChoice.choose("builder", 2, twice, TRUSTED))
                .hasMessageContaining("2 agent(s) with label 'builder' asked for, 1 suitable (linux-a)");
    }

    @Test
    void anotherOperatorComesBeforeASecondAgentOfTheSameOperator() {
        List<AgentChoice.Agent> agents = List.of(online("a1", A), online("a2", B), online("z", C));
        assertThat(AgentChoice.choose("builder", 2, agents, TRUSTED).agents()).containsExactly("a1", "z");
        assertThat(AgentChoice.choose("builder", 3, agents, TRUSTED).agents()).containsExactly("a1", "z", "a2");
    }

    @Test
    void offlineSignerAndUntrustedAgentsAreSkippedWithTheirReasons() {
        List<AgentChoice.Agent> agents = List.of(online("linux-a", A),
                new AgentChoice.Agent("linux-b", false, Optional.of(B), false),
                new AgentChoice.Agent("signer-1", true, Optional.empty(), true), online("evil", EVIL), online("linux-c", C));
        AgentChoice.Choice choice = AgentChoice.choose("builder", 2, agents, TRUSTED);
        assertThat(choice.agents()).containsExactly("linux-a", "linux-c");
        assertThat(choice.skipped()).extracting(Object::toString).containsExactly(
                "evil (untrusted key " + EVIL.base32().substring(0, 12) + "…)", "linux-b (offline)", "signer-1 (signer)");
    }

    @Test
    void tooFewSuitableAgentsFailAtOnceWithOneLineNamingLabelCountAndSkippedAgents() {
        List<AgentChoice.Agent> agents = List.of(online("linux-a", A),
                new AgentChoice.Agent("linux-b", false, Optional.of(B), false),
                new AgentChoice.Agent("signer-1", true, Optional.of(C), true));
        assertThatThrownBy(() -> AgentChoice.choose("builder", 3, agents, TRUSTED)).isInstanceOf(FormatException.class)
                .hasMessage("buildchainBuild: 3 agent(s) with label 'builder' asked for, 1 suitable (linux-a); skipped: "
                        + "linux-b (offline), signer-1 (signer)");
        assertThatThrownBy(() -> AgentChoice.choose("gpu", 1, List.of(), TRUSTED))
                .hasMessage("buildchainBuild: 1 agent(s) with label 'gpu' asked for, 0 suitable; skipped: none");
        assertThatThrownBy(() -> AgentChoice.choose("gpu", 0, List.of(), TRUSTED)).hasMessageContaining("at least 1");
    }

    @Test
    void aSignerAgentIsSkippedEvenWhenItsKeyIsTrusted() {
        List<AgentChoice.Agent> agents = List.of(new AgentChoice.Agent("signer-1", true, Optional.of(A), true),
                online("linux-c", C));
        assertThat(AgentChoice.choose("builder", 1, agents, TRUSTED).agents()).containsExactly("linux-c");
    }
}
