package io.buildchain.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.cli.serve.StoreServer;
import io.buildchain.core.chain.Block;
import io.buildchain.core.verify.CachingStoreReader;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.StoreReader;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests of verify --url on a store of 600 blocks, counted by a loopback proxy in front of serve. */
class LogRequestCountTest {
    static final int BLOCKS = 600;

    @TempDir
    Path dir;

    SyntheticStore synthetic;
    StoreServer server;
    CountingProxy proxy;

    @BeforeEach
    void serveAStoreOf600Blocks() throws Exception {
        synthetic = new SyntheticStore(dir.resolve("store"));
        Block last = synthetic.history(BLOCKS - 1);
        synthetic.backfill(last);
        server = StoreServer.start(synthetic.store, "127.0.0.1", 0);
        proxy = new CountingProxy(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        server.close();
    }

    ChainVerifier client(boolean cached) {
        StoreReader http = StoreReader.of(proxy.url());
        return new ChainVerifier(cached ? new CachingStoreReader(http, dir.resolve("cache"), 64L << 20) : http,
                synthetic.signerKey());
    }

    long requests(ChainVerifier verifier, ClientState seen) throws Exception {
        proxy.reset();
        verifier.verify("proj", "main", new ChainVerifier.Options(true, null, 0, seen));
        return proxy.requests();
    }

    @Test
    void firstIncrementalAndUnchangedVerifiesStayWithinTheirRequestBudgets() throws Exception {
        ClientState seen = new ClientState(dir.resolve("state/last-seen"));
        ChainVerifier verifier = client(true);
        // tail, checkpoint, manifest, file, and the tiles of one inclusion proof.
        assertThat(requests(verifier, seen)).isLessThanOrEqualTo(12);
        assertThat(proxy.bytes()).isLessThan(100_000);
        // Conditional requests for the tail, the checkpoint (a log once seen is required, and it dates the store) and
        // the two notes beside it (evidence, counted requests), answered 304, and these releases without a record: their
        // evidence (the branch it names); everything else from the cache.
        assertThat(requests(verifier, seen)).isLessThanOrEqualTo(5);
        synthetic.publish("one more", true);
        // The walk to the tail seen (tail, 2 blocks, manifest, file), and since every verify reads the newest
        // checkpoint: it, its consistency proof from the one seen, the two notes, the release's evidence.
        assertThat(requests(verifier, seen)).isLessThanOrEqualTo(10);
        for (int i = 0; i < 20; i++) {
            synthetic.publish("more " + i, true);
        }
        // Far from what was seen: the log again, with a consistency proof from the checkpoint seen before.
        assertThat(requests(verifier, seen)).isLessThanOrEqualTo(14);
        // 599 blocks, the backfill's checkpoint block, then 21 releases each followed by its checkpoint block.
        assertThat(seen.of(ClientState.identity(synthetic.signerKey(), synthetic.signerKey())).checkpoint(synthetic.signerKey()).orElseThrow().size()).isEqualTo(BLOCKS + 2 * 21 - 1);
    }

    @Test
    void theOldWalkStillWorksOnAStoreWithoutALogAtOneRequestPerBlock() throws Exception {
        proxy.hideLog(true);
        // tail, manifest, file, the log's checkpoint (404), the release's evidence (a release without a record is
        // checked against the branch its evidence names), then the 598 blocks before the tail.
        assertThat(requests(client(false), null)).isEqualTo(BLOCKS + 3);
    }
}
