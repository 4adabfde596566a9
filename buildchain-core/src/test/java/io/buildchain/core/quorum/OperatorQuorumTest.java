package io.buildchain.core.quorum;

import static io.buildchain.core.quorum.QuorumTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.publish.QuorumNotMetException;
import io.buildchain.core.testing.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorQuorumTest {
    @TempDir
    Path dir;

    @Test
    void twoKeysOfOneOperatorAgreeingCountOnce() throws Exception {
        Network net = new Network(dir, "a1", "a2", "b");
        KeyList trusted = net.trustedWithOperators(Map.of("a1", "alice", "a2", "alice"));
        List<Submission> round = net.round("r1", List.of("b"));
        QuorumDecision decision = Quorum.decide(round, trusted, 2);
        assertThat(decision.met()).isFalse();
        assertThat(statuses(decision)).containsExactly(Vote.Status.NO_QUORUM, Vote.Status.SAME_OPERATOR,
                Vote.Status.NO_QUORUM);
        assertThat(decision.votes().get(1).reason()).contains("operator alice was already counted");
        assertThat(decision.summary()).contains("quorum not met: at most 1 distinct trusted operator(s)")
                .contains("did not count again because their operator was already counted");
        assertThat(decision.report()).contains("operator alice");
    }

    @Test
    void theSameVotesCountTwiceWhenTheKeysHaveNoOperator() throws Exception {
        Network net = new Network(dir, "a1", "a2", "b");
        QuorumDecision decision = Quorum.decide(net.round("r1", List.of("b")), net.trusted(), 2);
        assertThat(decision.met()).isTrue();
        assertThat(decision.summary()).contains("2 distinct trusted builder(s)");
    }

    @Test
    void anotherOperatorMakesTheQuorum() throws Exception {
        Network net = new Network(dir, "a1", "a2", "b");
        KeyList trusted = net.trustedWithOperators(Map.of("a1", "alice", "a2", "alice", "b", "bob"));
        QuorumDecision decision = Quorum.decide(net.round("r1", List.of()), trusted, 2);
        assertThat(decision.met()).isTrue();
        assertThat(decision.tally().values()).containsExactly(2);
        assertThat(statuses(decision)).containsExactly(Vote.Status.AGREE, Vote.Status.SAME_OPERATOR, Vote.Status.AGREE);
    }

    @Test
    void aQuorumAboveTheNumberOfOperatorsIsRefusedUpFront() throws Exception {
        Network net = new Network(dir, "a1", "a2", "b");
        KeyList trusted = net.trustedWithOperators(Map.of("a1", "alice", "a2", "alice"));
        assertThatThrownBy(() -> Quorum.decide(net.round("r", List.of()), trusted, 3))
                .isInstanceOf(FormatException.class).hasMessageContaining("can never be met")
                .hasMessageContaining("2 distinct operator(s)");
    }

    @Test
    void publishRefusesTwoKeysOfOneOperatorAndSaysSo() throws Exception {
        Network net = new Network(dir, "a1", "a2", "b");
        KeyList trusted = net.trustedWithOperators(Map.of("a1", "alice", "a2", "alice"));
        assertThatThrownBy(() -> net.publisher().publish(new io.buildchain.core.publish.Publisher.Release("proj", "main",
                2, trusted, net.round("r", List.of("b")), Optional.empty())))
                .isInstanceOf(QuorumNotMetException.class).hasMessageContaining("operator was already counted");
    }

    @Test
    void evidenceShowsOperatorsAndItsRecountCountsThemOnce() throws Exception {
        Network net = new Network(dir, "a1", "a2", "b");
        KeyList trusted = net.trustedWithOperators(Map.of("a1", "alice", "a2", "alice", "b", "bob"));
        var published = net.publisher().publish(new io.buildchain.core.publish.Publisher.Release("proj", "main", 2,
                trusted, net.round("r", List.of()), Optional.empty()));
        Evidence evidence = Evidence.parse(published.evidence().toJson(), "e.json");
        assertThat(evidence.submissions()).extracting(Evidence.Entry::operator).containsExactly("alice", "alice", "bob");
        assertThat(evidence.submissions()).extracting(Evidence.Entry::status)
                .containsExactly("agree", "same-operator", "agree");
        assertThat(evidence.recount(trusted, Freshness.UNCHECKED)).containsExactly("alice", "bob");
        assertThat(evidence.recount(evidence.publisherTrust(), Freshness.UNCHECKED)).containsExactly("alice", "bob");
        // A verifier who does not know the operators counts keys, as before.
        assertThat(evidence.recount(net.trusted(), Freshness.UNCHECKED)).hasSize(3);
        // One who puts all three keys under one operator counts one.
        assertThat(evidence.recount(net.trustedWithOperators(Map.of("a1", "x", "a2", "x", "b", "x")),
                Freshness.UNCHECKED))
                .containsExactly("x");
    }
}
