package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/buildchain as a user runs it: its class-data-sharing archive is made once per jar and JVM, really serves
 * the classes of a run, and never changes what a command prints.
 */
class LauncherIT {
    @TempDir
    Path dir;

    @Test
    void theFirstRunMakesTheArchiveAndLaterRunsLoadPicocliAndTheCommandsFromIt() throws Exception {
        Cli.Result first = Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).matches("buildchain [^\\n]+\\n");
        assertThat(archives()).hasSize(1);

        Path log = dir.resolve("classes.log");
        Files.writeString(dir.resolve("f"), "x");
        Cli.Result manifest = Cli.run(Cli.launcher(dir, Map.of("BUILDCHAIN_JAVA_OPTS",
                "-Xlog:class+load=info:file=" + log), "manifest", "--time", "0", "f"), "manifest");
        assertThat(manifest.exit()).as(manifest.err()).isZero();
        List<String> loaded = Files.readAllLines(log);
        // picocli is Java 5 bytecode: JDK 17 leaves it out of the archive if a lambda links it while dumping.
        for (String type : List.of("picocli.CommandLine", "io.buildchain.cli.Main", "io.buildchain.cli.ManifestCommand",
                "io.buildchain.core.manifest.TreeHasher")) {
            assertThat(loaded).as(type).anyMatch(line -> line.contains(" " + type + " source: shared objects file"));
        }
        assertThat(archives()).hasSize(1);
    }

    @Test
    void throughTheLauncherAManifestIsTheSameBytesAsFromTheJar() throws Exception {
        Files.createDirectories(dir.resolve("out/lib"));
        Files.writeString(dir.resolve("out/lib/a.jar"), "jar");
        Files.writeString(dir.resolve("out/b.txt"), "text");
        byte[] fromJar = Cli.ok(dir, "manifest", "--time", "7", "out").rawOut();
        for (int run = 0; run < 2; run++) {  // the run that makes the archive, then one that maps it
            Cli.Result launched = Cli.run(Cli.launcher(dir, Map.of(), "manifest", "--time", "7", "out"), "manifest");
            assertThat(launched.exit()).as(launched.err()).isZero();
            assertThat(launched.rawOut()).isEqualTo(fromJar);
            assertThat(launched.err()).isEmpty();
        }
    }

    @Test
    void withCdsOffNoArchiveIsMade() throws Exception {
        Cli.Result result = Cli.run(Cli.launcher(dir, Map.of("BUILDCHAIN_CDS", "off"), "--version"), "--version");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(archives()).isEmpty();
    }

    private List<Path> archives() throws Exception {
        Path cache = dir.resolve(".cache/buildchain");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().matches("cds-.*\\.jsa")).toList();
        }
    }
}
