package io.buildchain.bench;

import io.buildchain.cli.serve.StoreServer;
import io.buildchain.core.chain.Block;
import io.buildchain.core.verify.CachingStoreReader;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.StoreReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Requests, bytes and time of {@code verify --url} on a store of N blocks (default 100,000), through a
 * counting loopback proxy in front of {@code serve}: first verify, an unchanged tail, the next verify after
 * one more release, after 100 more, and today's walk (the same store with its log hidden, no cache).
 * Usage: {@code LogBenchmark [BLOCKS] [WORK_DIR]}; {@code -Dbench.skipWalk=true} leaves out the walk (N requests).
 */
public final class LogBenchmark {
    private LogBenchmark() {
    }

    /** One measured verify. */
    record Run(String what, long requests, long bytes, double seconds, String chain) {
        String row() {
            return String.format("| %-44s | %8d | %12d | %8.2f | %s |", what, requests, bytes, seconds, chain);
        }
    }

    public static void main(String[] args) throws Exception {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("buildchain-log-bench");
        SyntheticStore synthetic = new SyntheticStore(work.resolve("store"));
        long t0 = System.nanoTime();
        Block last = synthetic.history(blocks - 1);
        double build = seconds(t0);
        t0 = System.nanoTime();
        synthetic.backfill(last);
        double backfill = seconds(t0);
        t0 = System.nanoTime();
        synthetic.publish("release 1", true);
        double onePublish = seconds(t0);
        System.out.printf("store: %d blocks + log (chain built in %.1f s; log backfill %.2f s; one more release with "
                + "its log update and checkpoint %.3f s)%n", blocks + 2, build, backfill, onePublish);
        try (StoreServer server = StoreServer.start(synthetic.store, "127.0.0.1", 0);
                CountingProxy proxy = new CountingProxy(URI.create("http://127.0.0.1:" + server.port() + "/"))) {
            Path cache = work.resolve("cache");
            ClientState seen = new ClientState(work.resolve("state/last-seen"));
            StoreReader reader = new CachingStoreReader(StoreReader.of(proxy.url()), cache, 256L << 20);
            ChainVerifier verifier = new ChainVerifier(reader, synthetic.signerKey());
            System.out.println("| verify --url                                 | requests |        bytes |     time | how |");
            System.out.println("|---|---|---|---|---|");
            System.out.println(measure("first verify (log)", proxy, verifier, seen).row());
            System.out.println(measure("unchanged tail", proxy, verifier, seen).row());
            synthetic.publish("release 2", true);
            System.out.println(measure("incremental: one more release", proxy, verifier, seen).row());
            for (int i = 0; i < 100; i++) {
                synthetic.publish("release " + (3 + i), true);
            }
            System.out.println(measure("incremental: 100 more releases", proxy, verifier, seen).row());
            if (Boolean.getBoolean("bench.skipWalk")) {
                System.out.println("today's walk skipped (-Dbench.skipWalk): it makes one request per block");
                return;
            }
            proxy.hideLog(true);
            ChainVerifier walker = new ChainVerifier(StoreReader.of(proxy.url()), synthetic.signerKey());
            System.out.println(measure("today's walk (log hidden, no cache)", proxy, walker, null).row());
        }
    }

    static Run measure(String what, CountingProxy proxy, ChainVerifier verifier, ClientState seen) throws Exception {
        proxy.reset();
        long t0 = System.nanoTime();
        ChainVerifier.Report report = verifier.verify("proj", "main", new ChainVerifier.Options(true, null, 0, seen));
        return new Run(what, proxy.requests(), proxy.bytes(), seconds(t0), report.history().description());
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
