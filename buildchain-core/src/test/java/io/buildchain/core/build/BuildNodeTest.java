package io.buildchain.core.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.manifest.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildNodeTest {
    static final Map<String, String> ENV = Map.of("jdk-version", "17.0.15", "host", "agent-a");

    @TempDir
    Path dir;

    Path dist() throws Exception {
        Path dist = dir.resolve("ws/dist");
        Files.createDirectories(dist.resolve("docs"));
        Files.writeString(dist.resolve("app.bin"), "binary");
        Files.writeString(dist.resolve("docs/README"), "readme");
        return dist;
    }

    @Test
    void firstBuildCreatesAPrivateKeyAndLaterBuildsReuseItWithTheNextCounter() throws Exception {
        BuildNode node = new BuildNode(dir.resolve("agent-root/buildchain"));
        BuildNode.Output first = node.build(dist(), 1700000000L, 1700000100L, ENV);
        Path key = dir.resolve("agent-root/buildchain/builder.key");
        assertThat(first.keyCreated()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(first.files()).isEqualTo(2);
        Manifest manifest = Manifest.parseCanonical(first.manifest(), "manifest");
        assertThat(manifest.time()).isEqualTo(1700000000L);
        SignedRequest request = SignedRequest.decode(first.request(), "request");
        request.verifySignature("request");
        assertThat(request.digest()).isEqualTo(manifest.digest());
        assertThat(request.publicKey().toString()).isEqualTo(first.builderKey()).isEqualTo(node.publicKey().toString());
        assertThat(first.manifestDigest()).isEqualTo(manifest.digest().toString());
        BuildInfo info = BuildInfo.parse(first.signedBuildInfo().bytes(), "buildinfo");
        info.verify(first.signedBuildInfo().signature(), request.publicKey(), manifest.digest(), "buildinfo");
        assertThat(info.environment()).containsEntry("jdk-version", "17.0.15").containsEntry("host", "agent-a");

        BuildNode.Output second = new BuildNode(dir.resolve("agent-root/buildchain")).build(dist(), 1700000000L,
                1700000200L, ENV);
        assertThat(second.keyCreated()).isFalse();
        assertThat(second.builderKey()).isEqualTo(first.builderKey());
        SignedRequest next = SignedRequest.decode(second.request(), "request");
        assertThat(next.counter()).isEqualTo(request.counter() + 1);
        assertThat(next.previous()).isEqualTo(request.signature());
    }

    @Test
    void executorsBuildingAtOnceOnOneAgentShareOneKey() throws Exception {
        Path dist = dist();
        BuildNode node = new BuildNode(dir.resolve("home"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<BuildNode.Output>> outputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outputs.add(pool.submit(() -> node.build(dist, 1L, 2L, ENV)));
        }
        Set<String> keys = new HashSet<>();
        Set<Long> counters = new HashSet<>();
        int created = 0;
        for (Future<BuildNode.Output> output : outputs) {
            BuildNode.Output o = output.get(60, TimeUnit.SECONDS);
            keys.add(o.builderKey());
            counters.add(SignedRequest.decode(o.request(), "r").counter());
            created += o.keyCreated() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(keys).hasSize(1);
        assertThat(created).isEqualTo(1);
        assertThat(counters).hasSize(8);
    }

    @Test
    void aMissingOutputDirectoryIsNamed() {
        assertThatThrownBy(() -> new BuildNode(dir.resolve("home")).build(dir.resolve("ws/nowhere"), 1L, 2L, ENV))
                .hasMessageContaining("nowhere").hasMessageContaining("no such output directory");
        assertThat(dir.resolve("home/builder.key")).doesNotExist();
    }

    @Test
    void sourceTimeComesFromTheArgumentThenSourceDateEpochThenGit() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("dist"));
        run(repo, "git", "init", "-q");
        Files.writeString(repo.resolve("a"), "a");
        run(repo, "git", "add", "a");
        run(repo, "env", "GIT_COMMITTER_DATE=@1650000000 +0000", "git", "-c", "user.name=t", "-c",
                "user.email=t@example.org", "commit", "-q", "-m", "m");
        assertThat(SourceTime.resolve(42L, Map.of("SOURCE_DATE_EPOCH", "7"), repo)).isEqualTo(42L);
        assertThat(SourceTime.resolve(null, Map.of("SOURCE_DATE_EPOCH", "7"), repo)).isEqualTo(7L);
        assertThat(SourceTime.resolve(null, Map.of(), repo.resolve("dist"))).isEqualTo(1650000000L);
        assertThatThrownBy(() -> SourceTime.resolve(null, Map.of(), dir.resolve("ws")))
                .hasMessageContaining("not in a git checkout").hasMessageContaining("SOURCE_DATE_EPOCH");
        assertThatThrownBy(() -> SourceTime.resolve(null, Map.of("SOURCE_DATE_EPOCH", "yesterday"), repo))
                .hasMessageContaining("yesterday");
        assertThatThrownBy(() -> SourceTime.resolve(-1L, Map.of(), repo)).hasMessageContaining("negative");
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
