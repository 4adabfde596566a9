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
        SubmissionPackage.write(out, s.manifest(), Manifest.parse(s.manifest(), "m"), s.request(), s.buildinfo(),
                s.artifacts().get());
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
        nothingLeftBehindIfAny();
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

    /** A tar of {@code entries}: manifest.json and request.bin first, as SubmissionPackage writes them. */
    /** Counts what the inbox read of an upload. */
    static final class CountingStream extends java.io.FilterInputStream {
        long read;

        CountingStream(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            read += b < 0 ? 0 : 1;
            return b;
        }
    }

    @Test
    void aBadSignatureIsRefusedBeforeAnyArtifactIsReadOrStaged() throws Exception {
        Submission big = net.build("a", "big", Map.of("big.bin", "x".repeat(900 << 10)));
        byte[] request = big.request();
        request[5] ^= 1;
        CountingStream upload = new CountingStream(pack(new Submission("a", big.manifest(), request, big.artifacts())));
        assertThatThrownBy(() -> inbox.accept("proj", "main", upload)).hasMessageContaining("signature does not verify");
        assertThat(upload.read).as("bytes read of a %d-byte upload", 900 << 10).isLessThan(64 << 10);
        assertThat(net.store.root().resolve("submissions/tmp")).doesNotExist();
    }

    @Test
    void anUntrustedKeyIsRefusedBeforeAnyArtifactIsRead() throws Exception {
        Submission big = net.build("stranger", "big", Map.of("big.bin", "x".repeat(900 << 10)));
        CountingStream upload = new CountingStream(pack(big));
        assertThatThrownBy(() -> inbox.accept("proj", "main", upload)).hasMessageContaining("is not trusted here");
        assertThat(upload.read).isLessThan(64 << 10);
    }

    @Test
    void anArtifactBeforeTheManifestAndRequestIsRefused() throws Exception {
        Submission a = net.round("r1", List.of()).get(0);
        Map<String, byte[]> artifactFirst = new java.util.LinkedHashMap<>();
        artifactFirst.put("artifacts/app.bin", Files.readAllBytes(a.artifacts().get().resolve("app.bin")));
        artifactFirst.put("manifest.json", a.manifest());
        artifactFirst.put("request.bin", a.request());
        rejects(tarInOrder(artifactFirst), 400, "they come first");
        nothingLeftBehindIfAny();
    }

    @Test
    void uploadsBeyondTheConcurrencyLimitGet429() throws Exception {
        inbox = new SubmissionInbox(net.store, net.trusted("a", "b"), 1 << 20, new UploadLimits(1, 1 << 20));
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream slow = new java.io.PipedInputStream(feed);
        var first = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                inbox.accept("proj", "main", slow);
            } catch (Exception e) {
                // refused once the feed closes; only the slot it held matters here
            }
        });
        feed.write(new byte[100]); // the first upload is now in progress, waiting for more
        Thread.sleep(200);
        rejects(pack(net.round("r1", List.of()).get(0)), 429, "too many uploads in progress (1 at once)");
        feed.close();
        first.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(accept(pack(net.round("r2", List.of()).get(1))).files()).isEqualTo(2);
    }

    @Test
    void stagingBeyondTheTotalLimitGets503AndGivesItsBytesBack() throws Exception {
        inbox = new SubmissionInbox(net.store, net.trusted("a", "b"), 1 << 20, new UploadLimits(4, 64 << 10));
        rejects(pack(net.build("a", "big", Map.of("big.bin", "x".repeat(100 << 10)))), 503, "staging is full");
        assertThat(inbox.stagedBytes()).isZero();
        assertThat(accept(pack(net.round("r1", List.of()).get(1))).files()).isEqualTo(2);
    }

    void nothingLeftBehindIfAny() throws Exception {
        Path tmp = net.store.root().resolve("submissions/tmp");
        if (Files.exists(tmp)) {
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.toList()).isEmpty();
            }
        }
    }

    static byte[] tar(Map<String, byte[]> entries) throws Exception {
        java.util.Comparator<String> headFirst = java.util.Comparator.comparing((String name) ->
                !name.equals("manifest.json") && !name.equals("request.bin")).thenComparing(name -> name);
        java.util.TreeMap<String, byte[]> ordered = new java.util.TreeMap<>(headFirst);
        ordered.putAll(entries);
        return tarInOrder(ordered);
    }

    static byte[] tarInOrder(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
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
