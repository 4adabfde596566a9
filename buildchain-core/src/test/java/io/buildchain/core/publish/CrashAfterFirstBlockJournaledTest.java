package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.publish.StalledSignerTest.StalledNode;
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
 * A crash point of finishing a release: the publish fails right after the journal names the release's first block
 * (a block brought in by import-blocks, earlier than the one just received) and before its evidence is written; the
 * next publish finishes the same release exactly once, at that block.
 */
class CrashAfterFirstBlockJournaledTest {
    @TempDir
    Path dir;

    @Test
    void aFailureBetweenJournalingTheFirstBlockAndItsEvidenceFinishesOnce() throws Exception {
        Network net = new Network(dir, "a", "b");
        Publisher.Release release = StalledSignerTest.nextAfterAFirst(net, new StalledNode(net, 0, null));
        Block first = StalledSignerTest.stoppedWithARequestOnTheLine(net, new StalledNode(net, 0, null), release);
        assertThatThrownBy(() -> new Publisher(net.store, new StalledNode(net, 0, null), net.log::add)
                .publish(release)).isInstanceOf(ChainIncompleteException.class);
        BlockImport.into(net.store, List.of(net.signerState.resolve("chain")));

        // The evidence cannot be written (quorum/ is moved aside, a file in its place): the publish stops there.
        Path quorum = net.store.root().resolve("quorum");
        Path aside = net.store.root().resolve("quorum.aside");
        Files.move(quorum, aside);
        Files.writeString(quorum, "not a directory");
        assertThatThrownBy(() -> new Publisher(net.store, new StalledNode(net, 0, null), net.log::add)
                .publish(release)).isInstanceOf(IOException.class);
        assertThat(Files.readString(net.store.root().resolve("pending/proj/main.json")))
                .contains(java.util.HexFormat.of().formatHex(first.bytes()));
        Files.delete(quorum);
        Files.move(aside, quorum);

        Publisher.Result result = new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(release);
        assertThat(result.block()).isEqualTo(first);
        try (var files = Files.list(net.store.root().resolve("quorum"))) {
            assertThat(files.count()).as("one evidence file per release").isEqualTo(2);
        }
        new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(true, net.trusted(), 2, null));
        Publisher.Result next = new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(
                new Publisher.Release("proj", "main", 2, net.trusted(), net.round("r3", List.of()), Optional.empty()));
        assertThat(next.alreadyPublished()).isFalse();
        new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(true, net.trusted(), 2, null));
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }
}
