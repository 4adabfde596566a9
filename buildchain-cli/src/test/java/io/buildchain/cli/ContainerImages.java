package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Small images for the container build tests, made here (there is no Docker Hub): a busybox-static tree, and the
 * same with a JDK 25 made by jlink from the host's, with the glibc it links, imported with {@code docker import},
 * pushed to the registry on 127.0.0.1 that {@code .ci/run} starts, and used by digest. Under the vfs storage
 * driver every container copies its image, so they stay small (2 MB and about 80 MB).
 */
final class ContainerImages {
    static final String REGISTRY = System.getenv().getOrDefault("BUILDCHAIN_TEST_REGISTRY", "127.0.0.1:5000");
    static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static String busybox;
    private static String jdk;

    private ContainerImages() {
    }

    /** Skips the test, saying so on stderr, only when there is no Docker engine or registry to use. */
    static void requireEngine() throws Exception {
        String reason = null;
        if (run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), null).exit() != 0) {
            reason = "no Docker engine answers 'docker info' (.ci/run starts dockerd)";
        } else {
            String[] hostPort = REGISTRY.split(":");
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5000);
            } catch (IOException e) {
                reason = "no registry at " + REGISTRY + " (.ci/run starts docker-registry there): " + e.getMessage();
            }
        }
        if (reason != null) {
            System.err.println("SKIPPED container build test: " + reason);
            Assumptions.abort(reason);
        }
    }

    /** busybox-static with every applet, /tmp, and the two zone files the TZ variation needs. */
    static synchronized String busybox(Path scratch) throws Exception {
        requireEngine();
        if (busybox == null) {
            Path root = scratch.resolve("busybox-root");
            busyboxTree(root);
            busybox = importAndPush(root, "busybox", List.of("ENV PATH=/bin"));
        }
        return busybox;
    }

    /** The busybox image plus /opt/jdk, a jlink image of the host's JDK 25 (javac and jar included). */
    static synchronized String jdk25(Path scratch) throws Exception {
        requireEngine();
        if (!Files.isExecutable(JDK25.resolve("bin/jlink"))) {
            System.err.println("SKIPPED container JDK test: no JDK 25 at " + JDK25 + " to make the image from");
            Assumptions.abort("no JDK 25 at " + JDK25);
        }
        if (jdk == null) {
            Path root = scratch.resolve("jdk-root");
            busyboxTree(root);
            Path home = root.resolve("opt/jdk");
            assertThat(run(List.of(JDK25.resolve("bin/jlink").toString(), "--add-modules",
                    "java.base,jdk.compiler,jdk.jartool", "--strip-debug", "--no-man-pages", "--no-header-files",
                    "--output", home.toString()), null).exit()).isZero();
            TreeSet<String> libraries = new TreeSet<>();
            try (var files = Files.walk(home)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (Files.isRegularFile(file) && (name.endsWith(".so") || file.getParent().endsWith("bin"))) {
                        for (String word : run(List.of("ldd", file.toString()), null).output().split("\\s+")) {
                            if (word.startsWith("/") && !word.startsWith(home.toString())) {
                                libraries.add(word);
                            }
                        }
                    }
                }
            }
            for (String library : libraries) {
                Path target = root.resolve(library.substring(1));
                Files.createDirectories(target.getParent());
                Files.copy(Path.of(library), target, StandardCopyOption.REPLACE_EXISTING);
            }
            jdk = importAndPush(root, "jdk25", List.of("ENV PATH=/opt/jdk/bin:/bin", "ENV JAVA_HOME=/opt/jdk"));
        }
        return jdk;
    }

    private static void busyboxTree(Path root) throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : run(List.of("/bin/busybox", "--list"), null).output().split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
        }
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        assertThat(run(List.of("chmod", "1777", tmp.toString()), null).exit()).isZero();
        for (String zone : List.of("UTC", "Etc/GMT-14")) {
            Path target = root.resolve("usr/share/zoneinfo").resolve(zone);
            Files.createDirectories(target.getParent());
            Files.copy(Path.of("/usr/share/zoneinfo").resolve(zone), target, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** {@code docker import}, tag in the registry, push, and the pushed name@digest. */
    private static String importAndPush(Path root, String name, List<String> changes) throws Exception {
        String tag = REGISTRY + "/buildchain-test/" + name + ":latest";
        List<String> command = new ArrayList<>(List.of("docker", "import"));
        for (String change : changes) {
            command.addAll(List.of("--change", change));
        }
        command.addAll(List.of("-", tag));
        Path tar = root.resolveSibling(name + ".tar");
        assertThat(run(List.of("tar", "-C", root.toString(), "--numeric-owner", "--owner=0", "--group=0", "-cf",
                tar.toString(), "."), null).exit()).isZero();
        Result imported = run(command, tar);
        assertThat(imported.exit()).as(imported.output()).isZero();
        Result pushed = run(List.of("docker", "push", tag), null);
        assertThat(pushed.exit()).as(pushed.output()).isZero();
        String digests = run(List.of("docker", "image", "inspect", "--format", "{{json .RepoDigests}}", tag), null).output();
        var digest = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}").matcher(digests);
        assertThat(digest.find()).as(digests).isTrue();
        return REGISTRY + "/buildchain-test/" + name + "@" + digest.group();
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command, Path input) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectInput(input != null ? ProcessBuilder.Redirect.from(input.toFile())
                : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path output = Files.createTempFile("container-images", ".txt");
        try {
            Process process = builder.redirectOutput(output.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + ": still running after 5 minutes");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** A git repository holding one sample of build-samples/ at one commit (a fixed date, so a fixed revision). */
    static Path sampleRepository(String sample, Path dir) throws Exception {
        return sampleRepository(sample, dir, Map.of());
    }

    /** The same with {@code extra} files (name to content) committed beside the sample's. */
    static Path sampleRepository(String sample, Path dir, Map<String, String> extra) throws Exception {
        Path source = Path.of("src/test/resources/build-samples").resolve(sample);
        Path repo = dir.resolve(sample + "-repo");
        if (Files.isDirectory(repo)) {
            return repo;
        }
        Files.createDirectories(repo);
        for (Map.Entry<String, String> file : extra.entrySet()) {
            Files.writeString(repo.resolve(file.getKey()), file.getValue());
        }
        try (var files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = repo.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Map<String, String> env = Map.of("GIT_AUTHOR_DATE", "2024-03-01T12:00:00Z", "GIT_COMMITTER_DATE",
                "2024-03-01T12:00:00Z");
        for (List<String> git : List.of(List.of("git", "init", "-q"), List.of("git", "add", "."),
                List.of("git", "-c", "user.name=Sample", "-c", "user.email=sample@example.org", "commit", "-q", "-m",
                        "sample"))) {
            ProcessBuilder builder = new ProcessBuilder(git).directory(repo.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(git + ": " + out).isTrue();
        }
        return repo;
    }
}
