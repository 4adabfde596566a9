package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.submit.SubmissionPackage;
import io.buildchain.serial.SocatPtyPair;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault-injection rig: builders (keys and request chains in-process), a real {@code buildchain signer}
 * on a socat pty pair, a real {@code serve --accept-submissions} on loopback, and the real CLI for everything
 * an operator runs. Each builder is its own operator ({@code op-NAME}).
 */
final class FaultRig implements AutoCloseable {
    final Path dir;
    final Map<String, SigningKey> builders = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    SocatPtyPair pty;
    Process signer;
    String signerKey;
    int signerStarts;
    /** Signer starts whose certificates are in the store, oldest first. */
    int signersAdded;
    Process serve;
    URI serveUrl;

    FaultRig(Path dir, String... names) throws IOException {
        this.dir = dir;
        StringBuilder trusted = new StringBuilder();
        for (String name : names) {
            SigningKey key = KeyFiles.create(dir.resolve(name + ".key"), new SecureRandom());
            builders.put(name, key);
            trusted.append(key.publicKey()).append(' ').append(name).append(" operator=op-").append(name).append('\n');
        }
        Files.writeString(dir.resolve("trusted"), trusted);
    }

    /** One builder's build of a release: its dist directory, manifest and a fresh request (next counter). */
    record Build(String builder, Path work, Manifest manifest, SignedRequest request) {
        String argument() {
            return work.resolve("manifest.json") + ":" + work.resolve("req.bin") + ":" + work.resolve("dist");
        }
    }

    /** Builds release {@code version} (its files depend only on the version) and signs a new request for it. */
    Build build(String builder, String version) throws IOException {
        Path work = dir.resolve("rounds").resolve(version).resolve(builder + "-" + System.nanoTime());
        Path dist = Files.createDirectories(work.resolve("dist"));
        Files.writeString(dist.resolve("app.txt"), "release " + version + "\n");
        long time = 1_700_000_000L + Math.abs(version.hashCode() % 1_000_000);
        Manifest manifest = new TreeHasher(1).manifest(dist, time);
        Files.write(work.resolve("manifest.json"), manifest.render());
        SignedRequest request = new BuilderChain(dir.resolve("state-" + builder))
                .request(builders.get(builder), manifest.digest(), time);
        Files.write(work.resolve("req.bin"), request.bytes());
        return new Build(builder, work, manifest, request);
    }

    List<Build> buildAll(String version) throws IOException {
        List<Build> builds = new ArrayList<>();
        for (String name : builders.keySet()) {
            builds.add(build(name, version));
        }
        return builds;
    }

    // ---- the signer on a pty ----

    String port() {
        return pty.clientEnd.toString();
    }

    /** Starts a new signer process (a new key each time) and waits for it to print its key. */
    String startSigner() throws Exception {
        if (pty == null) {
            pty = SocatPtyPair.start(dir.resolve("serial"));
        }
        signerStarts++;
        Path log = dir.resolve("signer-" + signerStarts + ".log");
        signer = Cli.builder(dir, Map.of(), "signer", "--port", pty.signerEnd.toString(), "--state",
                "signer-state-" + signerStarts, "--pub-out", "signer-" + signerStarts + ".pub")
                .redirectError(log.toFile()).start();
        String line = new BufferedReader(new InputStreamReader(signer.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(line).as("signer start, log: %s", log).startsWith("signer public key: ");
        signerKey = line.substring("signer public key: ".length()).trim();
        // The key line is printed before the serial loop starts: wait for it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(log).contains("serving on") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return signerKey;
    }

    String signerLog() throws IOException {
        return Files.readString(dir.resolve("signer-" + signerStarts + ".log"));
    }

    void stopSigner() throws Exception {
        signer.destroy();
        assertThat(signer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    void killSigner() throws Exception {
        signer.destroyForcibly();
        assertThat(signer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** The publish command line through the serial signer. */
    List<String> publishArgs(String project, int quorum, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", project, "-b", "main",
                "--quorum", String.valueOf(quorum), "--trust", "trusted", "--port", port(), "--expect-key", signerKey));
        args.addAll(extra);
        return args;
    }

    Cli.Result run(String... args) throws Exception {
        return Cli.run(dir, args);
    }

    Cli.Result publish(String project, int quorum, List<Build> builds) throws Exception {
        return Cli.run(dir, publishArgs(project, quorum, builds.stream().map(Build::argument).toList())
                .toArray(String[]::new));
    }

    /**
     * Certifies every signer key started so far under one root (made on first use) and adds them in order; a
     * certificate written by a certify that was killed before its add is added now.
     */
    void certifySigners() throws Exception {
        if (!Files.exists(dir.resolve("root.key"))) {
            Cli.ok(dir, "root", "init", "--out", "root.key", "--pub-out", "root.pub");
        }
        for (int n = signersAdded + 1; n <= signerStarts; n++) {
            Path cert = dir.resolve("signer-" + n + ".cert");
            if (!Files.exists(cert)) {
                Cli.ok(dir, certifyArgs(n));
            }
            Cli.ok(dir, "root", "add", "--store", "store", cert.getFileName().toString());
            signersAdded = n;
        }
    }

    /** {@code root certify} of the key of signer start {@code n}, written to {@code signer-N.cert}. */
    String[] certifyArgs(int n) throws IOException {
        String key = Files.readString(dir.resolve("signer-" + n + ".pub")).trim();
        return new String[] {"root", "certify", "--root-key", "root.key", "--signer", key, "--store", "store", "--out",
            "signer-" + n + ".cert"};
    }

    /**
     * {@code root certify} of the newest signer's key, killed {@code afterMillis} after its start: it leaves the
     * certificate whole or not at all. Returns whether the certificate was written.
     */
    boolean certifyKilled(long afterMillis) throws Exception {
        Process certify = Cli.builder(dir, Map.of(), certifyArgs(signerStarts))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(afterMillis);
        certify.destroyForcibly();
        assertThat(certify.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return Files.exists(dir.resolve("signer-" + signerStarts + ".cert"));
    }

    // ---- serve on loopback ----

    void startServe(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--store", "store", "--bind", "127.0.0.1:0",
                "--accept-submissions", "--trust", "trusted"));
        args.addAll(List.of(extra));
        serve = Cli.builder(dir, Map.of(), args.toArray(String[]::new))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile())).start();
        String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
        assertThat(m.find()).as("serve printed its address: %s", line).isTrue();
        serveUrl = URI.create(m.group(1));
    }

    void killServe() throws Exception {
        serve.destroyForcibly();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    static byte[] tar(Build build) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SubmissionPackage.write(out, build.manifest().render(), build.manifest(), build.request().bytes(),
                build.work().resolve("dist"));
        return out.toByteArray();
    }

    /** POSTs {@code build} to serve; returns "STATUS body". */
    String submit(String project, Build build) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(serveUrl.resolve("submit/" + project + "/main"))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(tar(build))).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().strip();
    }

    @Override
    public void close() throws Exception {
        for (Process process : new Process[] {signer, serve}) {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (pty != null) {
            pty.close();
        }
    }
}
