package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.publish.StalledSignerTest.StalledNode;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher stops right after a's request met a stalled node (journal SENT; the node signed it). The operator's
 * hourly {@code buildchain checkpoint} stores that block when it comes late, then adds a block an hour; weeks later
 * (over a thousand blocks, none a release) the next publish still finds the stored block and finishes the release
 * from it (an adversarial read found a walk capped at 1024 blocks refusing it and burning the requests).
 */
class JournalPastTheWalkTest {
    @TempDir
    Path dir;

    @Test
    void aJournalOlderThanAThousandCheckpointsIsStillFinished() throws Exception {
        Network net = new Network(dir, "a", "b");
        StalledNode node = new StalledNode(net, 0);
        Publisher.Release release = StalledSignerTest.nextAfterAFirst(net, node);
        StalledNode stalled = node.sameNode();
        stalled.silences = 1;
        RuntimeException killed = new RuntimeException("publisher killed after a's request met silence");
        assertThatThrownBy(() -> new Publisher(net.store, stalled, line -> {
            if (line.contains("before sending the request again")) {
                throw killed;
            }
        }).publish(release)).isSameAs(killed);
        assertThat(Files.readString(net.store.root().resolve("pending/proj/main.json"))).contains("SENT");

        for (int hour = 0; hour < 1030; hour++) {
            try (DirectoryLock lock = net.store.lock()) {
                new LogWriter(net.store, stalled, line -> { }, Clock.systemUTC()).refresh();
            }
        }
        Block signedForA = stalled.signed.stream().filter(b -> b.request().publicKey().equals(
                net.builders.get("a").publicKey())).findFirst().orElseThrow();
        assertThat(net.store.blockPath(signedForA.signature())).exists();

        Publisher.Result result = new Publisher(net.store, stalled.sameNode(), net.log::add).publish(release);
        assertThat(result.block()).isEqualTo(signedForA);
        new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(true, net.trusted(), 2, null));
    }
}
