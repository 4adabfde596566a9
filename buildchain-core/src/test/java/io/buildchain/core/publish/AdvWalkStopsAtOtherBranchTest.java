package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.publish.StalledSignerTest.StalledNode;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADVERSARY (issue 25, firstBlockOfRelease): the walk back from the received block stops at ANY block with evidence,
 * also another branch's release, while the block that first carried this release's request lies before it. A node of
 * pihsm's kind (answers again only its very last request) signs a journaled request anew after the key probe; if
 * another branch's release got its evidence between the two, the recount counts the request as replayed and the
 * release is refused for good (its journal is deleted, its evidence file stays).
 */
class AdvWalkStopsAtOtherBranchTest {
    @TempDir
    Path dir;

    /** alpha is built by c and d, beta by a and b (each branch its own builders, as two teams' branches). */
    static Publisher.Release release(Network net, String branch, List<Submission> round) {
        List<String> team = branch.equals("alpha") ? List.of("c", "d") : List.of("a", "b");
        return new Publisher.Release("proj", branch, 2, net.trusted(team.toArray(String[]::new)),
                round.stream().filter(s -> team.contains(s.source())).toList(), Optional.empty());
    }

    @Test
    void aJournaledRequestSignedBeforeAnotherBranchsReleaseIsStillPublished() throws Exception {
        Network net = new Network(dir, "a", "b", "c", "d");
        new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(release(net, "alpha",
                net.round("r0", List.of())));

        // beta's publisher stops with a's request on the line; the node signs it (block N), nobody stores it.
        List<Submission> beta = net.round("beta-1", List.of());
        StalledNode stopping = new StalledNode(net, 0, null);
        IOException stopped = new IOException("the controller stopped while the signing node was signing");
        stopping.lostOnTheLine = stopped;
        assertThatThrownBy(() -> new Publisher(net.store, stopping, net.log::add).publish(release(net, "beta", beta)))
                .isSameAs(stopped);

        // alpha's publish: the journaled beta request, sent again, stalls (signed, answered late); alpha's own
        // request is signed next; the chain has a gap (block N), so alpha waits for import-blocks.
        List<Submission> alpha = net.round("alpha-1", List.of());
        assertThatThrownBy(() -> new Publisher(net.store, new StalledNode(net, 1, null), net.log::add)
                .publish(release(net, "alpha", alpha))).isInstanceOf(ChainIncompleteException.class);
        BlockImport.into(net.store, List.of(net.signerState.resolve("chain")));

        // The next publish finishes alpha (evidence after block N); beta's journaled request is refused again.
        new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(release(net, "alpha", alpha));
        assertThat(net.store.tail("proj", "alpha")).isPresent();
        assertThat(net.store.root().resolve("pending/proj/beta.json")).exists();
        // beta published again with the same submissions: its request on the line is in the store now (import-blocks)
        // before alpha's release; b's request is signed after it.
        try {
            new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(release(net, "beta", beta));
        } finally {
            net.log.forEach(line -> System.out.println("ADV " + line));
            try (var files = Files.list(net.store.root().resolve("quorum"))) {
                System.out.println("ADV evidence files: " + files.count());
            }
        }
        assertThat(net.store.tail("proj", "beta")).as("beta's release is published").isPresent();
        new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", "beta",
                new ChainVerifier.Options(true, net.trusted("a", "b"), 2, null));
    }
}
