package io.buildchain.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code buildchain.jar} as a real process, as a user would. */
final class Cli {
    static final Path JAR = Path.of(System.getProperty("buildchain.jar", "target/buildchain.jar"));
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final Path LAUNCHER = Path.of("..", "bin", "buildchain").toAbsolutePath().normalize();

    record Result(int exit, String out, String err, byte[] rawOut) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Cli() {
    }

    static ProcessBuilder builder(Path cwd, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return builder(cwd, env, command);
    }

    /** {@code bin/buildchain}, the launcher a user runs, on the jar and the JVM under test. */
    static ProcessBuilder launcher(Path cwd, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = builder(cwd, Map.of("BUILDCHAIN_JAR", JAR.toAbsolutePath().toString(), "JAVA", JAVA), command);
        builder.environment().putAll(env);
        return builder;
    }

    private static ProcessBuilder builder(Path cwd, Map<String, String> env, List<String> command) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the *IT tests through 'mvn verify'");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().remove("SOURCE_DATE_EPOCH");
        // Each test is its own user: a cache shared between tests would serve objects a hostile server never sent.
        builder.environment().put("XDG_CACHE_HOME", cwd.resolve(".cache").toString());
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs and requires exit status 0, showing stdout and stderr if not. */
    static Result ok(Path cwd, String... args) throws IOException, InterruptedException {
        Result result = run(cwd, args);
        org.assertj.core.api.Assertions.assertThat(result.exit())
                .as("buildchain %s%nstdout: %s%nstderr: %s", String.join(" ", args), result.out(), result.err()).isZero();
        return result;
    }

    static Result run(Path cwd, String... args) throws IOException, InterruptedException {
        return run(cwd, Map.of(), args);
    }

    static Result run(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(builder(cwd, env, args), args);
    }

    /** Runs what {@code builder} starts, stdin from /dev/null, and collects its exit status and output. */
    static Result run(ProcessBuilder builder, String... args) throws IOException, InterruptedException {
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        var stderr = new java.util.concurrent.CompletableFuture<byte[]>();
        Thread errReader = new Thread(() -> {
            try {
                stderr.complete(process.getErrorStream().readAllBytes());
            } catch (IOException e) {
                stderr.completeExceptionally(e);
            }
        });
        errReader.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("buildchain " + String.join(" ", args) + " did not finish in 120 s");
        }
        errReader.join();
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(stderr.join(), StandardCharsets.UTF_8), out);
    }
}
