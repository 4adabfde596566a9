package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.publish.StalledSignerTest.StalledNode;
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
 * A publish stops after the release's evidence is written (journal STORED) and before the tail moves (a SIGKILL there;
 * here the tail's directory is a file), or after the tail moved and before the journal is removed. The next publish's
 * key probe (a new block) lies after the release block; the release is still finished, once, and not reported
 * abandoned (an adversarial read found the ordering check refusing it for good).
 */
class CrashAfterEvidenceTest {
    @TempDir
    Path dir;

    @Test
    void aPublishStoppedAfterTheEvidenceIsFinishedByTheNext() throws Exception {
        Network net = new Network(dir, "a", "b");
        StalledNode node = new StalledNode(net, 0);
        Publisher.Release release = StalledSignerTest.nextAfterAFirst(net, node);

        // The tail cannot be moved: the publish stops after the evidence is written and STORED journaled.
        Path tails = net.store.root().resolve("tail/proj");
        Path aside = net.store.root().resolve("tail/proj.aside");
        Files.move(tails, aside);
        Files.writeString(tails, "not a directory");
        assertThatThrownBy(() -> new Publisher(net.store, node.sameNode(), net.log::add).publish(release))
                .hasMessageContaining("tail/proj: is a regular file");
        assertThat(Files.readString(net.store.root().resolve("pending/proj/main.json"))).contains("STORED");
        Files.delete(tails);
        Files.move(aside, tails);

        net.log.clear();
        Publisher.Result result = new Publisher(net.store, node.sameNode(), net.log::add).publish(release);
        assertThat(net.store.tail("proj", "main")).contains(result.block());
        new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(true, net.trusted(), 2, null));
    }

    /** The same stop after the tail moved (before the journal is deleted): the release is out, not "abandoned". */
    @Test
    void aPublishStoppedAfterTheTailMovedIsNotCalledAbandoned() throws Exception {
        Network net = new Network(dir, "a", "b");
        StalledNode node = new StalledNode(net, 0);
        Publisher.Release release = StalledSignerTest.nextAfterAFirst(net, node);
        Publisher.Result done = new Publisher(net.store, node.sameNode(), net.log::add).publish(release);
        // As a SIGKILL between setTail and deletePending leaves it: the journal at STORED with the release's block.
        Path journal = net.store.root().resolve("pending/proj/main.json");
        Files.createDirectories(journal.getParent());
        PendingRelease stored = new PendingRelease("proj", "main", java.util.HexFormat.of().formatHex(
                done.block().request().bytes()), done.evidence(), java.util.HexFormat.of().formatHex(done.block().bytes()),
                PendingRelease.Step.STORED, 2, net.trusted().render());
        Files.write(journal, io.buildchain.core.Json.MAPPER.writeValueAsBytes(stored));

        net.log.clear();
        Publisher.Result next = new Publisher(net.store, node.sameNode(), net.log::add).publish(new Publisher.Release(
                "proj", "main", 2, net.trusted(), net.round("r3", List.of()), Optional.empty()));
        assertThat(net.store.tail("proj", "main")).contains(next.block());
        assertThat(net.log).as("a published release is not reported abandoned, nor its builders told to submit again")
                .noneMatch(line -> line.startsWith("abandoning"));
    }
}
