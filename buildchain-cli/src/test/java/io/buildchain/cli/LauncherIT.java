package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/buildchain as a user runs it: its class-data-sharing archive is made once per jar and JVM, in the background
 * (no first run waits for it), really serves the classes of a run, and never changes what a command prints.
 */
class LauncherIT {
    @TempDir
    Path dir;

    @Test
    void theFirstRunMakesTheArchiveAndLaterRunsLoadPicocliAndTheCommandsFromIt() throws Exception {
        Cli.Result first = Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).matches("buildchain [^\\n]+\\n");
        assertThat(awaitCacheFiles("cds-.*\\.jsa")).hasSize(1);

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

    /**
     * From issue 23: the first run of every command as a new user took 12-15 s, the archive being made in the
     * foreground. The JVM here holds every training run back until the test says go: the command must answer
     * meanwhile (before, it waited the wrapper's 60 s out), and the archive comes once the training may run.
     */
    @Test
    void theFirstRunAnswersWithoutWaitingForTheArchive() throws Exception {
        Path go = dir.resolve("go");
        Path heldBack = dir.resolve("a-run-waited-for-the-training");
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "case \"$*\" in *DumpLoadedClassList*|*AOTCacheOutput*|*Xshare:dump*)\n"
                + "  i=0; while [ ! -f '" + go + "' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\n"
                + "  [ -f '" + go + "' ] || touch '" + heldBack + "' ;;\n"
                + "esac\n"
                + "exec '" + Cli.JAVA + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Files.writeString(dir.resolve("f"), "x");
        byte[] fromJar = Cli.ok(dir, "manifest", "--time", "0", "f").rawOut();
        Map<String, String> env = Map.of("JAVA", java.toString());
        for (int run = 0; run < 2; run++) {  // the second run finds the training under way, and starts none
            Cli.Result result = Cli.run(Cli.launcher(dir, env, "manifest", "--time", "0", "f"), "manifest");
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.rawOut()).isEqualTo(fromJar);
        }
        assertThat(heldBack).as("a command waited for its archive's training").doesNotExist();
        assertThat(archives()).isEmpty();
        assertThat(cacheFiles("train\\..*")).hasSize(1);

        Files.writeString(go, "");
        assertThat(awaitCacheFiles("cds-.*\\.jsa")).hasSize(1);
        Path log = dir.resolve("classes.log");
        Cli.Result mapped = Cli.run(Cli.launcher(dir, Map.of("JAVA", java.toString(), "BUILDCHAIN_JAVA_OPTS",
                "-Xlog:class+load=info:file=" + log), "manifest", "--time", "0", "f"), "manifest");
        assertThat(mapped.rawOut()).isEqualTo(fromJar);
        assertThat(Files.readAllLines(log)).anyMatch(line -> line.contains(" io.buildchain.cli.Main source: shared objects file"));
        assertThat(cacheFiles("train\\..*|.*\\.making")).as("the training cleaned up after itself").isEmpty();
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

    /** From the adversarial read: the archive's path was split at spaces, and every run after the first failed. */
    @Test
    void aCacheDirectoryWithASpaceWorks() throws Exception {
        Path cache = dir.resolve("my cache");
        Files.writeString(dir.resolve("f"), "x");
        byte[] fromJar = Cli.ok(dir, "manifest", "--time", "0", "f").rawOut();
        Path log = dir.resolve("classes.log");
        for (int run = 0; run < 2; run++) {
            Cli.Result result = Cli.run(Cli.launcher(dir, Map.of("XDG_CACHE_HOME", cache.toString(), "BUILDCHAIN_JAVA_OPTS",
                    "-Xlog:class+load=info:file=" + log), "manifest", "--time", "0", "f"), "manifest");
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.rawOut()).isEqualTo(fromJar);
            awaitFiles(cache.resolve("buildchain"), "cds-.*\\.jsa");
        }
        assertThat(Files.readAllLines(log)).anyMatch(line -> line.contains(" io.buildchain.cli.Main source: shared objects file"));
    }

    /**
     * From the adversarial read: the JDK 25 AOT cache refuses to start beside the user's own -Xshare (and the like),
     * and the JVM's error went to stdout; the launcher now leaves its archive out when such an option is given.
     */
    @Test
    void theUsersOwnClassDataOptionsWinOverTheArchive() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        byte[] fromJar = Cli.ok(dir, "manifest", "--time", "0", "f").rawOut();
        List<Map<String, String>> javas = new java.util.ArrayList<>(List.of(Map.of()));
        newerJdk().ifPresent(jdk -> javas.add(Map.of("JAVA", jdk.toString())));
        for (Map<String, String> java : javas) {
            assertThat(Cli.run(Cli.launcher(dir, java, "--version"), "--version").exit()).isZero();  // makes the archive
            assertThat(awaitCacheFiles(java.isEmpty() ? "cds-.*\\.jsa" : "aot-.*\\.aot")).isNotEmpty();
            for (String option : List.of("-Xshare:off", "-Xshare:auto")) {
                Map<String, String> env = new java.util.HashMap<>(java);
                env.put("BUILDCHAIN_JAVA_OPTS", option);
                Cli.Result result = Cli.run(Cli.launcher(dir, env, "manifest", "--time", "0", "f"), "manifest");
                assertThat(result.exit()).as("%s %s: %s %s", java, option, result.out(), result.err()).isZero();
                assertThat(result.rawOut()).isEqualTo(fromJar);
            }
        }
    }

    @Test
    void withCdsOffNoArchiveIsMade() throws Exception {
        Cli.Result result = Cli.run(Cli.launcher(dir, Map.of("BUILDCHAIN_CDS", "off"), "--version"), "--version");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(dir.resolve(".cache/buildchain")).as("no archive, nor a training started").doesNotExist();
    }

    /** On a JDK 25 or later (this machine kind has Temurin's beside the JDK 17), the launcher uses its AOT cache. */
    @Test
    void onJdk25TheLauncherMakesAndUsesTheAotCache() throws Exception {
        Optional<Path> jdk25 = newerJdk();
        assumeTrue(jdk25.isPresent(), "no JDK 25 or later under /usr/lib/jvm");
        Map<String, String> env = Map.of("JAVA", jdk25.get().toString());
        Files.writeString(dir.resolve("f"), "x");
        byte[] fromJar = Cli.ok(dir, "manifest", "--time", "0", "f").rawOut();
        Cli.Result first = Cli.run(Cli.launcher(dir, env, "manifest", "--time", "0", "f"), "manifest");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.rawOut()).isEqualTo(fromJar);
        assertThat(awaitCacheFiles("aot-.*\\.aot")).hasSize(1);
        assertThat(cacheFiles("cds-.*")).isEmpty();

        Path log = dir.resolve("classes.log");
        Map<String, String> logged = Map.of("JAVA", jdk25.get().toString(), "BUILDCHAIN_JAVA_OPTS",
                "-Xlog:class+load=info:file=" + log);
        Cli.Result second = Cli.run(Cli.launcher(dir, logged, "manifest", "--time", "0", "f"), "manifest");
        assertThat(second.rawOut()).isEqualTo(fromJar);
        assertThat(second.err()).isEmpty();
        // picocli itself is not among them: AOT class linking takes no Java 5 bytecode, which cannot be linked ahead.
        List<String> loaded = Files.readAllLines(log);
        for (String type : List.of("io.buildchain.cli.Main", "io.buildchain.cli.ManifestCommand",
                "io.buildchain.core.manifest.TreeHasher")) {
            assertThat(loaded).as(type).anyMatch(line -> line.contains(" " + type + " source: shared objects file"));
        }
    }

    private static Optional<Path> newerJdk() throws Exception {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> majorVersion(home.resolve("release")) >= 25).map(home -> home.resolve("bin/java"))
                    .findFirst();
        }
    }

    private static int majorVersion(Path release) {
        try {
            for (String line : Files.readAllLines(release)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^JAVA_VERSION=\"(\\d+)").matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return 0;
    }

    private List<Path> archives() throws Exception {
        return cacheFiles("cds-.*\\.jsa");
    }

    private List<Path> cacheFiles(String pattern) throws Exception {
        return files(dir.resolve(".cache/buildchain"), pattern);
    }

    /** The archive is made in the background: waits (at most 120 s) for its file after a first run. */
    private List<Path> awaitCacheFiles(String pattern) throws Exception {
        return awaitFiles(dir.resolve(".cache/buildchain"), pattern);
    }

    private static List<Path> awaitFiles(Path cache, String pattern) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (files(cache, pattern).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return files(cache, pattern);
    }

    private static List<Path> files(Path cache, String pattern) throws Exception {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().matches(pattern)).toList();
        }
    }
}
