package io.buildchain.core.ci;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.testing.Network;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report: re-running a job with the same version and manifest published it again as a new block. */
class RepublishTest {
    @TempDir
    Path dir;

    @Test
    void aRerunThatAgreesOnTheTailsManifestIsPublishedAlready() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        var first = net.publish("r1", 2);
        // The job runs again: same source, same manifest, new requests (new counters).
        var rerun = net.round("r1", List.of());
        assertThat(first.evidence().submissions()).extracting(e -> e.request())
                .doesNotContain(java.util.HexFormat.of().formatHex(rerun.get(0).request()));
        assertThat(Republish.sameManifestAsTail(net.store, "proj", "main", rerun, net.trusted(), 2))
                .contains(first.block());
        // A new release, another branch, or one dissenter matching the tail while the others moved on: not the same.
        assertThat(Republish.sameManifestAsTail(net.store, "proj", "main", net.round("r2", List.of()), net.trusted(), 2))
                .isEmpty();
        assertThat(Republish.sameManifestAsTail(net.store, "proj", "dev", net.round("r1", List.of()), net.trusted(), 2))
                .isEmpty();
        var mixed = net.round("r3", List.of());
        assertThat(Republish.sameManifestAsTail(net.store, "proj", "main", List.of(mixed.get(0), mixed.get(1),
                net.round("r1", List.of()).get(2)), net.trusted(), 2)).isEmpty();
    }
}
