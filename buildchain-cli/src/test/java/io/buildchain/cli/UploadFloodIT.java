package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of large uploads whose request signature is bad, sent at once to a real 'serve --accept-submissions':
 * each is refused from its first entries, and the bytes the server stages on disk are measured throughout.
 */
class UploadFloodIT {
    static final int UPLOADS = 8;
    static final long ARTIFACT_BYTES = 250L << 20;

    @TempDir
    Path dir;

    /** A package head (manifest, bad request, the artifact's header), then the artifact's bytes as zeros. */
    InputStream badUpload(byte[] head) {
        InputStream zeros = new InputStream() {
            long left = ARTIFACT_BYTES + 1024; // the artifact, then the end-of-archive records

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        return new SequenceInputStream(new java.io.ByteArrayInputStream(head), zeros);
    }

    byte[] head(byte[] manifest, byte[] request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512);
        for (Map.Entry<String, byte[]> e : Map.of("manifest.json", manifest, "request.bin", request).entrySet()) {
            TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
            entry.setSize(e.getValue().length);
            tar.putArchiveEntry(entry);
            tar.write(e.getValue());
            tar.closeArchiveEntry();
        }
        TarArchiveEntry big = new TarArchiveEntry("artifacts/big.bin");
        big.setSize(ARTIFACT_BYTES);
        tar.putArchiveEntry(big);
        tar.flush();
        return out.toByteArray();
    }

    long bytesOnDisk(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // a file vanished while we looked: the next sample counts again
        }
    }

    @Test
    void badSignatureUploadsAreRefusedBeforeTheyStageAnything() throws Exception {
        var key = KeyFiles.create(dir.resolve("a.key"), new java.security.SecureRandom());
        Files.writeString(dir.resolve("trusted"), key.publicKey() + " a\n");
        Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dir.resolve("dist/big.bin"), "stand-in");
        Manifest manifest = new TreeHasher(1).manifest(dir.resolve("dist"), 1700000000L);
        SignedRequest good = new BuilderChain(dir.resolve("state")).request(key, manifest.digest(), 1700000000L);
        byte[] bad = good.bytes();
        bad[7] ^= 1;
        byte[] head = head(manifest.render(), bad);

        Process server = Cli.builder(dir, Map.of(), "serve", "--store", "store", "--bind", "127.0.0.1:0",
                "--accept-submissions", "--trust", "trusted", "--max-upload-mib", "300")
                .redirectError(dir.resolve("serve.log").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
            assertThat(m.find()).as("serve printed its address: %s", line).isTrue();
            URI target = URI.create(m.group(1) + "submit/tool/main");

            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (flooding.get()) {
                    peak.accumulateAndGet(bytesOnDisk(dir.resolve("store/submissions")), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long length = head.length + ARTIFACT_BYTES + 1024;
            HttpClient client = HttpClient.newHttpClient();
            long start = System.nanoTime();
            List<CompletableFuture<String>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                HttpRequest request = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> badUpload(head)), length)).build();
                uploads.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> r.statusCode() + " " + r.body().strip())
                        .exceptionally(e -> "connection closed by the server: " + e.getMessage()));
            }
            List<String> outcomes = new ArrayList<>();
            for (CompletableFuture<String> upload : uploads) {
                outcomes.add(upload.get(120, TimeUnit.SECONDS));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            flooding.set(false);
            sampler.join();

            System.out.printf("UploadFloodIT: %d concurrent %d MiB uploads with a bad signature, refused in %.1f s; "
                    + "peak staged on disk %d bytes; outcomes %s%n", UPLOADS, ARTIFACT_BYTES >> 20, seconds, peak.get(),
                    outcomes);
            assertThat(outcomes).noneMatch(o -> o.startsWith("2"));
            assertThat(outcomes).anyMatch(o -> o.startsWith("400 request.bin: signature does not verify")
                    || o.startsWith("429 too many uploads in progress"));
            assertThat(peak.get()).as("bytes staged at the peak").isLessThan(64 << 10);
            assertThat(bytesOnDisk(dir.resolve("store/submissions"))).isZero();

            // The server is not wedged: a good submission still goes in.
            byte[] goodPackage;
            try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                io.buildchain.core.submit.SubmissionPackage.write(out, manifest.render(), manifest, good.bytes(),
                        dir.resolve("dist"));
                goodPackage = out.toByteArray();
            }
            HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(target)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(goodPackage)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
