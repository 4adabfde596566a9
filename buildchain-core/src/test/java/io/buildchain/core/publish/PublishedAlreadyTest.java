package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.Block;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.testing.Network;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: re-running a job with the same version and manifest published it again as a new block. The Jenkins step
 * asks {@link Publisher#published} first, the same rule {@code publish} answers "already published" by.
 */
class PublishedAlreadyTest {
    @TempDir
    Path dir;

    @Test
    void aRerunThatAgreesOnTheTailsManifestIsPublishedAlready() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        var first = net.publish("r1", 2);
        // The job runs again: same source, same manifest, new requests (new counters).
        List<Submission> rerun = net.round("r1", List.of());
        assertThat(first.evidence().submissions()).extracting(e -> e.request())
                .doesNotContain(HexFormat.of().formatHex(rerun.get(0).request()));
        assertThat(published(net, "main", rerun)).contains(first.block());
        // A new release, or another branch: not published yet.
        assertThat(published(net, "main", net.round("r2", List.of()))).isEmpty();
        assertThat(published(net, "dev", net.round("r1", List.of()))).isEmpty();
        // One builder matching the tail while the others moved on to a new release: not the same.
        List<Submission> mixed = net.round("r3", List.of());
        assertThat(published(net, "main", List.of(mixed.get(0), mixed.get(1), net.round("r1", List.of()).get(2))))
                .isEmpty();
        // Nothing was signed or counted by asking: publishing the rerun answers with the same block.
        var again = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), rerun,
                Optional.empty()));
        assertThat(again.alreadyPublished()).isTrue();
        assertThat(again.block()).isEqualTo(first.block());
    }

    private static Optional<Block> published(Network net, String branch,
            List<Submission> votes) throws Exception {
        return net.publisher().published(new Publisher.Release("proj", branch, 2, net.trusted(), votes,
                Optional.empty()));
    }
}
