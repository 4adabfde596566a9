package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.BuilderChain;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publisher processes started together on one store and one tail: all succeed, one linear chain results. */
class ConcurrentPublishIT {
    static final int PUBLISHERS = 4;

    @TempDir
    Path dir;

    @Test
    void racingPublisherProcessesDoNotForkTheTail() throws Exception {
        SecureRandom random = new SecureRandom();
        SigningKey signer = KeyFiles.create(dir.resolve("signer.key"), random);
        StringBuilder trusted = new StringBuilder();
        List<List<String>> commands = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", "race", "-b", "main",
                    "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state"));
            for (String builder : new String[] {"x" + p, "y" + p}) {
                SigningKey key = SigningKey.generate(random);
                trusted.append(key.publicKey()).append(' ').append(builder).append('\n');
                Path dist = Files.createDirectories(dir.resolve(builder).resolve("dist"));
                Files.writeString(dist.resolve("release.txt"), "release of publisher " + p);
                Manifest manifest = new TreeHasher(1).manifest(dist, 1700000000L);
                Files.write(dir.resolve(builder).resolve("manifest.json"), manifest.render());
                Files.write(dir.resolve(builder).resolve("req.bin"),
                        new BuilderChain(dir.resolve(builder).resolve("state")).request(key, manifest.digest(), 1).bytes());
                args.add(builder + "/manifest.json:" + builder + "/req.bin:" + builder + "/dist");
            }
            commands.add(args);
        }
        Files.writeString(dir.resolve("trusted"), trusted);

        List<Process> processes = new ArrayList<>();
        for (List<String> args : commands) {
            processes.add(Cli.builder(dir, Map.of(), args.toArray(String[]::new))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start());
        }
        for (Process process : processes) {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        }
        ChainVerifier.Report report = new ChainVerifier(StoreReader.of(dir.resolve("store")), signer.publicKey())
                .verify("race", "main", ChainVerifier.Options.defaults());
        // Every release is followed by the block that signs its log checkpoint.
        assertThat(report.release().block().counter()).isEqualTo(2 * PUBLISHERS - 1);
        assertThat(report.chainLength()).isEqualTo(2 * PUBLISHERS - 1);
    }
}
