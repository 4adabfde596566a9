package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.store.Store;
import io.buildchain.core.submit.SubmissionInbox;
import io.buildchain.core.submit.SubmissionPackage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The {@code /submit} upload reader ({@link SubmissionInbox#accept}) on any tar a remote build node sends: it
 * files the submission or refuses with one line and a status; either way nothing is left in staging and nothing
 * is written outside {@code submissions/}; what it files is exactly the manifest's artifacts, as regular files
 * inside the store. The builder key is fixed, so seeds that authenticate do so in every run.
 */
class SubmissionFuzzTest {
    static final SigningKey BUILDER = FixedKeys.of(1);
    private static final Inbox INBOX = Inbox.create();

    /** Any bytes as the whole upload. */
    @FuzzTest(maxDuration = "10m")
    void upload(byte[] input) throws Exception {
        accept(input);
    }

    /** A real, authenticated manifest.json and request.bin, then any bytes: the artifacts part of the reader. */
    @FuzzTest(maxDuration = "10m")
    void afterHead(byte[] input) throws Exception {
        byte[] upload = Arrays.copyOf(INBOX.head, INBOX.head.length + input.length);
        System.arraycopy(input, 0, upload, INBOX.head.length, input.length);
        accept(upload);
    }

    private static void accept(byte[] upload) throws Exception {
        Optional<SubmissionInbox.Accepted> accepted = acceptOrRefuse(() -> INBOX.inbox.accept("proj", "main",
                new ByteArrayInputStream(upload)));
        Path submissions = INBOX.store.root().resolve("submissions");
        try (Stream<Path> top = Files.list(INBOX.store.root())) {
            assertThat(top.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                    .isSubsetOf(INBOX.topLevel);
        }
        try (Stream<Path> staged = Files.list(submissions.resolve("tmp"))) {
            assertThat(staged).isEmpty();
        }
        if (accepted.isPresent()) {
            Path filed = submissions.resolve("proj/main").resolve(accepted.get().manifest().base32())
                    .resolve(accepted.get().builder().base32());
            Manifest manifest = Manifest.parseCanonical(Files.readAllBytes(filed.resolve(SubmissionPackage.MANIFEST)),
                    "filed");
            Path artifacts = filed.resolve("artifacts");
            try (Stream<Path> walk = Files.walk(artifacts)) {
                List<Path> files = walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .toList();
                for (Path file : files) {
                    assertThat(Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as(file.toString())
                            .isTrue();
                    assertThat(file.toRealPath()).startsWith(artifacts.toRealPath());
                    assertThat(Digest.of(Files.readAllBytes(file)))
                            .isEqualTo(manifest.files().get(artifacts.relativize(file).toString()));
                }
                assertThat(files).hasSize(manifest.files().size());
            }
            FileTrees.delete(submissions.resolve("proj"));
        }
    }

    /** A tar of {@code entries} (name, content) in 512-byte records, without the end-of-archive blocks. */
    static byte[] tar(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512);
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
            header.setSize(entry.getValue().length);
            tar.putArchiveEntry(header);
            tar.write(entry.getValue());
            tar.closeArchiveEntry();
        }
        tar.flush();
        return out.toByteArray();
    }

    /** The manifest the fixed builder signs: two small artifacts, as a build node's upload carries them. */
    static Map<String, byte[]> headEntries() {
        TreeMap<String, Digest> files = new TreeMap<>();
        files.put("app.bin", Digest.of("binary of r1".getBytes(StandardCharsets.UTF_8)));
        files.put("docs/README", Digest.of("readme r1".getBytes(StandardCharsets.UTF_8)));
        byte[] manifest = new Manifest(1700000000L, files).render();
        SignedRequest request = SignedRequest.decode(ChainSigner.startingAt(Genesis.create(BUILDER), BUILDER)
                .sign(Digest.of(manifest).bytes(), 1700000001L), "request");
        Map<String, byte[]> head = new java.util.LinkedHashMap<>();
        head.put(SubmissionPackage.MANIFEST, manifest);
        head.put(SubmissionPackage.REQUEST, request.bytes());
        return head;
    }


    /** Built once per JVM: a store whose inbox trusts the fixed builder, and the head of its package. */
    private record Inbox(Store store, SubmissionInbox inbox, byte[] head, Set<String> topLevel) {
        static Inbox create() {
            try {
                Store store = Store.open(Files.createTempDirectory("submission-fuzz").resolve("store"));
                SubmissionInbox inbox = new SubmissionInbox(store, KeyList.of(Map.of(BUILDER.publicKey(), "builder")),
                        1 << 20);
                Files.createDirectories(store.root().resolve("submissions").resolve("tmp"));
                Set<String> topLevel = new java.util.HashSet<>(Set.of("submissions"));
                try (Stream<Path> top = Files.list(store.root())) {
                    top.forEach(p -> topLevel.add(p.getFileName().toString()));
                }
                return new Inbox(store, inbox, tar(headEntries()), topLevel);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
