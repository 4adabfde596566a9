package io.buildchain.core.build;

import io.buildchain.core.BuildchainException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the programs a build node drives (git, docker, the build itself) with a deadline, stdin from /dev/null and
 * output to a file, so that neither a hung program nor an endless output can stall or exhaust the node.
 */
final class Commands {
    /** What a short command may print to be read back (an image id, a revision): more is refused. */
    static final int MAX_ANSWER = 64 * 1024;

    private Commands() {
    }

    /**
     * Runs {@code command} in {@code dir} with {@code env} added to this process's variables, appending its
     * output (stdout and stderr) to {@code log}, and returns its exit status.
     */
    static int run(List<String> command, Path dir, Map<String, String> env, Duration timeout, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BuildchainException(command.get(0) + " cannot be started (" + e.getMessage() + "): is it installed?");
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new BuildchainException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                        + "…: still running after " + timeout.toSeconds() + " s, stopped");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted: " + command.get(0));
        }
    }

    /** Runs a short command and returns its trimmed output; a non-zero exit is refused with that output. */
    static String answer(List<String> command, Path dir, Duration timeout) throws IOException {
        Path output = Files.createTempFile("buildchain-command", ".txt");
        try {
            int exit = run(command, dir, Map.of(), timeout, output);
            String text;
            try (InputStream in = Files.newInputStream(output)) {
                byte[] bytes = in.readNBytes(MAX_ANSWER + 1);
                if (bytes.length > MAX_ANSWER) {
                    throw new BuildchainException(String.join(" ", command) + ": more than " + MAX_ANSWER
                            + " bytes of output");
                }
                text = new String(bytes, StandardCharsets.UTF_8).strip();
            }
            if (exit != 0) {
                throw new BuildchainException(String.join(" ", command) + " failed (exit " + exit + "): "
                        + (text.length() > 500 ? text.substring(0, 500) + "…" : text));
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
