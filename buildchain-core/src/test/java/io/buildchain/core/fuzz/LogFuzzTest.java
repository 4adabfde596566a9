package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static io.buildchain.core.fuzz.Refusals.assertOneLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.log.MerkleProofs;
import io.buildchain.core.log.Tiles;
import io.buildchain.core.log.TreeHash;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.LogAuditor;
import io.buildchain.core.verify.StoreReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The signer's Merkle log (issue 18) as a client reads it from a hostile mirror: checkpoints (signed notes,
 * witness cosignature lines skipped), tiles, and the inclusion and consistency proofs built from them.
 */
class LogFuzzTest {
    /** The signer of the checkpoint seeds: a fixed key, so they verify in every run. */
    private static final PublicKey SEED_SIGNER = FixedKeys.of(2).publicKey();

    /** A note either refuses in one line or is one signed by the pinned key, which renders to the same checkpoint. */
    @FuzzTest(maxDuration = "10m")
    void checkpoint(byte[] input) throws Exception {
        acceptOrRefuse(() -> Checkpoint.parse(input, SEED_SIGNER, "fuzz")).ifPresent(checkpoint -> {
            assertThat(checkpoint.block().publicKey()).isEqualTo(SEED_SIGNER);
            assertThat(Long.compareUnsigned(checkpoint.block().counter(), checkpoint.size())).isPositive();
            Checkpoint again = Checkpoint.parse(checkpoint.render(), SEED_SIGNER, "rendered");
            assertThat(again.size()).isEqualTo(checkpoint.size());
            assertThat(again.root()).isEqualTo(checkpoint.root());
            assertThat(again.block()).isEqualTo(checkpoint.block());
            // The signed text is the input's, not a prefix or a look-alike of it.
            String note = new String(input, java.nio.charset.StandardCharsets.UTF_8);
            String body = new String(checkpoint.render(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(note.substring(0, note.indexOf("\n\n"))).isEqualTo(body.substring(0, body.indexOf("\n\n")));
        });
    }

    /**
     * Proofs over two trees that share a prefix and then fork: whatever proof, index and sizes a mirror sends,
     * under the real root of a size an inclusion proof verifies only the leaf at its index, and a consistency
     * proof only an older root that is that tree's own prefix. Tile bytes of the wrong size are refused.
     */
    @FuzzTest(maxDuration = "10m")
    void proofs(FuzzedDataProvider data) throws Exception {
        int leaves = data.consumeInt(1, 40);
        int fork = data.consumeInt(0, leaves - 1);
        List<List<byte[]>> trees = List.of(leaves(leaves, -1), leaves(leaves, fork));
        int treeA = data.consumeInt(0, 1);
        int treeB = data.consumeInt(0, 1);
        long index = data.consumeLong(-2, leaves + 1);
        long size = data.consumeLong(-2, leaves + 1);
        long older = data.consumeLong(-2, leaves + 1);
        List<byte[]> proof = hashes(data, trees, leaves);
        // Leaves and roots are real ones (of some size): Jazzer learns the bytes a comparison expects, so bytes
        // of its own could be any hash the code computed, which proves nothing.
        int leafIndex = data.consumeInt(0, leaves - 1);
        byte[] leaf = trees.get(treeA).get(leafIndex);
        int sizeB = data.consumeInt(0, leaves);
        int sizeA = data.consumeInt(0, leaves);
        byte[] rootB = root(trees.get(treeB), sizeB);
        byte[] rootA = root(trees.get(treeA), sizeA);

        // A signed checkpoint binds a size to its root: given the real head of that size, nothing else passes.
        if (size == sizeB && MerkleProofs.verifyInclusion(index, size, leaf, proof, rootB)) {
            assertThat(index).isBetween(0L, size - 1);
            assertThat(leaf).isEqualTo(trees.get(treeB).get((int) index));
        }
        if (size == sizeB && MerkleProofs.verifyConsistency(older, size, proof, rootA, rootB)) {
            assertThat(older).isBetween(1L, size);
            assertThat(rootA).isEqualTo(root(trees.get(treeB), older));
        }
        byte[] tile = data.consumeRemainingAsBytes();
        int width = (int) Math.floorMod(index, Tiles.WIDTH) + 1;
        acceptOrRefuse(() -> Tiles.parse(tile, width, "fuzz"))
                .ifPresent(hashes -> assertThat(hashes).hasSize(width).allMatch(h -> h.length == TreeHash.SIZE));
    }

    /** Proof elements: real nodes of either tree (any subtree), or bytes of the fuzzer's. */
    private static List<byte[]> hashes(FuzzedDataProvider data, List<List<byte[]>> trees, int leaves) throws IOException {
        List<byte[]> proof = new ArrayList<>();
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count; i++) {
            if (data.consumeBoolean()) {
                List<byte[]> tree = trees.get(data.consumeInt(0, 1));
                long start = data.consumeInt(0, leaves - 1);
                long end = data.consumeInt((int) start + 1, leaves);
                proof.add(MerkleProofs.root(end - start, MerkleProofs.inMemory(tree.subList((int) start, (int) end))));
            } else {
                proof.add(data.consumeBytes(TreeHash.SIZE));
            }
        }
        return proof;
    }

    private static List<byte[]> leaves(int count, int fork) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(TreeHash.leaf(new byte[] {(byte) i, (byte) (i == fork ? 1 : 0)}));
        }
        return leaves;
    }

    private static byte[] root(List<byte[]> leaves, long size) throws IOException {
        return MerkleProofs.root(size, MerkleProofs.inMemory(leaves.subList(0, (int) size)));
    }

    /**
     * A hostile mirror of a real store with a log of three releases: it serves any edit of the newest files
     * (older versions of the checkpoint, tiles, tail and blocks; files deleted, truncated, bit-flipped or
     * replaced). A client that saw the first release verifies the tail and a monitor audits the log: each
     * returns or refuses in one line; a verified tail is never older than the one seen, and an audited
     * checkpoint is one the signer published.
     *
     * <p>Input: edits of one op byte (0 serve an older version, 1 delete, 2 flip a byte, 3 truncate,
     * 4 replace), one byte choosing the file, then the op's bytes.
     */
    @FuzzTest(maxDuration = "10m")
    void mirror(byte[] input) throws Exception {
        Map<String, byte[]> files = new HashMap<>(MIRROR.snapshots.get(MIRROR.snapshots.size() - 1));
        int at = 0;
        for (int edits = 0; at + 1 < input.length && edits < 8; edits++) {
            int op = (input[at++] & 0xff) % 5;
            String path = MIRROR.paths.get((input[at++] & 0xff) % MIRROR.paths.size());
            byte[] current = files.getOrDefault(path, new byte[0]);
            int arg = at + 1 < input.length ? (input[at] & 0xff) << 8 | (input[at + 1] & 0xff) : 0;
            switch (op) {
                case 0 -> {
                    byte[] old = MIRROR.snapshots.get(arg % MIRROR.snapshots.size()).get(path);
                    if (old == null) {
                        files.remove(path);
                    } else {
                        files.put(path, old);
                    }
                    at += 2;
                }
                case 1 -> files.remove(path);
                case 2 -> {
                    if (current.length > 0 && at + 2 < input.length) {
                        byte[] flipped = current.clone();
                        flipped[arg % flipped.length] ^= input[at + 2] == 0 ? 1 : input[at + 2];
                        files.put(path, flipped);
                    }
                    at += 3;
                }
                case 3 -> {
                    files.put(path, Arrays.copyOf(current, arg % (current.length + 1)));
                    at += 2;
                }
                default -> {
                    int from = Math.min(at + 2, input.length);
                    int to = from + Math.min(arg, input.length - from);
                    files.put(path, Arrays.copyOfRange(input, from, to));
                    at = to;
                }
            }
        }
        StoreReader mirror = new Mirror(files);
        ClientState seen = MIRROR.seenAfterFirstRelease();
        Optional<ChainVerifier.Report> report = acceptOrRefuseIo(() -> new ChainVerifier(mirror, MIRROR.signer)
                .verify("proj", "main", new ChainVerifier.Options(false, null, 0, seen)));
        report.ifPresent(r -> assertThat(r.release().block().counter()).isGreaterThanOrEqualTo(MIRROR.firstTail));
        Optional<LogAuditor.Report> audit = acceptOrRefuseIo(() -> new LogAuditor(mirror, MIRROR.signer).audit(null));
        audit.ifPresent(a -> assertThat(MIRROR.checkpoints).anyMatch(root -> MessageDigest.isEqual(root,
                a.checkpoint().root())));
        if (input.length < 2) {
            // The mirror as published: both checks pass, so the refusals above are the edits' doing.
            assertThat(report).isPresent();
            assertThat(audit).isPresent();
        }
    }

    /** As {@link Refusals#acceptOrRefuse}, and a file the mirror does not have or sends too long is an I/O refusal. */
    private static <T> Optional<T> acceptOrRefuseIo(java.util.concurrent.Callable<T> read) throws Exception {
        try {
            return acceptOrRefuse(read);
        } catch (IOException e) {
            assertOneLine(e.getMessage());
            return Optional.empty();
        }
    }

    private static final Fixture MIRROR = Fixture.create();

    /** A mirror's answer: a missing file is {@link NoSuchFileException}, a long one fails at the reader's bound. */
    private record Mirror(Map<String, byte[]> files) implements StoreReader {
        @Override
        public InputStream open(String path, long maxBytes) throws IOException {
            byte[] bytes = files.get(path);
            if (bytes == null) {
                throw new NoSuchFileException(describe(path));
            }
            if (bytes.length > maxBytes) {
                throw new IOException(describe(path) + ": more than " + maxBytes + " bytes");
            }
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public String describe(String path) {
            return "mirror/" + path;
        }
    }

    /** Built once per JVM: the store after each of three releases, and a client's memory of the first. */
    private record Fixture(PublicKey signer, List<Map<String, byte[]>> snapshots, List<String> paths,
            List<byte[]> checkpoints, long firstTail, Path seenTemplate, Path seenDir) {

        static Fixture create() {
            try {
                Path dir = Files.createTempDirectory("log-fuzz");
                Network net = new Network(dir, "a", "b");
                PublicKey signer = net.signerKey.publicKey();
                List<Map<String, byte[]>> snapshots = new ArrayList<>();
                List<byte[]> checkpoints = new ArrayList<>();
                Path root = net.store.root();
                Path checkpoint = LogWriter.directory(net.store, signer).resolve("checkpoint");
                Path seenTemplate = dir.resolve("seen-template");
                long firstTail = 0;
                for (String release : List.of("r1", "r2", "r3")) {
                    net.publish(release, 2);
                    snapshots.add(snapshot(root));
                    checkpoints.add(Checkpoint.parse(Files.readAllBytes(checkpoint), signer, "checkpoint").root());
                    if (release.equals("r1")) {
                        ChainVerifier.Report first = new ChainVerifier(StoreReader.of(root), signer)
                                .verify("proj", "main", new ChainVerifier.Options(false, null, 0,
                                        new ClientState(seenTemplate.resolve("last-seen"))));
                        firstTail = first.release().block().counter();
                    }
                }
                Map<String, byte[]> newest = snapshots.get(snapshots.size() - 1);
                List<String> paths = new ArrayList<>();
                snapshots.forEach(s -> s.keySet().stream().filter(p -> p.startsWith("tail/") || p.startsWith("log/"))
                        .filter(p -> !paths.contains(p)).forEach(paths::add));
                // Deterministic order (tail, checkpoint, tiles by path, blocks by counter) so seeds mean the same
                // edits in every run, whatever the random keys.
                paths.sort(Comparator.comparing((String p) -> !p.startsWith("tail/"))
                        .thenComparing(p -> !p.endsWith("/checkpoint")).thenComparing(p -> p));
                newest.keySet().stream().filter(p -> p.startsWith("block/"))
                        .sorted(Comparator.comparingLong(p -> Block.decode(newest.get(p), p).counter()))
                        .forEach(paths::add);
                return new Fixture(signer, snapshots, paths, checkpoints, firstTail, seenTemplate,
                        dir.resolve("seen"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A fresh copy of the client's memory after it verified the first release. */
        ClientState seenAfterFirstRelease() throws IOException {
            if (Files.exists(seenDir)) {
                try (Stream<Path> old = Files.list(seenDir)) {
                    for (Path file : old.toList()) {
                        Files.delete(file);
                    }
                }
            }
            Files.createDirectories(seenDir);
            try (Stream<Path> template = Files.list(seenTemplate)) {
                for (Path file : template.toList()) {
                    Files.copy(file, seenDir.resolve(file.getFileName()));
                }
            }
            return new ClientState(seenDir.resolve("last-seen"));
        }

        private static Map<String, byte[]> snapshot(Path root) throws IOException {
            Map<String, byte[]> files = new HashMap<>();
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    files.put(root.relativize(file).toString(), Files.readAllBytes(file));
                }
            }
            return files;
        }
    }

}
