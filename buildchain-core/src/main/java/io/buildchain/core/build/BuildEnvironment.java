package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Observes the environment fields of a {@link BuildInfo} with one probe, {@link #PROBE}: run by the build's own
 * shell inside its container ({@code buildchain build}, the Jenkins fan-out's {@code buildSh('COMMAND')} with
 * {@link #PIPELINE_PREFIX}), its fields are marked measured inside
 * the build; run afterwards by the process running buildchain ({@code request --buildinfo}), they are
 * self-reported.
 */
public final class BuildEnvironment {
    /** Environment variable naming the container image the build ran in, e.g. {@code maven:3.9@sha256:…}. */
    public static final String IMAGE_VARIABLE = "BUILDCHAIN_IMAGE";
    /** Environment variable holding the {@link #PROBE} output of the build's own environment. */
    public static final String PROBE_VARIABLE = "BUILDCHAIN_ENVIRONMENT";
    /**
     * POSIX sh: prints {@code name value} lines of the environment fields it can see. The JDK is the one the
     * build's {@code JAVA_HOME} names, else the first {@code java} on its {@code PATH}; the umask is the kernel's
     * ({@code /proc/self/status}, else the shell's {@code umask}), never a created file's mode.
     */
    public static final String PROBE = String.join("\n",
            "echo \"os $(uname -s)\"",
            "echo \"arch $(uname -m)\"",
            "echo \"kernel $(uname -r)\"",
            "bc_bin=; if [ -n \"$JAVA_HOME\" ] && [ -x \"$JAVA_HOME/bin/java\" ]; then bc_bin=\"$JAVA_HOME/bin\"; "
                    + "elif command -v java >/dev/null 2>&1; then bc_bin=$(dirname \"$(command -v java)\"); fi",
            "if [ -n \"$bc_bin\" ]; then \"$bc_bin/java\" -XshowSettings:properties -version 2>&1 | sed -n "
                    + "-e 's/^ *java\\.vendor = \\(.*\\)$/jdk-vendor \\1/p' -e 's/^ *java\\.version = \\(.*\\)$/jdk-version \\1/p' "
                    + "-e 's/^ *java\\.home = \\(.*\\)$/java-home \\1/p'; fi",
            "if [ -n \"$bc_bin\" ] && [ -x \"$bc_bin/javac\" ]; then \"$bc_bin/javac\" -version 2>&1 | sed -n "
                    + "'s/^javac \\(.*\\)$/javac-version \\1/p'; fi",
            "echo \"tz ${TZ:-$(cat /etc/timezone 2>/dev/null || echo unset)}\"",
            "bc_mask=$(sed -n 's/^Umask:[[:space:]]*//p' /proc/self/status 2>/dev/null); echo \"umask ${bc_mask:-$(umask)}\"",
            "echo \"locale ${LC_ALL:-${LANG:-unset}}\"",
            "bc_user=$(id -un 2>/dev/null); [ \"$bc_user\" != \"$(id -u)\" ] || bc_user=; "
                    + "echo \"user $(id -u):$(id -g)${bc_user:+ $bc_user}\"",
            "echo \"build-path $(pwd)\"",
            "echo \"hostname $(hostname 2>/dev/null || uname -n)\"",
            "");
    /**
     * The start of the Pipeline {@code sh} script of the Jenkins fan-out's {@code buildSh('COMMAND')}, followed there
     * by the build's own shell text: the shell runs {@link #PROBE} into its standard output (what {@code sh} with
     * {@code returnStdout} gives back), then points its standard output at the log and runs the build itself, with
     * {@code -xe} as Pipeline's {@code sh} does. The probe thus measures the very shell that builds (its umask,
     * variables, JDK, directory), as {@code buildchain build}'s wrapper does in {@link ContainerBuild}, and nothing
     * the build prints is taken for the probe's output.
     */
    public static final String PIPELINE_PREFIX = "#!/bin/sh\n{\n" + PROBE + "} 2>/dev/null\nexec 1>&2\nset -xe\n";
    /** Fields that only the process running buildchain can know; a probe's output may not name them. */
    private static final Set<String> NOT_FROM_PROBE = Set.of(BuildInfo.MANIFEST, BuildInfo.BUILDER, "host", "image",
            "image-digest", "container", "dockerfile-digest", "deps-digest", "git-revision", "git-tree",
            BuildInfo.MEASURED);
    private static final Pattern IMAGE_DIGEST = Pattern.compile(".*@(sha256:[0-9a-f]{64})");

    private BuildEnvironment() {
    }

    /**
     * The environment, self-reported after the build by the process running buildchain: the {@link #PROBE} run
     * by {@code /bin/sh} with this process's umask and {@code env} over this process's variables (so the JDK is
     * the one the build's {@code JAVA_HOME}/{@code PATH} names), else this JVM's properties. No field is marked
     * measured inside the build.
     *
     * @param env      the build's environment variables (TZ, LC_ALL/LANG, JAVA_HOME, PATH, {@value #IMAGE_VARIABLE})
     * @param host     the agent or host name
     * @param buildDir the directory the build ran in (a CI job's workspace), recorded as its build path
     */
    public static Map<String, String> selfReported(Map<String, String> env, String host, Path buildDir)
            throws IOException {
        Map<String, String> merged = new HashMap<>(System.getenv());
        merged.putAll(env);
        Map<String, String> fields = probeHere(merged, buildDir).map(BuildEnvironment::parseProbe)
                .orElseGet(() -> ofThisJvm(merged, buildDir));
        image(merged).forEach(fields::put);
        fields.put("host", host);
        fields.values().removeIf(v -> v == null || v.isBlank());
        return fields;
    }

    /**
     * The environment from {@link #PROBE} output run where the build ran (untrusted text: bounded, only known
     * fields, each once), plus the image from {@code env} and the host name. The probe's fields are marked as
     * measured inside the build.
     */
    public static Map<String, String> fromProbe(String output, Map<String, String> env, String host) {
        Map<String, String> fields = parseProbe(output);
        fields.put(BuildInfo.MEASURED, String.join(" ", fields.keySet()));
        image(env).forEach(fields::put);
        fields.put("host", host);
        return fields;
    }

    private static Map<String, String> parseProbe(String output) {
        byte[] raw = output.getBytes(StandardCharsets.UTF_8);
        if (raw.length > BuildInfo.MAX_BYTES) {
            throw new FormatException(PROBE_VARIABLE + ": at most " + BuildInfo.MAX_BYTES + " bytes, got " + raw.length);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String trimmed = line.strip();
            int space = trimmed.indexOf(' ');
            if (trimmed.isEmpty() || space < 0) {
                continue;
            }
            String name = trimmed.substring(0, space);
            String value = trimmed.substring(space + 1).strip();
            if (!BuildInfo.FIELDS.contains(name) || NOT_FROM_PROBE.contains(name)) {
                throw new FormatException(PROBE_VARIABLE + ": unexpected field \"" + (name.length() > 40
                        ? name.substring(0, 40) + "…" : name) + "\"");
            }
            if (fields.put(name, "x86_64".equals(value) && name.equals("arch") ? "amd64" : value) != null) {
                throw new FormatException(PROBE_VARIABLE + ": field \"" + name + "\" given twice");
            }
        }
        fields.values().removeIf(String::isEmpty);
        return fields;
    }

    /**
     * The probe's output from {@code /bin/sh} with {@code env} in {@code buildDir}, if there is such a shell and it
     * answers in time.
     */
    private static Optional<String> probeHere(Map<String, String> env, Path buildDir) throws IOException {
        if (!Files.isExecutable(Path.of("/bin/sh")) || !Files.isDirectory(buildDir)) {
            return Optional.empty();
        }
        // Output to a file, so that a probe that hangs is stopped by the deadline instead of blocking a read.
        Path output = Files.createTempFile("buildchain-probe", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", PROBE).redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(
                            new java.io.File("/dev/null"))).directory(buildDir.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            Process shell = builder.start();
            try {
                if (!shell.waitFor(60, TimeUnit.SECONDS) || shell.exitValue() != 0) {
                    shell.destroyForcibly();
                    return Optional.empty();
                }
            } catch (InterruptedException e) {
                shell.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while probing the build environment");
            }
            return Optional.of(readProbeOutput(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** A file of probe output, read to at most one byte past the bound (which {@link #fromProbe} then refuses). */
    public static String readProbeOutput(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(BuildInfo.MAX_BYTES + 1), StandardCharsets.UTF_8);
        }
    }

    /** Where there is no POSIX shell: this JVM's own properties. */
    private static Map<String, String> ofThisJvm(Map<String, String> env, Path buildDir) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("os", System.getProperty("os.name"));
        fields.put("arch", System.getProperty("os.arch"));
        fields.put("kernel", System.getProperty("os.version"));
        fields.put("jdk-vendor", System.getProperty("java.vendor"));
        fields.put("jdk-version", System.getProperty("java.version"));
        fields.put("java-home", System.getProperty("java.home"));
        fields.put("tz", Optional.ofNullable(env.get("TZ")).filter(s -> !s.isBlank()).orElse(ZoneId.systemDefault().getId()));
        fields.put("locale", firstSet(env, "LC_ALL", "LANG").orElse("unset"));
        fields.put("user", System.getProperty("user.name"));
        fields.put("build-path", buildDir.toAbsolutePath().toString());
        return fields;
    }

    /** The image and, when the reference pins one, its digest. */
    public static Map<String, String> image(Map<String, String> env) {
        Map<String, String> fields = new LinkedHashMap<>();
        String image = env.get(IMAGE_VARIABLE);
        if (image != null && !image.isBlank()) {
            fields.put("image", image.strip());
            var digest = IMAGE_DIGEST.matcher(image.strip());
            if (digest.matches()) {
                fields.put("image-digest", digest.group(1));
            }
        }
        return fields;
    }

    private static Optional<String> firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
