package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills real {@code buildchain publish} processes with SIGKILL at random points, at least 50 times, and
 * checks after every kill that the store still verifies at the previous tail or a newer one.
 */
class PublishCrashIT {
    static final int KILLS = 50;
    static final int MAX_ROUNDS = 160;

    @TempDir
    Path dir;

    final SecureRandom secure = new SecureRandom();
    final Random random = new Random();
    SigningKey builderA;
    SigningKey builderB;
    SigningKey signer;

    @Test
    void killedPublishersNeverBreakTheStore() throws Exception {
        builderA = KeyFiles.create(dir.resolve("a.key"), secure);
        builderB = KeyFiles.create(dir.resolve("b.key"), secure);
        signer = KeyFiles.create(dir.resolve("signer.key"), secure);
        Files.writeString(dir.resolve("trusted"), builderA.publicKey() + " a\n" + builderB.publicKey() + " b\n");

        long start = System.nanoTime();
        assertThat(publish(0).waitFor(120, TimeUnit.SECONDS)).isTrue();
        double fullRun = (System.nanoTime() - start) / 1e9;
        long lastCounter = verify();
        assertThat(lastCounter).isEqualTo(1);

        // Aim the kills at the end of the run, where the store is written; adapt as outcomes show.
        double delay = fullRun * 0.7;
        int kills = 0;
        int midWrite = 0;
        int round = 1;
        for (; round < MAX_ROUNDS && kills < KILLS; round++) {
            Process process = publish(round);
            double wait = delay * (0.6 + 0.6 * random.nextDouble());
            boolean exited = process.waitFor((long) (wait * 1000), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                kills++;
            }
            long counter = verify();
            assertThat(counter).as("tail after round %d", round).isGreaterThanOrEqualTo(lastCounter);
            boolean leftWork = !exited && (counter == lastCounter) && (hasFiles("pending") || hasFiles("tmp"));
            if (leftWork || (!exited && counter > lastCounter)) {
                midWrite++;
            }
            if (exited) {
                delay *= 0.9;
            } else if (counter == lastCounter && !leftWork) {
                delay *= 1.05;
            }
            lastCounter = counter;
        }
        System.out.printf("PublishCrashIT: %d rounds, %d kills, %d of them while the store was being written; "
                + "full publish %.2f s%n", round - 1, kills, midWrite, fullRun);
        assertThat(kills).isGreaterThanOrEqualTo(KILLS);

        // A last publish runs to completion: it finishes any interrupted release, and the chain is whole.
        Process last = publish(round);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isZero();
        long finalCounter = verify();
        assertThat(finalCounter).isGreaterThan(lastCounter);
        assertThat(hasFiles("pending")).isFalse();
        assertThat(hasFiles("tmp")).isFalse();
        try (Stream<Path> blocks = Files.list(dir.resolve("store/block"))) {
            // The last release is followed by the block that signs its log checkpoint.
            assertThat(blocks.count()).as("every signed block is in the store").isEqualTo(finalCounter + 1);
        }
    }

    /** Builds round {@code n} on both builders and starts a publish process for it. */
    Process publish(int n) throws Exception {
        List<String> submissions = new ArrayList<>();
        for (Map.Entry<String, SigningKey> builder : Map.of("a", builderA, "b", builderB).entrySet()) {
            Path work = dir.resolve("rounds").resolve(String.valueOf(n)).resolve(builder.getKey());
            Path dist = work.resolve("dist");
            Files.createDirectories(dist);
            Random content = new Random(n);
            for (int f = 0; f < 4; f++) {
                byte[] bytes = new byte[256 * 1024];
                content.nextBytes(bytes);
                Files.write(dist.resolve("part-" + f + ".bin"), bytes);
            }
            Manifest manifest = new TreeHasher(2).manifest(dist, 1700000000L + n);
            Files.write(work.resolve("manifest.json"), manifest.render());
            SignedRequest request = new BuilderChain(dir.resolve("state-" + builder.getKey()))
                    .request(builder.getValue(), manifest.digest(), 1700000000L + n);
            Files.write(work.resolve("req.bin"), request.bytes());
            submissions.add(work.resolve("manifest.json") + ":" + work.resolve("req.bin") + ":" + dist);
        }
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", "crash", "-b", "main",
                "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state"));
        args.addAll(submissions);
        return Cli.builder(dir, Map.of(), args.toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Verifies the store as an end user would; returns the tail's counter (0 if nothing is published yet). */
    long verify() throws Exception {
        if (!Files.exists(dir.resolve("store/tail/crash/main"))) {
            return 0;
        }
        ChainVerifier.Report report = new ChainVerifier(StoreReader.of(dir.resolve("store")), signer.publicKey())
                .verify("crash", "main", ChainVerifier.Options.defaults());
        assertThat(report.chainLength()).isEqualTo(report.release().block().counter());
        return report.release().block().counter();
    }

    boolean hasFiles(String sub) throws Exception {
        Path path = dir.resolve("store").resolve(sub);
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.anyMatch(Files::isRegularFile);
        }
    }
}
