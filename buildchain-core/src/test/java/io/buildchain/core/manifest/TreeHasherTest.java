package io.buildchain.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.hash.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeHasherTest {

    /**
     * Large files each get their own hashing task: 32 files of 32 MiB were one task of 32 files, hashed by one
     * thread while the other had nothing to do (1 GiB in 32 files took as long on two threads as on one).
     */
    @Test
    void largeFilesAreSpreadOverTasksAndSmallOnesGatheredBy32() {
        assertThat(fullAfter(32, 32L << 20)).containsExactly(java.util.stream.IntStream.rangeClosed(1, 32).boxed()
                .toArray(Integer[]::new));
        assertThat(fullAfter(64, 8192)).containsExactly(32, 64);
        assertThat(fullAfter(64, 64 << 10)).containsExactly(16, 32, 48, 64);
        assertThat(fullAfter(3, 0)).isEmpty();
    }

    /** The positions (1-based) of the files after which a task is full, for {@code count} files of {@code size}. */
    private static List<Integer> fullAfter(int count, long size) {
        TreeHasher.NextBatch batch = new TreeHasher.NextBatch();
        List<Integer> full = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (batch.add(new TreeHasher.Entry("f" + i, Path.of("f" + i)), size)) {
                full.add(i);
                batch.take(null);
            }
        }
        return full;
    }
    @TempDir
    Path dir;

    @Test
    void hashesNestedFilesWithSlashNamesAndAgreesWithSha384sum() throws Exception {
        Files.createDirectories(dir.resolve("lib/sub"));
        Files.writeString(dir.resolve("a.txt"), "hello");
        Files.write(dir.resolve("lib/sub/big.bin"), new byte[3 << 20]);
        Files.writeString(dir.resolve("caf\u00e9.txt"), "x");
        Manifest m = new TreeHasher(2).manifest(dir, 42);
        assertThat(m.files().keySet()).containsExactly("a.txt", "caf\u00e9.txt", "lib/sub/big.bin");
        assertThat(m.files().get("a.txt")).isEqualTo(Digest.of("hello".getBytes(StandardCharsets.UTF_8)));
        Process p = new ProcessBuilder("sha384sum", dir.resolve("lib/sub/big.bin").toString()).start();
        String hex = new String(p.getInputStream().readAllBytes()).split(" ")[0];
        assertThat(java.util.HexFormat.of().formatHex(m.files().get("lib/sub/big.bin").bytes())).isEqualTo(hex);
    }

    @Test
    void sameTreeSameManifestWhateverTheThreadCount() throws Exception {
        for (int i = 0; i < 300; i++) {
            Files.writeString(dir.resolve("f" + i), "content " + i);
        }
        assertThat(new TreeHasher(1).manifest(dir, 1).render()).isEqualTo(new TreeHasher(4).manifest(dir, 1).render());
    }

    @Test
    void refusesSymlinksAndEmptyTrees() throws Exception {
        assertThatThrownBy(() -> new TreeHasher(1).manifest(dir, 1)).hasMessageContaining("contains no files");
        Files.writeString(dir.resolve("real"), "x");
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
        assertThatThrownBy(() -> new TreeHasher(1).manifest(dir, 1)).hasMessageContaining("link")
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> new TreeHasher(1).manifest(dir.resolve("missing"), 1))
                .hasMessageContaining("not a directory");
    }

    @Test
    void filesAreNamedByTheirBaseNames() throws Exception {
        Files.createDirectories(dir.resolve("target/classes"));
        Files.writeString(dir.resolve("target/app.jar"), "jar");
        Files.writeString(dir.resolve("target/app.json"), "{}");
        Manifest m = new TreeHasher(2).manifestOfFiles(List.of(dir.resolve("target/app.json"), dir.resolve("target/app.jar")), 7);
        assertThat(m.files().keySet()).containsExactly("app.jar", "app.json");
        // Byte for byte what a directory holding just those files gives.
        Files.createDirectories(dir.resolve("copy"));
        Files.writeString(dir.resolve("copy/app.jar"), "jar");
        Files.writeString(dir.resolve("copy/app.json"), "{}");
        assertThat(m.render()).isEqualTo(new TreeHasher(1).manifest(dir.resolve("copy"), 7).render());
    }

    @Test
    void twoFilesWithOneBaseNameAreRefusedNamingBoth() throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("a/app.jar"), "one");
        Files.writeString(dir.resolve("b/app.jar"), "two");
        assertThatThrownBy(() -> new TreeHasher(2).manifestOfFiles(List.of(dir.resolve("a/app.jar"), dir.resolve("b/app.jar")), 1))
                .isInstanceOf(FormatException.class)
                .hasMessageContaining(dir.resolve("a/app.jar").toString()).hasMessageContaining(dir.resolve("b/app.jar").toString())
                .hasMessageContaining("same base name \"app.jar\"".replace("same ", "the "));
        // The same file twice is the same name twice, too.
        assertThatThrownBy(() -> new TreeHasher(2).manifestOfFiles(List.of(dir.resolve("a/app.jar"), dir.resolve("a/app.jar")), 1))
                .hasMessageContaining("base name");
    }

    @Test
    void givenFilesMustBeRegularFiles() throws Exception {
        Files.writeString(dir.resolve("real"), "x");
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
        Files.createDirectories(dir.resolve("sub"));
        assertThatThrownBy(() -> new TreeHasher(1).manifestOfFiles(List.of(dir.resolve("link")), 1))
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> new TreeHasher(1).manifestOfFiles(List.of(dir.resolve("real"), dir.resolve("sub")), 1))
                .hasMessageContaining("is a directory");
        assertThatThrownBy(() -> new TreeHasher(1).manifestOfFiles(List.of(dir.resolve("missing")), 1))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing");
    }

    @Test
    void includeAndExcludeGlobsSelectByRelativeName() throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("app.jar"), "a");
        Files.writeString(dir.resolve("app-sources.jar"), "s");
        Files.writeString(dir.resolve("lib/dep.jar"), "d");
        Files.writeString(dir.resolve("build.log"), "l");
        TreeHasher hasher = new TreeHasher(2);
        assertThat(hasher.manifest(dir, NameFilter.of(List.of("*.jar"), "--include", List.of(), "--exclude"), 1)
                .files().keySet()).containsExactly("app-sources.jar", "app.jar");
        assertThat(hasher.manifest(dir, NameFilter.of(List.of("**.jar"), "--include", List.of("*-sources.jar"), "--exclude"), 1)
                .files().keySet()).containsExactly("app.jar", "lib/dep.jar");
        assertThat(hasher.manifest(dir, NameFilter.of(List.of(), "--include", List.of("*.log"), "--exclude"), 1)
                .files().keySet()).containsExactly("app-sources.jar", "app.jar", "lib/dep.jar");
        assertThatThrownBy(() -> hasher.manifest(dir, NameFilter.of(List.of("*.war"), "--include", List.of(), "--exclude"), 1))
                .hasMessageContaining("no file matches --include/--exclude");
        assertThatThrownBy(() -> NameFilter.of(List.of("[a-"), "--include", List.of(), "--exclude"))
                .isInstanceOf(FormatException.class).hasMessageContaining("--include [a-: not a valid glob");
    }

    @Test
    void aFlatDirectoryAndADeepTreeHashAlikeOnAnyThreadCount() throws Exception {
        Path flat = Files.createDirectories(dir.resolve("flat"));
        for (int i = 0; i < 1000; i++) {
            Files.writeString(flat.resolve("f" + i), "content " + i);
        }
        Path deep = flat;
        for (int depth = 0; depth < 40; depth++) {
            deep = Files.createDirectories(deep.resolve("d" + depth));
            Files.writeString(deep.resolve("leaf"), "at depth " + depth);
        }
        byte[] one = new TreeHasher(1).manifest(flat, 1).render();
        assertThat(new TreeHasher(2).manifest(flat, 1).render()).isEqualTo(one);
        assertThat(new TreeHasher(7).manifest(flat, 1).render()).isEqualTo(one);
        assertThat(new TreeHasher(2).manifest(flat, 1).files()).hasSize(1040);
    }

    @Test
    void aSymlinkDeepInABigTreeStillFailsTheWholeManifest() throws Exception {
        for (int d = 0; d < 20; d++) {
            Path sub = Files.createDirectories(dir.resolve("d" + d));
            for (int i = 0; i < 50; i++) {
                Files.writeString(sub.resolve("f" + i), "x" + i);
            }
        }
        Files.createSymbolicLink(dir.resolve("d13/sneaky"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> new TreeHasher(2).manifest(dir, 1)).isInstanceOf(FormatException.class)
                .hasMessageContaining("d13/sneaky").hasMessageContaining("symbolic link");
    }
}
