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
    /** Where the launcher keeps its archives, under the test's $XDG_CACHE_HOME (Cli sets it to the folder's .cache). */
    static final String CLASS_DATA = ".cache/buildchain/class-data";
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

    /**
     * A dump that fails or is killed half-way (here: writes part of the archive, then dies as the OOM killer leaves
     * it) must not become the archive every later run maps; before, only the file's size was looked at.
     */
    @Test
    void aDumpThatDiesHalfWayLeavesNoArchive() throws Exception {
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "for a in \"$@\"; do case $a in -Xshare:dump) dump=1 ;; -XX:SharedArchiveFile=*) out=${a#*=} ;; esac; done\n"
                + "if [ -n \"${dump:-}\" ]; then head -c 4096 /dev/urandom > \"$out\"; exit 137; fi\n"
                + "exec '" + Cli.JAVA + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Cli.Result first = Cli.run(Cli.launcher(dir, Map.of("JAVA", java.toString()), "--version"), "--version");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(awaitNoTraining()).as("the training ended").isTrue();
        assertThat(archives()).as("a half-written archive was installed").isEmpty();
    }

    /**
     * A training killed outright (SIGKILL, a reboot) leaves its lock and its folder of a megabyte or more: a later run
     * sweeps both once they are 10 minutes old, also when another run has made the archive since.
     */
    @Test
    void whatAKilledTrainingLeftIsSweptAway() throws Exception {
        Path cache = Files.createDirectories(dir.resolve(CLASS_DATA));
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        for (int run = 0; run < 2; run++) {  // the first run makes the archive, the second finds it made
            Path left = Files.createDirectories(cache.resolve("train.Ab3dE" + run + "/tree"));
            Path lock = Files.createDirectories(cache.resolve("cds-1-2-3-4.jsa.making"));
            Files.write(left.resolve("1"), new byte[65536]);
            java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() - 3_600_000);
            for (Path path : List.of(left, left.getParent(), lock)) {
                Files.setLastModifiedTime(path, old);
            }
            Cli.Result result = Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version");
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(left.getParent()).as("a killed training's folder, an hour old").doesNotExist();
            assertThat(lock).as("a killed training's lock, an hour old").doesNotExist();
            assertThat(awaitCacheFiles("cds-.*\\.jsa")).hasSize(1);
            assertThat(awaitNoTraining()).isTrue();
        }
    }

    /**
     * Every rebuilt jar and every JDK update gets an archive of its own (15 MB with JDK 17): the old ones stayed for
     * ever. Making a new one removes those not mapped for 30 days (mapping an archive reads it: its access time).
     */
    @Test
    void makingAnArchiveRemovesTheOnesNotUsedFor30Days() throws Exception {
        Path cache = Files.createDirectories(dir.resolve(CLASS_DATA));
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path unused = Files.write(cache.resolve("cds-1-2-3-4.jsa"), new byte[4096]);
        Path used = Files.write(cache.resolve("aot-5-6-7-8.aot"), new byte[4096]);
        Files.setAttribute(unused, "lastAccessTime", java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 40L * 86_400_000));
        Files.setAttribute(used, "lastAccessTime", java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 2L * 86_400_000));
        assertThat(Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version").exit()).isZero();
        assertThat(awaitNoTraining()).isTrue();
        assertThat(archives()).as("the new archive, and not the one unused for 40 days").hasSize(1)
                .doesNotContain(unused);
        assertThat(used).as("an archive mapped 2 days ago").exists();
    }

    /**
     * The JVM runs whatever class data its archive holds: an archive in a cache folder that others may write to
     * (a cache shared by several users, or one a umask of 000 left open) is neither made nor mapped.
     */
    @Test
    void aCacheFolderOthersMayWriteToIsNotUsed() throws Exception {
        Cli.Result made = Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version");
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(awaitCacheFiles("cds-.*\\.jsa")).hasSize(1);
        Path cache = dir.resolve(CLASS_DATA);
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path log = dir.resolve("classes.log");
        Files.writeString(dir.resolve("f"), "x");
        Cli.Result run = Cli.run(Cli.launcher(dir, Map.of("BUILDCHAIN_JAVA_OPTS", "-Xlog:class+load=info:file=" + log),
                "manifest", "--time", "0", "f"), "manifest");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readAllLines(log)).as("classes mapped from an archive anyone may replace")
                .noneMatch(line -> line.contains(" io.buildchain.cli.Main source: shared objects file"));

        Files.delete(archives().get(0));
        assertThat(Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version").exit()).isZero();
        assertThat(cacheFiles("train\\..*|.*\\.making")).as("a training started in an open folder").isEmpty();
    }

    /**
     * The training ran as a child of the shell that then became the JVM, which never reaps it: a long-running
     * command (here serve) kept it as a zombie process for as long as it ran.
     */
    @Test
    void aLongRunningCommandKeepsNoFinishedTrainingAsAZombie() throws Exception {
        Files.createDirectories(dir.resolve("store"));
        Process serve = Cli.launcher(dir, Map.of(), "serve", "--store", "store", "--bind", "127.0.0.1:0")
                .redirectOutput(dir.resolve("serve.log").toFile()).redirectError(dir.resolve("serve.err").toFile())
                .start();
        try {
            assertThat(awaitCacheFiles("cds-.*\\.jsa")).hasSize(1);
            assertThat(awaitNoTraining()).isTrue();
            assertThat(serve.isAlive()).as(Files.readString(dir.resolve("serve.err"))).isTrue();
            List<String> zombies = new java.util.ArrayList<>();
            for (ProcessHandle child : serve.children().toList()) {
                String stat = Files.readString(Path.of("/proc", Long.toString(child.pid()), "stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    zombies.add(stat.strip());
                }
            }
            assertThat(zombies).as("zombie children of the running command").isEmpty();
        } finally {
            serve.destroy();
            serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * ...while the client's cache folder beside it may be group-writable, as a umask of 002 (a user-private group)
     * leaves the folders the client makes: the archives have a 0700 folder of their own.
     */
    @Test
    void aGroupWritableClientCacheStillGetsTheArchive() throws Exception {
        Path client = Files.createDirectories(dir.resolve(".cache/buildchain"));
        Files.setPosixFilePermissions(client, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThat(Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version").exit()).isZero();
        assertThat(awaitCacheFiles("cds-.*\\.jsa")).hasSize(1);
        assertThat(Files.getPosixFilePermissions(dir.resolve(CLASS_DATA)))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** ...while a cache folder of ours reached through a symbolic link (itself 0777, as links are) is used. */
    @Test
    void aCacheFolderBehindASymbolicLinkIsUsed() throws Exception {
        Path real = Files.createDirectories(dir.resolve("elsewhere"));
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(dir.resolve(CLASS_DATA).getParent());
        Files.createSymbolicLink(dir.resolve(CLASS_DATA), real);
        assertThat(Cli.run(Cli.launcher(dir, Map.of(), "--version"), "--version").exit()).isZero();
        assertThat(awaitFiles(real, "cds-.*\\.jsa")).hasSize(1);
    }

    /** The XDG spec: a relative XDG_CACHE_HOME is ignored; before, the cache was made in the current folder. */
    @Test
    void aRelativeXdgCacheHomeMakesNothingInTheCurrentFolder() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("f"), "x");
        Cli.Result run = Cli.run(Cli.launcher(work, Map.of("HOME", dir.toString(), "XDG_CACHE_HOME", "cache"),
                "manifest", "--time", "0", "f"), "manifest");
        assertThat(run.exit()).as(run.err()).isZero();
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("f");
        }
        assertThat(awaitCacheFiles("cds-.*\\.jsa")).hasSize(1);
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
            awaitFiles(cache.resolve("buildchain/class-data"), "cds-.*\\.jsa");
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
        return files(dir.resolve(CLASS_DATA), pattern);
    }

    /** The archive is made in the background: waits (at most 120 s) for its file after a first run. */
    private List<Path> awaitCacheFiles(String pattern) throws Exception {
        return awaitFiles(dir.resolve(CLASS_DATA), pattern);
    }

    private static List<Path> awaitFiles(Path cache, String pattern) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (files(cache, pattern).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return files(cache, pattern);
    }

    /** Waits (at most 120 s) until no training is under way: its lock is gone. */
    private boolean awaitNoTraining() throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!cacheFiles(".*\\.making").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return cacheFiles(".*\\.making").isEmpty();
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
