package io.buildchain.core.build;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.manifest.NameFilter;
import io.buildchain.core.manifest.TreeHasher;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One build of a {@link SourceCheckout} in a fresh container, or with {@code image} null on this machine
 * ({@code --no-container}, recorded as {@code container none}).
 *
 * <p>The container has no network at all ({@code --network none}), no capabilities, and runs as a plain user; it
 * sees the fresh checkout (bind-mounted at the build path, writable), a directory of its own for
 * {@code HOME} ({@value #META}), and, when given, the dependencies read-only at
 * {@value #DEPS}: dependencies are fetched before the build, outside it (e.g. {@code mvn dependency:go-offline}
 * into a local repository), never during it. The build's own shell sets the umask, goes to the build path, runs
 * {@link BuildEnvironment#PROBE} and then {@code exec}s the build's command, so the fields recorded are those of
 * the very process that builds.
 */
public final class ContainerBuild {
    /** Where the container sees its own directory, {@code HOME}. */
    public static final String META = "/buildchain";
    /** Where the container sees the dependencies, read-only. */
    public static final String DEPS = "/buildchain-deps";
    private static final Pattern PINNED_IMAGE = Pattern.compile("[a-z0-9][A-Za-z0-9._:/-]{0,254}@sha256:[0-9a-f]{64}");
    private static final Duration DOCKER_TIMEOUT = Duration.ofMinutes(10);
    /**
     * The container's command: set the umask, enter the build path, print the probe's lines each after a mark
     * only this process knows, forget the mark, and become the build. The build can neither forge nor overwrite
     * those lines: they are written before it starts, and it cannot learn the mark.
     */
    private static final String WRAPPER = "umask \"$BUILDCHAIN_UMASK\" && cd \"$BUILDCHAIN_SRC\" && { {\n"
            + BuildEnvironment.PROBE + "} 2>/dev/null | while IFS= read -r line; do printf '%s %s\\n' \"$BUILDCHAIN_MARK\" \"$line\"; done; }"
            + " && unset BUILDCHAIN_MARK && exec \"$@\"";
    /** Where a build with another clock sees this machine's libfaketime (read-only). */
    private static final String FAKETIME_IN_CONTAINER = "/buildchain-faketime/libfaketime.so.1";
    /** The glibc loaders whose --list shows whether an image can load libfaketime (x86-64, arm64). */
    private static final String FAKETIME_CHECK = "for l in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do "
            + "if [ -e \"$l\" ]; then exec \"$l\" --list " + FAKETIME_IN_CONTAINER + "; fi; done; exit 99";
    /** How much of the build's log may precede and hold the probe's lines. */
    private static final int MAX_PROBE_LOG = 1 << 20;

    /**
     * How to build.
     *
     * @param image      NAME@sha256:DIGEST, or null
     * @param dockerfile a Dockerfile in the checkout that makes the build's image, or null (neither: build on this
     *                   machine)
     * @param command    the build's command and arguments, run in the build path
     * @param deps       a directory of dependencies to mount read-only, or null
     * @param timeout    how long one build may take
     */
    public record Steps(String image, String dockerfile, List<String> command, Path deps, Duration timeout) {
        public Steps {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new FormatException("no build command: give it after --, e.g. -- sh build.sh");
            }
            if (image != null && !PINNED_IMAGE.matcher(image).matches()) {
                throw new FormatException("--image " + image + ": expected NAME@sha256:DIGEST (an image pinned by "
                        + "digest, as a registry serves it)");
            }
            if (image != null && dockerfile != null) {
                throw new FormatException("give --image or --dockerfile, not both");
            }
            if (dockerfile != null && (dockerfile.startsWith("/") || Path.of(dockerfile).normalize().startsWith(".."))) {
                throw new FormatException("--dockerfile " + dockerfile + ": expected a path inside the checkout");
            }
        }
    }

    /** What one build left: its collected output files and its environment, measured inside it. */
    public record Result(Path artifacts, Map<String, String> environment) {
    }

    private ContainerBuild() {
    }

    /** Pulls the image unless the engine has it already. */
    public static void provide(Steps steps, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        if (steps.image() != null && Commands.run(List.of("docker", "image", "inspect", steps.image()), null, Map.of(),
                DOCKER_TIMEOUT, log) != 0) {
            Commands.answer(List.of("docker", "pull", "--quiet", steps.image()), null, DOCKER_TIMEOUT);
        }
    }

    /**
     * Why a build in {@code image} cannot be given another clock, or empty when it can: libfaketime, preloaded from
     * this machine, needs the image's glibc dynamic loader to load it (with its libc and libm), and then moves the
     * clock of dynamically linked programs only (a static busybox keeps the real one).
     */
    public static java.util.Optional<String> whyNoOtherClock(String image, Path log) throws IOException {
        java.util.Optional<Path> library = faketimeLibrary();
        if (library.isEmpty()) {
            return java.util.Optional.of("libfaketime is not installed on this machine (Debian: apt-get install faketime)");
        }
        Path answer = Files.createTempFile(log.toAbsolutePath().getParent(), "faketime-check", ".log");
        try {
            int exit = Commands.run(List.of("docker", "run", "--rm", "--network", "none", "--cap-drop", "ALL",
                    "--security-opt", "no-new-privileges", "--entrypoint", "/bin/sh", "--mount", "type=bind,src="
                    + library.get() + ",dst=" + FAKETIME_IN_CONTAINER + ",readonly", image, "-c", FAKETIME_CHECK),
                    null, Map.of(), DOCKER_TIMEOUT, answer);
            String listed = BuildEnvironment.readProbeOutput(answer);
            Files.writeString(log, "libfaketime check of " + image + " (exit " + exit + "):\n" + listed,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            if (exit == 99) {
                return java.util.Optional.of("the image has no glibc dynamic loader to preload libfaketime with (a "
                        + "statically linked image, such as busybox-static, cannot be given another clock)");
            }
            if (exit != 0 || listed.contains("not found")) {
                return java.util.Optional.of("the image's dynamic loader cannot load this machine's libfaketime (its libc "
                        + "is missing or older; see " + log + ")");
            }
            return java.util.Optional.empty();
        } finally {
            Files.deleteIfExists(answer);
        }
    }

    /** This machine's libfaketime, where Debian's faketime package puts it. */
    private static java.util.Optional<Path> faketimeLibrary() throws IOException {
        try (var dirs = Files.list(Path.of("/usr/lib"))) {
            return dirs.map(dir -> dir.resolve("faketime/libfaketime.so.1")).filter(Files::isRegularFile).findFirst();
        }
    }

    /**
     * Builds {@code source} with {@code settings} in {@code work} (created; it holds {@code src/}, {@code meta/} and
     * {@code artifacts/}), appending the build's output to {@code log}, and collects the files matching {@code outputs} into
     * {@code artifacts/} by their base names.
     */
    public static Result build(SourceCheckout source, Steps steps, NameFilter outputs, BuildSettings settings, Path work,
            Path log, String host) throws IOException {
        work = Files.createDirectories(work).toAbsolutePath();
        Path src = work.resolve("src").toAbsolutePath();
        Path meta = work.resolve("meta").toAbsolutePath();
        source.checkoutInto(src);
        Files.createDirectories(meta.resolve("home"));
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        String mark = "buildchain-probe-" + java.util.HexFormat.of().formatHex(random);
        Map<String, String> variables = new TreeMap<>(Map.of("TZ", settings.tz(), "LANG", settings.locale(),
                "LC_ALL", settings.locale(), "SOURCE_DATE_EPOCH", Long.toString(source.time()),
                "BUILDCHAIN_UMASK", settings.umask(), "BUILDCHAIN_MARK", mark));
        Map<String, String> recorded = new LinkedHashMap<>();
        String image = steps.image();
        if (steps.dockerfile() != null) {
            image = imageFrom(src, steps.dockerfile(), source.time(), steps.timeout(), recorded);
        } else if (image != null) {
            recorded.putAll(BuildEnvironment.image(Map.of(BuildEnvironment.IMAGE_VARIABLE, image)));
        }
        int exit;
        if (image == null) {
            if (settings.clock() != null) {
                throw new FormatException("another clock is given to container builds only");
            }
            variables.putAll(Map.of("HOME", meta.resolve("home").toString(), "BUILDCHAIN_SRC", src.toString()));
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "sh"));
            command.addAll(steps.command());
            exit = Commands.run(command, src, variables, steps.timeout(), log);
        } else {
            giveTo(settings.user(), src, meta);
            variables.putAll(Map.of("HOME", META + "/home", "BUILDCHAIN_SRC", settings.buildPath()));
            String name = "buildchain-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--name", name, "--network", "none",
                    "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", settings.user(),
                    "--hostname", settings.hostname(), "--entrypoint", "/bin/sh",
                    "--mount", "type=bind,src=" + src + ",dst=" + settings.buildPath(),
                    "--mount", "type=bind,src=" + meta + ",dst=" + META));
            if (steps.deps() != null) {
                command.addAll(List.of("--mount", "type=bind,src=" + steps.deps().toAbsolutePath() + ",dst=" + DEPS
                        + ",readonly"));
            }
            if (settings.clock() != null) {
                // libfaketime moves the clock the build's dynamically linked programs read; the monotonic clock
                // stays real (a JVM waits on it).
                command.addAll(List.of("--mount", "type=bind,src=" + faketimeLibrary().orElseThrow(() ->
                        new BuildchainException("libfaketime is not installed on this machine")) + ",dst="
                        + FAKETIME_IN_CONTAINER + ",readonly"));
                variables.putAll(Map.of("LD_PRELOAD", FAKETIME_IN_CONTAINER, "FAKETIME", settings.clock(),
                        "FAKETIME_DONT_FAKE_MONOTONIC", "1"));
            }
            variables.forEach((key, value) -> command.addAll(List.of("--env", key + "=" + value)));
            command.addAll(List.of(image, "-c", WRAPPER, "sh"));
            command.addAll(steps.command());
            try {
                exit = Commands.run(command, null, Map.of(), steps.timeout(), log);
            } finally {
                // A build stopped at its deadline leaves its container running: remove it either way.
                Commands.run(List.of("docker", "rm", "--force", name), null, Map.of(), DOCKER_TIMEOUT,
                        work.resolve("docker-rm.log"));
            }
        }
        if (exit != 0) {
            throw new BuildchainException("the build failed (exit " + exit + "); its output is in " + log
                    + tail(log));
        }
        Map<String, String> environment = new LinkedHashMap<>(BuildEnvironment.fromProbe(probeLines(log, mark), Map.of(),
                host));
        environment.putAll(recorded);
        environment.put("container", image == null ? "none" : "docker");
        if (steps.deps() != null) {
            environment.put("deps-digest", "sha384:" + TreeHasher.forThisMachine().manifest(steps.deps(), 0).digest());
        }
        environment.put("git-revision", source.revision());
        environment.put("git-tree", source.tree());
        return new Result(collect(src, outputs, work.resolve("artifacts")), environment);
    }

    /**
     * Builds the image of a Dockerfile of the checkout with no network (its FROM comes from the engine or a
     * registry; its RUN steps cannot fetch anything), and records the image id and the file's digest.
     */
    private static String imageFrom(Path src, String dockerfile, long sourceTime, Duration timeout,
            Map<String, String> recorded) throws IOException {
        Path file = src.resolve(dockerfile).normalize();
        if (!file.startsWith(src) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FormatException("--dockerfile " + dockerfile + ": no such regular file in the checkout");
        }
        if (Files.size(file) > 1 << 20) {
            throw new FormatException("--dockerfile " + dockerfile + ": larger than 1 MiB");
        }
        Path idFile = src.resolveSibling("image-id");
        Commands.answer(List.of("docker", "build", "--quiet", "--network", "none", "--iidfile", idFile.toString(),
                "--file", file.toString(), "--build-arg", "SOURCE_DATE_EPOCH=" + sourceTime, src.toString()), null,
                timeout);
        String id = new String(Files.readAllBytes(idFile), java.nio.charset.StandardCharsets.US_ASCII).strip();
        if (!id.matches("sha256:[0-9a-f]{64}")) {
            throw new BuildchainException("docker build wrote \"" + id + "\" as the image id");
        }
        recorded.put("image", id);
        recorded.put("image-digest", id);
        recorded.put("dockerfile-digest", "sha256:" + java.util.HexFormat.of().formatHex(sha256(file)));
        return id;
    }

    private static byte[] sha256(Path file) throws IOException {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The probe's lines of the log: those after the mark, which the build could not know. */
    private static String probeLines(Path log, String mark) throws IOException {
        StringBuilder lines = new StringBuilder();
        try (java.io.InputStream in = Files.newInputStream(log)) {
            String head = new String(in.readNBytes(MAX_PROBE_LOG), java.nio.charset.StandardCharsets.UTF_8);
            head.lines().filter(line -> line.startsWith(mark + " "))
                    .forEach(line -> lines.append(line, mark.length() + 1, line.length()).append('\n'));
        }
        if (lines.length() == 0) {
            throw new BuildchainException("the build's shell printed no environment before the build (does the image "
                    + "have /bin/sh?); see " + log);
        }
        return lines.toString();
    }

    /** The checkout and the build's own directory belong to the build's user (only root can give them away). */
    private static void giveTo(String user, Path... dirs) throws IOException {
        int uid = Integer.parseInt(user.substring(0, user.indexOf(':')));
        int gid = Integer.parseInt(user.substring(user.indexOf(':') + 1));
        if (uid == currentUid()) {
            return;
        }
        for (Path dir : dirs) {
            try (var paths = Files.walk(dir)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** This process's user id. */
    private static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * The "UID:GID" a build runs as: 1000:1000 when this process is root (it can give the checkout away), else
     * this process's own user.
     */
    public static String buildUser() throws IOException {
        return currentUid() == 0 ? "1000:1000"
                : currentUid() + ":" + Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    }

    /** The user {@code --vary} changes to: 2000:2000 when this process is root, else none (null). */
    public static String otherUser() throws IOException {
        return currentUid() == 0 ? "2000:2000" : null;
    }

    /**
     * Copies the regular files under {@code src} whose relative names match into {@code artifacts} by base name.
     * The tree was written by the build: symbolic links are never followed, and two outputs with one base name
     * are refused.
     */
    private static Path collect(Path src, NameFilter outputs, Path artifacts) throws IOException {
        Files.createDirectories(artifacts);
        Map<String, Path> taken = new TreeMap<>();
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = src.relativize(file).toString().replace('\\', '/');
                if (outputs.accepts(name)) {
                    if (!attributes.isRegularFile()) {
                        throw new FormatException("output " + name + ": not a regular file (a link or special file)");
                    }
                    Path earlier = taken.put(file.getFileName().toString(), file);
                    if (earlier != null) {
                        throw new FormatException("outputs " + src.relativize(earlier) + " and " + name
                                + " have one base name; narrow --outputs");
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        if (taken.isEmpty()) {
            throw new FormatException("no file of the build matched --outputs");
        }
        for (Map.Entry<String, Path> output : taken.entrySet()) {
            Files.copy(output.getValue(), artifacts.resolve(output.getKey()), LinkOption.NOFOLLOW_LINKS);
        }
        return artifacts;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = new ArrayList<>();
        try (var reader = Files.newBufferedReader(log, java.nio.charset.StandardCharsets.UTF_8)) {
            reader.lines().forEach(line -> {
                lines.add(line.length() > 300 ? line.substring(0, 300) + "…" : line);
                if (lines.size() > 20) {
                    lines.remove(0);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            return "";
        }
        return lines.isEmpty() ? "" : ":\n  " + String.join("\n  ", lines);
    }
}
