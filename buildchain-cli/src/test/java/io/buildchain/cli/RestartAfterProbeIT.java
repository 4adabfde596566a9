package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a real {@code buildchain signer} on a socat pty and the real CLI: a publish of a release with a 96 MiB artifact.
 * As soon as the signer answered the publish's first key probe, the publisher is paused (SIGSTOP: as a long artifact
 * import) and the signer restarted (a new key, not certified); the publisher goes on. Its request of its own right
 * before builder a's request meets the new key and is refused: the new key signs no builder's request.
 */
class RestartAfterProbeIT {
    @TempDir
    Path dir;

    static FaultRig.Build bigBuild(FaultRig rig, String builder, String version) throws Exception {
        Path work = dir(rig, version, builder);
        Path dist = Files.createDirectories(work.resolve("dist"));
        Files.writeString(dist.resolve("app.txt"), "release " + version + "\n");
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) version.hashCode());
        try (OutputStream out = Files.newOutputStream(dist.resolve("big.bin"))) {
            for (int i = 0; i < 96; i++) {
                out.write(chunk);
            }
        }
        long time = 1_700_000_000L + Math.abs(version.hashCode() % 1_000_000);
        Manifest manifest = new TreeHasher(1).manifest(dist, time);
        Files.write(work.resolve("manifest.json"), manifest.render());
        SignedRequest request = new BuilderChain(rig.dir.resolve("state-" + builder))
                .request(rig.builders.get(builder), manifest.digest(), time);
        Files.write(work.resolve("req.bin"), request.bytes());
        return new FaultRig.Build(builder, work, manifest, request);
    }

    static Path dir(FaultRig rig, String version, String builder) {
        return rig.dir.resolve("rounds").resolve(version).resolve(builder + "-" + System.nanoTime());
    }

    @Test
    void aSignerRestartedWhileTheArtifactsAreImportedSignsNoBuildersRequest() throws Exception {
        try (FaultRig rig = new FaultRig(dir, "a", "b")) {
            rig.startSigner();
            Cli.ok(rig.dir, rig.publishArgs("p", 2, rig.buildAll("1.0").stream().map(FaultRig.Build::argument)
                    .toList()).toArray(String[]::new));
            List<FaultRig.Build> builds = new ArrayList<>();
            for (String builder : rig.builders.keySet()) {
                builds.add(bigBuild(rig, builder, "2.0"));
            }
            Path err = rig.dir.resolve("publishing.err");
            Process publishing = Cli.builder(rig.dir, Map.of(), rig.publishArgs("p", 2,
                    builds.stream().map(FaultRig.Build::argument).toList()).toArray(String[]::new))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            // The vote is printed before the artifacts are imported and before anything goes to the signer.
            FaultsIT.awaitTrue(() -> !publishing.isAlive() || Files.readString(err).contains("quorum met"));
            FaultsIT.signal("STOP", publishing);
            String oldKey = rig.signerKey;
            rig.killSigner();
            String newKey = rig.startSigner();
            Thread.sleep(1000); // past the new signer's drop of stale input
            FaultsIT.signal("CONT", publishing);
            assertThat(publishing.waitFor(180, TimeUnit.SECONDS)).isTrue();
            String said = Files.readString(err);
            assertThat(publishing.exitValue()).as(said).isEqualTo(1);
            assertThat(said).contains("signs with key " + newKey + ", but the pinned key is " + oldKey);
            for (String builder : rig.builders.keySet()) {
                assertThat(rig.signerLog()).as("the new key %s signed no builder's request before it was accepted",
                        newKey).doesNotContain("builder " + rig.builders.get(builder).publicKey());
            }
        }
    }
}
