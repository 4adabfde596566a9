package io.buildchain.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.publish.Publisher;
import io.buildchain.core.testing.Network;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.StoreRoutes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's local object cache is shared by every store it reads. In a real Jenkins, `verify --quorum 2 --trust`
 * through one job's JOB_URL/buildchain/ passed, and after the same client downloaded another job's release through
 * that job's URL it was refused: "the store shows that release (its manifest ...) but not its evidence" — the
 * manifest came from the cache, while the job's view serves neither it nor its evidence.
 */
class CachedJobViewTest {
    @TempDir
    Path dir;

    static StoreReader jobView(Network net, String project, Path cache) {
        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/job/" + project + "/buildchain/",
                "http://j/job/" + project + "/buildchain/", true), (p, branch) -> p.equals(project));
        return new CachingStoreReader(new ScopedEvidenceTest.RoutedReader(routes), cache, CachingStoreReader.DEFAULT_BUDGET);
    }

    @Test
    void aManifestCachedFromAnotherJobsViewIsNotShownByThisOne() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        Publisher.Result other = net.publisher().publish(new Publisher.Release("other", "main", 2, net.trusted(),
                net.round("o1", List.of()), Optional.empty()));
        net.publish("r1", 2);
        Path cache = dir.resolve("cache");
        ChainVerifier.Options recount = new ChainVerifier.Options(true, net.trusted(), 2, null);

        // The user downloads the other job's release through that job's view: its manifest lands in the cache.
        new ChainVerifier(jobView(net, "other", cache), net.signerKey.publicKey()).verify("other", "main", recount);
        assertThat(cache.resolve("object/" + other.block().digest().base32())).exists();

        assertThat(new ChainVerifier(jobView(net, "proj", cache), net.signerKey.publicKey()).verify("proj", "main",
                recount).quorum()).contains("3 of your 3 trusted builders");
    }
}
