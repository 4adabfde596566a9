package io.buildchain.core.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.testing.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuorumTest {
    @TempDir
    Path dir;

    static List<Vote.Status> statuses(QuorumDecision decision) {
        return decision.votes().stream().map(Vote::status).toList();
    }

    @Test
    void acceptsWhenKTrustedBuildersAgreeAndRecordsTheDissenter() throws Exception {
        Network net = new Network(dir, "a", "b", "c", "d");
        QuorumDecision decision = Quorum.decide(net.round("r1", List.of("d")), net.trusted(), 2);
        assertThat(decision.met()).isTrue();
        assertThat(statuses(decision)).containsExactly(Vote.Status.AGREE, Vote.Status.AGREE, Vote.Status.AGREE,
                Vote.Status.DISSENT);
        assertThat(decision.tally().values()).containsExactly(3, 1);
        assertThat(decision.summary()).contains("quorum met: 3 distinct trusted");
    }

    @Test
    void untrustedBuildersCountZero() throws Exception {
        Network net = new Network(dir, "a", "b", "evil1", "evil2");
        QuorumDecision decision = Quorum.decide(net.round("r1", List.of("a")), net.trusted("a", "b"), 2);
        assertThat(decision.met()).isFalse();
        assertThat(statuses(decision)).containsExactly(Vote.Status.NO_QUORUM, Vote.Status.NO_QUORUM,
                Vote.Status.UNTRUSTED, Vote.Status.UNTRUSTED);
    }

    @Test
    void aKeyCountsOnce() throws Exception {
        Network net = new Network(dir, "a", "b");
        Submission first = net.build("a", "r1", Map.of("f", "same"));
        Submission again = net.build("a", "r1", Map.of("f", "same"));
        QuorumDecision decision = Quorum.decide(List.of(first, again), net.trusted(), 2);
        assertThat(decision.met()).isFalse();
        assertThat(statuses(decision)).containsExactly(Vote.Status.NO_QUORUM, Vote.Status.DUPLICATE_KEY);
    }

    @Test
    void aKeyThatSignedTwoManifestsCountsForNeither() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        List<Submission> submissions = new ArrayList<>();
        submissions.add(net.build("a", "r1", Map.of("f", "good")));
        submissions.add(net.build("b", "r1", Map.of("f", "good")));
        submissions.add(net.build("c", "r1x", Map.of("f", "evil")));
        submissions.add(net.build("c", "r1", Map.of("f", "good")));
        QuorumDecision decision = Quorum.decide(submissions, net.trusted(), 2);
        assertThat(decision.met()).isTrue();
        assertThat(statuses(decision)).containsExactly(Vote.Status.AGREE, Vote.Status.AGREE, Vote.Status.EQUIVOCATION,
                Vote.Status.EQUIVOCATION);
        assertThat(decision.tally().values()).containsExactly(2);
    }

    @Test
    void badSignaturesAndMismatchedRequestsCountZero() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        Submission a = net.build("a", "r1", Map.of("f", "x"));
        Submission b = net.build("b", "r1", Map.of("f", "x"));
        Submission c = net.build("c", "r1", Map.of("f", "x"));
        byte[] tampered = b.request();
        tampered[10] ^= 1;
        Submission badSig = new Submission("b", b.manifest(), tampered, Optional.empty());
        Submission otherManifest = new Submission("c", a.manifest(), net.build("c", "r2", Map.of("f", "y")).request(),
                Optional.empty());
        Submission shortRequest = new Submission("short", a.manifest(), new byte[100], Optional.empty());
        QuorumDecision decision = Quorum.decide(List.of(a, badSig, otherManifest, shortRequest, c), net.trusted(), 2);
        assertThat(statuses(decision)).containsExactly(Vote.Status.AGREE, Vote.Status.BAD_REQUEST,
                Vote.Status.BAD_REQUEST, Vote.Status.BAD_REQUEST, Vote.Status.AGREE);
        assertThat(decision.votes().get(1).reason()).contains("signature does not verify");
        assertThat(decision.votes().get(2).reason()).contains("not this one");
        assertThat(decision.votes().get(3).reason()).contains("224");
    }

    @Test
    void nonCanonicalManifestIsInvalid() throws Exception {
        Network net = new Network(dir, "a");
        Submission a = net.build("a", "r1", Map.of("f", "x"));
        byte[] reformatted = (new String(a.manifest()) + "\n").getBytes();
        byte[] request = new io.buildchain.core.chain.BuilderChain(dir.resolve("a2")).request(net.builders.get("a"),
                io.buildchain.core.hash.Digest.of(reformatted), 1).bytes();
        QuorumDecision decision = Quorum.decide(List.of(new Submission("a", reformatted, request, Optional.empty())),
                net.trusted(), 1);
        assertThat(statuses(decision)).containsExactly(Vote.Status.INVALID_MANIFEST);
        assertThat(decision.votes().get(0).reason()).contains("canonical");
    }

    @Test
    void twoManifestsReachingALowQuorumIsAmbiguous() throws Exception {
        Network net = new Network(dir, "a", "b", "c", "d");
        List<Submission> submissions = List.of(net.build("a", "r", Map.of("f", "1")), net.build("b", "r", Map.of("f", "1")),
                net.build("c", "r", Map.of("f", "2")), net.build("d", "r", Map.of("f", "2")));
        QuorumDecision decision = Quorum.decide(submissions, net.trusted(), 2);
        assertThat(decision.met()).isFalse();
        assertThat(decision.summary()).contains("ambiguous");
    }

    @Test
    void impossibleQuorumsAreRejectedUpFront() throws Exception {
        Network net = new Network(dir, "a", "b");
        List<Submission> submissions = net.round("r", List.of());
        assertThatThrownBy(() -> Quorum.decide(submissions, net.trusted(), 3)).hasMessageContaining("can never be met");
        assertThatThrownBy(() -> Quorum.decide(submissions, net.trusted(), 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Quorum.decide(List.of(), net.trusted(), 1)).hasMessageContaining("no submissions");
    }

    @Test
    void evidenceRecountUsesOnlyTheRecordedBytesAndTheCallersKeys() throws Exception {
        Network net = new Network(dir, "a", "b", "c", "d");
        QuorumDecision decision = Quorum.decide(net.round("r1", List.of("d")), net.trusted(), 2);
        Evidence evidence = Evidence.parse(Evidence.of("p", "b", decision, List.of()).toJson(), "e.json");
        assertThat(evidence.recount(net.trusted(), Freshness.UNCHECKED)).hasSize(3);
        assertThat(evidence.recount(net.trusted("a", "d"), Freshness.UNCHECKED)).hasSize(1);
        assertThat(evidence.recount(KeyList.of(Map.of()), Freshness.UNCHECKED)).isEmpty();
    }
}
