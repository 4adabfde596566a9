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
 * ADVERSARY issue 25 (adv2), with a real {@code buildchain signer} on a socat pty and the real CLI: a publish of a
 * release with a 96 MiB artifact. As soon as the signer answered the publish's key probe, the publisher is paused
 * (SIGSTOP: as the artifact import takes that long) and the signer restarted (a new key, not certified); the publisher
 * goes on. It writes builder a's request to the line with no new probe: the new key signs it before the pinned-key
 * check refuses the reply. The issue: no builder's request reaches a signer whose key is not yet accepted.
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
    void aSignerRestartedAfterTheKeyProbeSignsNoBuildersRequest() throws Exception {
        try (FaultRig rig = new FaultRig(dir, "a", "b")) {
            rig.startSigner();
            Cli.ok(rig.dir, rig.publishArgs("p", 2, rig.buildAll("1.0").stream().map(FaultRig.Build::argument)
                    .toList()).toArray(String[]::new));
            for (int attempt = 1; attempt <= 4; attempt++) {
                String version = "2." + attempt;
                List<FaultRig.Build> builds = new ArrayList<>();
                for (String builder : rig.builders.keySet()) {
                    builds.add(bigBuild(rig, builder, version));
                }
                int mark = FaultsIT.signerLines(rig).size();
                Path err = rig.dir.resolve("publishing-" + attempt + ".err");
                Process publishing = Cli.builder(rig.dir, Map.of(), rig.publishArgs("p", 2,
                        builds.stream().map(FaultRig.Build::argument).toList()).toArray(String[]::new))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
                FaultsIT.awaitTrue(() -> FaultsIT.signerLines(rig).size() > mark || !publishing.isAlive());
                FaultsIT.signal("STOP", publishing); // the probe is answered; the artifacts are being imported
                String a = "builder " + rig.builders.get("a").publicKey();
                boolean tooLate = FaultsIT.signerLines(rig).stream().skip(mark).anyMatch(l -> l.contains(a));
                System.out.println("RestartAfterProbeIT: attempt " + attempt + (tooLate ? ": too late" : ": paused"));
                rig.killSigner();
                String newKey = rig.startSigner();
                Thread.sleep(1000); // past the new signer's drop of stale input
                FaultsIT.signal("CONT", publishing);
                assertThat(publishing.waitFor(180, TimeUnit.SECONDS)).isTrue();
                if (tooLate) {
                    rig.certifySigners();
                    continue;
                }
                System.out.println("RestartAfterProbeIT: publish exit " + publishing.exitValue() + ": "
                        + Files.readString(err));
                for (String builder : rig.builders.keySet()) {
                    assertThat(rig.signerLog()).as("the new key %s signed no builder's request before it was "
                            + "accepted", newKey).doesNotContain("builder " + rig.builders.get(builder).publicKey());
                }
                return;
            }
            throw new AssertionError("the publisher was never paused between the probe and a's request");
        }
    }
}
