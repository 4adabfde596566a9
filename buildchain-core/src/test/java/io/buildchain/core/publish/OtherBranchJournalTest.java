package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.publish.StalledSignerTest.StalledNode;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two branches on one signer, each with its own builders, before a node of pihsm's kind (answers again only its very
 * last request): beta's publisher stops with a request on the line, which the node signs; alpha's publish then waits
 * for that block (a gap) until import-blocks brings it in. The next publish finishes both journals in chain order,
 * beta's from the stored block, so no release is placed before another (found in an adversarial read: the walk back
 * from alpha's later release stopped at it, and beta's release was refused for good).
 */
class OtherBranchJournalTest {
    @TempDir
    Path dir;

    /** alpha is built by c and d, beta by a and b (each branch its own builders, as two teams' branches). */
    static Publisher.Release release(Network net, String branch, List<Submission> round) {
        List<String> team = branch.equals("alpha") ? List.of("c", "d") : List.of("a", "b");
        return new Publisher.Release("proj", branch, 2, net.trusted(team.toArray(String[]::new)),
                round.stream().filter(s -> team.contains(s.source())).toList(), Optional.empty());
    }

    @Test
    void aJournaledRequestImportedBeforeAnotherBranchsReleaseIsFinishedFirst() throws Exception {
        Network net = new Network(dir, "a", "b", "c", "d");
        new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(release(net, "alpha",
                net.round("r0", List.of())));

        // beta's publisher stops with a's request on the line; the node signs it (block N), nobody stores it.
        List<Submission> beta = net.round("beta-1", List.of());
        Block signedMeanwhile = StalledSignerTest.stoppedWithARequestOnTheLine(net, new StalledNode(net, 0, null),
                release(net, "beta", beta));

        // alpha's publish: the journaled beta request, sent again after the key probe, meets silence (the node answers
        // again only its last request); c's request stalls and d's is signed; the chain has a gap (block N), so alpha
        // waits for import-blocks.
        List<Submission> alpha = net.round("alpha-1", List.of());
        assertThatThrownBy(() -> new Publisher(net.store, new StalledNode(net, 1, null), net.log::add)
                .publish(release(net, "alpha", alpha))).isInstanceOf(ChainIncompleteException.class);
        BlockImport.into(net.store, List.of(net.signerState.resolve("chain")));

        // The next publish (alpha's) finds beta's request in the store (block N, brought in by import-blocks) and
        // finishes the journals in chain order: beta at block N first, then alpha after it. No release lands before
        // another, and each recount runs with its own journal's trusted keys (the teams differ).
        new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(release(net, "alpha", alpha));
        assertThat(net.store.tail("proj", "beta")).contains(signedMeanwhile);
        assertThat(net.store.tail("proj", "alpha").get().counter()).isGreaterThan(signedMeanwhile.counter());
        assertThat(net.log).contains("the block for the journaled request of proj/beta is in the store: block "
                + signedMeanwhile.counter());
        for (String branch : List.of("alpha", "beta")) {
            List<String> team = branch.equals("alpha") ? List.of("c", "d") : List.of("a", "b");
            new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", branch,
                    new ChainVerifier.Options(true, net.trusted(team.toArray(String[]::new)), 2, null));
        }
        try (var files = Files.list(net.store.root().resolve("quorum"))) {
            assertThat(files.count()).as("one evidence file per release").isEqualTo(3);
        }
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }
}
