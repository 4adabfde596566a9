package io.buildchain.core.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.testing.Network;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionInboxTest {
    @TempDir
    Path dir;

    Network net;
    SubmissionInbox inbox;

    @BeforeEach
    void setUp() throws Exception {
        net = new Network(dir, "a", "b", "stranger");
        inbox = new SubmissionInbox(net.store, net.trusted("a", "b"), 1 << 20);
    }

    static byte[] pack(Submission s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SubmissionPackage.write(out, s.manifest(), Manifest.parse(s.manifest(), "m"), s.request(), s.artifacts().get());
        return out.toByteArray();
    }

    SubmissionInbox.Accepted accept(byte[] upload) throws Exception {
        return inbox.accept("proj", "main", new ByteArrayInputStream(upload));
    }

    void rejects(byte[] upload, int status, String message) {
        assertThatThrownBy(() -> accept(upload)).isInstanceOfSatisfying(SubmissionRejectedException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).contains(message);
        });
    }

    /** Nothing half-written: only accepted submissions exist, and no staging directory is left. */
    void nothingLeftBehind(int accepted) throws Exception {
        Path root = net.store.root().resolve("submissions");
        try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
            assertThat(tmp.toList()).isEmpty();
        }
        assertThat(inbox.pending("proj", "main")).hasSize(accepted);
    }

    @Test
    void acceptsTrustedSubmissionsAndHandsThemToThePublisher() throws Exception {
        List<Submission> round = net.round("r1", List.of());
        assertThat(accept(pack(round.get(0))).replaced()).isFalse();
        assertThat(accept(pack(round.get(1))).files()).isEqualTo(2);
        assertThat(accept(pack(round.get(1))).replaced()).isTrue();
        List<Submission> pending = inbox.pending("proj", "main");
        assertThat(pending).extracting(Submission::source).containsExactlyInAnyOrder("a", "b");
        var result = net.publisher().publish(new io.buildchain.core.publish.Publisher.Release("proj", "main", 2,
                net.trusted("a", "b"), pending, java.util.Optional.empty()));
        assertThat(result.decision().met()).isTrue();
        inbox.consume("proj", "main", pending);
        assertThat(inbox.pending("proj", "main")).isEmpty();
    }

    @Test
    void refusesUntrustedBadlySignedAndMismatchedRequests() throws Exception {
        List<Submission> round = net.round("r1", List.of());
        rejects(pack(round.get(2)), 403, "is not trusted here");
        Submission a = round.get(0);
        byte[] tampered = a.request();
        tampered[5] ^= 1;
        rejects(pack(new Submission("a", a.manifest(), tampered, a.artifacts())), 400, "signature does not verify");
        Submission other = net.build("a", "r2", Map.of("x", "other"));
        rejects(pack(new Submission("a", a.manifest(), other.request(), a.artifacts())), 400, "not this manifest.json");
        nothingLeftBehind(0);
    }

    @Test
    void refusesArtifactsThatDoNotMatchTheManifest() throws Exception {
        Submission a = net.round("r1", List.of()).get(0);
        Files.writeString(a.artifacts().get().resolve("app.bin"), "changed after hashing");
        rejects(pack(a), 400, "does not match its manifest digest");
        nothingLeftBehind(0);
    }

    @Test
    void refusesMalformedPackages() throws Exception {
        Submission a = net.round("r1", List.of()).get(0);
        byte[] good = pack(a);
        rejects(Arrays.copyOf(good, good.length / 2), 400, "");
        rejects("not a tar at all".getBytes(), 400, "");
        rejects(tar(Map.of("manifest.json", a.manifest(), "request.bin", a.request(), "artifacts/../../evil", new byte[1])),
                400, "artifact name \"../../evil\"");
        rejects(tar(Map.of("manifest.json", a.manifest(), "request.bin", a.request(), "notes.txt", new byte[1])),
                400, "unexpected entry \"notes.txt\"");
        rejects(tar(Map.of("manifest.json", a.manifest(), "request.bin", a.request())), 400, "is missing");
        rejects(tar(Map.of("request.bin", a.request())), 400, "needs manifest.json");
        nothingLeftBehind(0);
    }

    @Test
    void refusesOversizeUploadsWhileTheyStream() throws Exception {
        Submission big = net.build("a", "big", Map.of("huge.bin", "x".repeat(2 << 20)));
        rejects(pack(big), 413, "larger than");
        nothingLeftBehind(0);
    }

    @Test
    void refusesExtraArtifacts() throws Exception {
        Submission a = net.round("r1", List.of()).get(0);
        Files.writeString(a.artifacts().get().resolve("extra.txt"), "not in the manifest");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Manifest withExtra = new io.buildchain.core.manifest.TreeHasher(1).manifest(a.artifacts().get(), 1);
        SubmissionPackage.write(out, a.manifest(), withExtra, a.request(), a.artifacts().get());
        rejects(out.toByteArray(), 400, "\"extra.txt\" is not in the manifest");
    }

    static byte[] tar(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true);
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }
}
