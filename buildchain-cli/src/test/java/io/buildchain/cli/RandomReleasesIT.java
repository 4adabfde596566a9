package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random steps against one store through real {@code buildchain} processes, for a bounded time: releases whose
 * files turn into directories and back (in two projects), a builder that loses its state, blocks signed outside
 * the store and imported later, and publishers killed with SIGKILL (three builders, quorum two). After every step each project verifies at
 * its previous tail or a newer one. {@code -Dbuildchain.random.seconds} and {@code -Dbuildchain.random.seed}
 * lengthen or replay a run.
 */
class RandomReleasesIT {
    static final List<List<String>> SHAPES = List.of(List.of("x"), List.of("x/y"), List.of("x/y/z", "w"),
            List.of("y", "x"), List.of("y/x", "x/y"), List.of("w/x/y"), List.of("w", "x/w"), List.of());
    static final List<String> PROJECTS = List.of("one", "two");

    @TempDir
    Path dir;

    final SecureRandom secure = new SecureRandom();
    Random random;
    final Map<String, SigningKey> builders = new LinkedHashMap<>();
    final Map<String, Long> lastCounter = new HashMap<>();
    final Map<String, Long> highest = new HashMap<>();
    boolean resumeA;
    SigningKey signer;
    int round;

    @Test
    void randomReleasesKillsAndGapsNeverLeaveAStoreUsersCannotVerify() throws Exception {
        long seconds = Long.getLong("buildchain.random.seconds", 60);
        long seed = Long.getLong("buildchain.random.seed", secure.nextLong());
        random = new Random(seed);
        System.out.println("RandomReleasesIT: seed " + seed + ", " + seconds + " s");
        StringBuilder trusted = new StringBuilder();
        for (String name : List.of("a", "b", "c")) {
            builders.put(name, KeyFiles.create(dir.resolve(name + ".key"), secure));
            trusted.append(builders.get(name).publicKey()).append(' ').append(name).append('\n');
        }
        signer = KeyFiles.create(dir.resolve("signer.key"), secure);
        Files.writeString(dir.resolve("trusted"), trusted);

        Map<String, Integer> counts = new LinkedHashMap<>();
        boolean mayHaveGap = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            round++;
            String project = PROJECTS.get(random.nextInt(PROJECTS.size()));
            int dice = random.nextInt(10);
            String step;
            if (dice == 0) {
                step = "builder a loses its state";
                if (Files.exists(dir.resolve("state-a"))) {
                    FileTrees.delete(dir.resolve("state-a"));
                }
                // Its restarted counter counts zero (b and c still make the quorum) until it resumes.
                resumeA = random.nextBoolean();
                publishChecked(project, mayHaveGap);
            } else if (dice == 1) {
                step = "sign outside the store";
                Path req = request("b", "outside-" + round, Map.of("app", "outside " + round)).get(1);
                Cli.ok(dir, "sign", "--key", "signer.key", "--state", "signer-state", "--out", "gap.block", req.toString());
                mayHaveGap = true;
            } else if (dice == 2 && mayHaveGap && Files.isDirectory(dir.resolve("signer-state/chain"))) {
                // (A publish killed before the signer's first block leaves no chain to import.)
                step = "import the signer's blocks";
                Cli.ok(dir, "import-blocks", "--store", "store", "signer-state/chain");
                mayHaveGap = false;
            } else if (dice <= 4) {
                step = "publish killed";
                Process process = publishProcess(project, files());
                boolean exited = process.waitFor(200 + random.nextInt(1500), TimeUnit.MILLISECONDS);
                if (!exited) {
                    process.destroyForcibly();
                    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    mayHaveGap = true; // a block signed and lost can be overtaken by a standalone sign
                }
            } else {
                step = "publish";
                publishChecked(project, mayHaveGap);
            }
            counts.merge(step, 1, Integer::sum);
            for (String p : PROJECTS) {
                verifyNotOlder(p, step);
            }
        }
        // In the end the gaps are filled and one more release of each project goes through.
        Cli.ok(dir, "import-blocks", "--store", "store", "signer-state/chain");
        for (String project : PROJECTS) {
            // A round of its own: the last step's round in the same shape would be the same manifest, "already published".
            round++;
            publishChecked(project, false);
            verifyNotOlder(project, "final publish");
        }
        try (Stream<Path> pending = Files.walk(dir.resolve("store/pending"))) {
            assertThat(pending.filter(Files::isRegularFile).toList()).isEmpty();
        }
        System.out.println("RandomReleasesIT: " + round + " steps " + counts + ", tails " + lastCounter);
    }

    /** A publish run to its end: it moves the tail, or, while a block may be missing, refuses and names it. */
    void publishChecked(String project, boolean mayHaveGap) throws Exception {
        Process process = publishProcess(project, files());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        long before = lastCounter.getOrDefault(project, 0L);
        if (process.exitValue() != 0) {
            assertThat(mayHaveGap).as("publish of %s failed with no gap possible: %s", project, err).isTrue();
            assertThat(err).contains("is signed but not published", "import-blocks");
        } else {
            String out = Files.readString(dir.resolve("publish.out"));
            assertThat(verifyNotOlder(project, "publish")).as("%s%s", out, err).isGreaterThan(before);
        }
    }

    /** The files of this round: one of the shapes, with contents that make each release new. */
    Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : SHAPES.get(random.nextInt(SHAPES.size()))) {
            files.put(name, name + " of round " + round);
        }
        files.put("round", String.valueOf(round));
        return files;
    }

    /** Builder {@code node} builds {@code files}: its manifest, request and output directory. */
    List<Path> request(String node, String name, Map<String, String> files) throws Exception {
        Path work = dir.resolve("rounds").resolve(name).resolve(node);
        Path dist = work.resolve("dist");
        // A round retried after a kill or a gap builds its files again, possibly in another shape.
        if (Files.exists(dist)) {
            FileTrees.delete(dist);
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dist.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        Files.createDirectories(dist);
        Manifest manifest = new TreeHasher(1).manifest(dist, 1700000000L);
        Files.write(work.resolve("manifest.json"), manifest.render());
        long resumeAfter = node.equals("a") && resumeA ? highest.getOrDefault(node, 0L) : 0;
        SignedRequest request = new BuilderChain(dir.resolve("state-" + node)).request(builders.get(node),
                manifest.digest(), 1700000000L, resumeAfter);
        highest.merge(node, request.counter(), Math::max);
        Files.write(work.resolve("req.bin"), request.bytes());
        return List.of(work.resolve("manifest.json"), work.resolve("req.bin"), dist);
    }

    Process publishProcess(String project, Map<String, String> files) throws Exception {
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", project, "-b", "main",
                "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state"));
        for (String node : builders.keySet()) {
            List<Path> built = request(node, "r" + round, files);
            args.add(built.get(0) + ":" + built.get(1) + ":" + built.get(2));
        }
        return Cli.builder(dir, Map.of(), args.toArray(String[]::new)).redirectOutput(dir.resolve("publish.out").toFile())
                .start();
    }

    /** Verifies {@code project} as a user would, at a tail no older than the last one seen; returns its counter. */
    long verifyNotOlder(String project, String step) throws Exception {
        if (!Files.exists(dir.resolve("store/tail").resolve(project).resolve("main"))) {
            return 0;
        }
        ChainVerifier.Report report = new ChainVerifier(StoreReader.of(dir.resolve("store")), signer.publicKey())
                .verify(project, "main", ChainVerifier.Options.defaults());
        long counter = report.release().block().counter();
        assertThat(report.chainLength()).isEqualTo(counter);
        assertThat(counter).as("%s after step %d (%s)", project, round, step)
                .isGreaterThanOrEqualTo(lastCounter.getOrDefault(project, 0L));
        lastCounter.put(project, counter);
        return counter;
    }
}
