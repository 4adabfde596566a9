package io.buildchain.core.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.publish.Publisher;
import io.buildchain.core.publish.QuorumNotMetException;
import io.buildchain.core.testing.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestLedgerTest {
    @TempDir
    Path dir;

    @Test
    void aStorePublishedBeforeTheLedgerExistedStillRefusesReplays() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        List<Submission> first = net.round("r1", List.of());
        net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), first, Optional.empty()));
        net.publish("r2", 2);
        // As if published by a version without the ledger: it is rebuilt from the public blocks and evidence.
        Files.delete(RequestLedger.file(net.store));

        assertThatThrownBy(() -> net.publisher().publish(new Publisher.Release("proj", "stable", 2, net.trusted(), first,
                Optional.empty()))).isInstanceOfSatisfying(QuorumNotMetException.class, e -> assertThat(e.decision().votes())
                        .allSatisfy(v -> assertThat(v.status()).isEqualTo(Vote.Status.REPLAYED)));
        assertThat(RequestLedger.read(net.store).staleness(
                io.buildchain.core.chain.SignedRequest.decode(first.get(0).request(), "r"))).isPresent();
        assertThat(net.publish("r3", 2).decision().met()).isTrue();
        assertThat(RequestLedger.file(net.store)).exists();
    }

    @Test
    void aStaleRequestNeverMakesItsKeyEquivocate() throws Exception {
        Network net = new Network(dir, "a", "b");
        List<Submission> old = net.round("r1", List.of());
        net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), old, Optional.empty()));
        List<Submission> mixed = new java.util.ArrayList<>(net.round("r2", List.of()));
        mixed.addAll(old);
        QuorumDecision decision = Quorum.decide(mixed, net.trusted(), 2, RequestLedger.read(net.store));
        assertThat(decision.met()).isTrue();
        assertThat(decision.votes()).extracting(Vote::status).containsExactly(Vote.Status.AGREE, Vote.Status.AGREE,
                Vote.Status.REPLAYED, Vote.Status.REPLAYED);
        // Without the ledger, the same bytes would void both honest builders.
        assertThat(Quorum.decide(mixed, net.trusted(), 2).met()).isFalse();
    }

    /** Finding 1, client side: a block re-signed from replayed evidence (by a publisher without the ledger). */
    @Test
    void aClientRecountGivesZeroToABlockMadeOfReplayedRequests() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        List<Submission> v1 = net.round("r1", List.of());
        Publisher.Result first = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), v1,
                Optional.empty()));
        net.publish("r2", 2);
        // The signer used up only the chosen builder's counter: another builder's v1 request still gets signed.
        Submission unused = v1.stream().filter(s -> !first.block().carries(
                io.buildchain.core.chain.SignedRequest.decode(s.request(), "r"))).findFirst().orElseThrow();
        io.buildchain.core.chain.Block replay = net.signer().sign(
                io.buildchain.core.chain.SignedRequest.decode(unused.request(), "r"));
        net.store.putBlock(replay);
        net.store.putEvidence(replay, Evidence.parse(Files.readAllBytes(net.store.evidencePath(first.block())), "e")
                .withBlock(replay.signatureBase32()).toJson());
        net.store.setTail("proj", "main", replay);

        io.buildchain.core.verify.ChainVerifier verifier = new io.buildchain.core.verify.ChainVerifier(
                io.buildchain.core.verify.StoreReader.of(net.store.root()), net.signerKey.publicKey());
        assertThatThrownBy(() -> verifier.verify("proj", "main",
                new io.buildchain.core.verify.ChainVerifier.Options(false, net.trusted(), 2, null)))
                .hasMessageContaining("quorum not met: 0 of your trusted builders");
        assertThat(verifier.checkQuorum(replay, net.trusted(), 2)).as("counted without memory").contains("3 of your 3");
    }
}
