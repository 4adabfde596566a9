package io.buildchain.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.hash.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeHasherTest {
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
}
