package io.buildchain.core.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DivergenceTest {
    @TempDir
    Path dir;

    static void zip(Path file, long millis, String... entries) throws Exception {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                ZipEntry entry = new ZipEntry(entries[i]);
                entry.setTime(millis);
                zip.putNextEntry(entry);
                zip.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    static void tarXz(Path file, int mode, int uid, String... entries) throws Exception {
        try (OutputStream out = Files.newOutputStream(file); XZCompressorOutputStream xz = new XZCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(xz)) {
            for (int i = 0; i < entries.length; i += 2) {
                byte[] content = entries[i + 1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(entries[i]);
                entry.setSize(content.length);
                entry.setMode(mode);
                entry.setIds(uid, uid);
                entry.setModTime(1700000000000L);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
    }

    @Test
    void explainsFilesAndArchiveEntries() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        zip(a.resolve("app.jar"), 1700000000000L, "A.class", "same", "B.class", "old", "gone.txt", "x");
        zip(b.resolve("app.jar"), 1800000000000L, "A.class", "same", "B.class", "new!", "added.txt", "y");
        tarXz(a.resolve("src.tar.xz"), 0100644, 0, "src/x.c", "int x;");
        tarXz(b.resolve("src.tar.xz"), 0100664, 1000, "src/x.c", "int x;");
        Files.writeString(a.resolve("only-a.txt"), "a");
        Files.writeString(b.resolve("only-b.txt"), "b");
        Files.writeString(a.resolve("same.txt"), "same");
        Files.writeString(b.resolve("same.txt"), "same");
        Manifest ma = new TreeHasher(2).manifest(a, 1);
        Manifest mb = new TreeHasher(2).manifest(b, 2);

        List<Divergence.FileDifference> differences = Divergence.compare(ma, mb, Optional.of(a), Optional.of(b));
        String report = Divergence.render(differences, "builder-a", "builder-b");
        assertThat(report).contains("(source time):", "time 1 vs 2", "only-a.txt: only in A", "only-b.txt: only in B",
                "app.jar: sha384", "src.tar.xz: sha384").doesNotContain("same.txt");
        assertThat(report).contains("A.class: timestamp 2023-11-14T22:13:20Z vs 2027-01-15T08:00:00Z")
                .contains("B.class: content differs (size 3 vs 4")
                .contains("gone.txt: only in A").contains("added.txt: only in B");
        assertThat(report).contains("src/x.c: mode 0644 vs 0664; owner 0/0 / vs 1000/1000 /");
        assertThat(Divergence.differingPairs(differences, a, b)).extracting(p -> p.getKey().getFileName().toString())
                .containsExactly("app.jar", "src.tar.xz");
    }

    @Test
    void withoutArtifactsOnlyFilesAreCompared() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        zip(a.resolve("app.jar"), 0, "x", "1");
        Manifest ma = new TreeHasher(1).manifest(a, 1);
        zip(a.resolve("app.jar"), 0, "x", "2");
        Manifest mb = new TreeHasher(1).manifest(a, 1);
        List<Divergence.FileDifference> differences = Divergence.compare(ma, mb);
        assertThat(differences).singleElement().satisfies(d -> assertThat(d.entries()).isEmpty());
        assertThat(Divergence.compare(ma, ma)).isEmpty();
    }

    @Test
    void anUnreadableArchiveIsReportedNotFatal() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.writeString(a.resolve("x.tar.gz"), "not gzip");
        Files.writeString(b.resolve("x.tar.gz"), "not gzip either");
        List<Divergence.FileDifference> d = Divergence.compare(new TreeHasher(1).manifest(a, 1),
                new TreeHasher(1).manifest(b, 1), Optional.of(a), Optional.of(b));
        assertThat(d.get(0).entries()).singleElement().asString().contains("cannot read as tar.gz");
    }
}
