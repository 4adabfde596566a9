package io.buildchain.cli.quickstart;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small project and its build, done in Java so the quickstart needs nothing but a JDK. A reproducible
 * build pins every timestamp to the source time, sorts entries and fixes owners and modes; the odd
 * builder makes the two classic mistakes: wall-clock timestamps and a umask-dependent file mode.
 */
final class SampleProject {
    private SampleProject() {
    }

    /** Writes release {@code version} of the sample source; returns its source time (newest mtime). */
    static long writeSource(Path dir, String version, long sourceTime) throws IOException {
        Map<String, String> files = new TreeMap<>();
        files.put("README.md", "# hello " + version + "\n\nA sample project built by buildchain quickstart.\n");
        files.put("src/hello/Hello.java", "package hello;\n\npublic class Hello {\n    public static void main(String[] a) {\n"
                + "        System.out.println(\"Hello from " + version + "\");\n    }\n}\n");
        files.put("src/hello/Greeting.txt", "Hello, reproducible world (" + version + ")!\n");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            Files.setLastModifiedTime(path, FileTime.from(java.time.Instant.ofEpochSecond(sourceTime)));
        }
        return sourceTime;
    }

    /** "Builds" {@code source} into {@code out}: a jar, a source tarball, and plain files. */
    static void build(Path source, Path out, String version, long sourceTime, boolean reproducible) throws IOException {
        Files.createDirectories(out.resolve("docs"));
        List<Path> inputs;
        try (var walk = Files.walk(source)) {
            inputs = walk.filter(Files::isRegularFile).sorted().toList();
        }
        long entryMillis = reproducible ? sourceTime * 1000 : System.currentTimeMillis();
        try (OutputStream file = Files.newOutputStream(out.resolve("hello-" + version + ".jar"));
                ZipOutputStream jar = new ZipOutputStream(file)) {
            for (Path input : inputs) {
                ZipEntry entry = new ZipEntry(source.relativize(input).toString().replace('\\', '/'));
                entry.setTime(entryMillis);
                jar.putNextEntry(entry);
                jar.write(Files.readAllBytes(input));
                jar.closeEntry();
            }
        }
        try (OutputStream file = Files.newOutputStream(out.resolve("hello-" + version + "-src.tar.gz"));
                GZIPOutputStream gzip = new GZIPOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            for (Path input : inputs) {
                byte[] content = Files.readAllBytes(input);
                TarArchiveEntry entry = new TarArchiveEntry("hello-" + version + "/"
                        + source.relativize(input).toString().replace('\\', '/'));
                entry.setSize(content.length);
                entry.setModTime(entryMillis);
                entry.setMode(reproducible ? 0100644 : 0100664);
                entry.setIds(0, 0);
                entry.setNames("root", "root");
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        Files.writeString(out.resolve("docs/RELEASE-NOTES.txt"), "hello " + version + ": greets reproducibly.\n");
    }
}
