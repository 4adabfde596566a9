package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Observes the environment fields of a {@link BuildInfo}: either in this JVM (the build node's own process),
 * or from the output of {@link #PROBE}, a shell script run where the build itself ran (inside a container,
 * whose JDK and settings are not the agent JVM's).
 */
public final class BuildEnvironment {
    /** Environment variable naming the container image the build ran in, e.g. {@code maven:3.9@sha256:…}. */
    public static final String IMAGE_VARIABLE = "BUILDCHAIN_IMAGE";
    /** Environment variable holding the {@link #PROBE} output of the build's own environment. */
    public static final String PROBE_VARIABLE = "BUILDCHAIN_ENVIRONMENT";
    /** POSIX sh: prints {@code name value} lines of the environment fields it can see. */
    public static final String PROBE = String.join("\n",
            "echo \"os $(uname -s)\"",
            "echo \"arch $(uname -m)\"",
            "echo \"kernel $(uname -r)\"",
            "if command -v java >/dev/null 2>&1; then java -XshowSettings:properties -version 2>&1 | sed -n "
                    + "-e 's/^ *java\\.vendor = \\(.*\\)$/jdk-vendor \\1/p' -e 's/^ *java\\.version = \\(.*\\)$/jdk-version \\1/p'; fi",
            "echo \"tz ${TZ:-$(cat /etc/timezone 2>/dev/null || echo unset)}\"",
            "echo \"umask $(umask)\"",
            "echo \"locale ${LC_ALL:-${LANG:-unset}}\"",
            "");
    private static final Pattern IMAGE_DIGEST = Pattern.compile(".*@(sha256:[0-9a-f]{64})");

    private BuildEnvironment() {
    }

    /**
     * The environment as this JVM sees it.
     *
     * @param env     the build's environment variables (TZ, LC_ALL/LANG, {@value #IMAGE_VARIABLE})
     * @param scratch a writable directory, to observe the umask with a new file
     * @param host    the agent or host name
     */
    public static Map<String, String> ofThisJvm(Map<String, String> env, Path scratch, String host) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("os", System.getProperty("os.name"));
        fields.put("arch", System.getProperty("os.arch"));
        fields.put("kernel", System.getProperty("os.version"));
        fields.put("jdk-vendor", System.getProperty("java.vendor"));
        fields.put("jdk-version", System.getProperty("java.version"));
        fields.put("tz", Optional.ofNullable(env.get("TZ")).filter(s -> !s.isBlank()).orElse(ZoneId.systemDefault().getId()));
        umask(scratch).ifPresent(mask -> fields.put("umask", mask));
        fields.put("locale", firstSet(env, "LC_ALL", "LANG").orElse("unset"));
        image(env).forEach(fields::put);
        fields.put("host", host);
        fields.values().removeIf(v -> v == null || v.isBlank());
        return fields;
    }

    /**
     * The environment from {@link #PROBE} output (untrusted text: bounded, only known fields, each once),
     * plus the image from {@code env} and the host name.
     */
    public static Map<String, String> fromProbe(String output, Map<String, String> env, String host) {
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
            if (!BuildInfo.FIELDS.contains(name) || name.equals("host") || name.startsWith("image")
                    || name.equals(BuildInfo.MANIFEST) || name.equals(BuildInfo.BUILDER)) {
                throw new FormatException(PROBE_VARIABLE + ": unexpected field \"" + (name.length() > 40
                        ? name.substring(0, 40) + "…" : name) + "\"");
            }
            if (fields.put(name, "x86_64".equals(value) && name.equals("arch") ? "amd64" : value) != null) {
                throw new FormatException(PROBE_VARIABLE + ": field \"" + name + "\" given twice");
            }
        }
        image(env).forEach(fields::put);
        fields.put("host", host);
        fields.values().removeIf(String::isEmpty);
        return fields;
    }

    /** The image and, when the reference pins one, its digest. */
    static Map<String, String> image(Map<String, String> env) {
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

    /** The umask, seen as the permissions a new file gets (rw bits only: files are created 0666). */
    static Optional<String> umask(Path scratch) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty();
        }
        Files.createDirectories(scratch);
        Path probe = scratch.resolve(".umask-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createFile(probe);
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(probe);
            int mode = 0;
            for (PosixFilePermission permission : permissions) {
                mode |= 1 << (8 - permission.ordinal());
            }
            return Optional.of(String.format("%04o", 0666 & ~mode));
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
