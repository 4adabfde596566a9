package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.buildchain.core.Json;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.submit.SubmissionPackage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 10, as an outsider with no key runs them: every public file of a real {@code serve} over
 * loopback HTTP, and {@code /submit}. Builders, publisher and users are the real CLI processes; the builders' side
 * (hash, record, request) is done in this JVM to keep the test short.
 */
class ReplayAttacksIT {
    static final long SOURCE_TIME = 1_700_000_000L;

    @TempDir
    Path dir;

    final Map<String, SigningKey> builders = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newHttpClient();
    Process server;
    String url;

    @BeforeEach
    void network() throws Exception {
        SecureRandom random = new SecureRandom();
        StringBuilder trusted = new StringBuilder();
        for (String node : List.of("a", "b", "c")) {
            SigningKey key = KeyFiles.create(dir.resolve(node + ".key"), random);
            builders.put(node, key);
            trusted.append(key.publicKey()).append(' ').append(node).append('\n');
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        KeyFiles.create(dir.resolve("signer.key"), random);
        Files.writeString(dir.resolve("signer.pub"), KeyFiles.read(dir.resolve("signer.key")).publicKey().toString());
        // Room for the fifteen concurrent uploads below: beyond --max-concurrent-uploads they would get a 429.
        server = Cli.builder(dir, Map.of(), "serve", "--store", "store", "--bind", "127.0.0.1:0", "--accept-submissions",
                "--trust", "trusted", "--max-concurrent-uploads", "16").redirectError(dir.resolve("serve.log").toFile()).start();
        String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
        assertThat(m.find()).as("serve printed its address: %s", line).isTrue();
        url = m.group(1);
    }

    @AfterEach
    void stop() throws Exception {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
    }

    /** One builder's output for a release: dist/bin/tool holding {@code content}, with a release record. */
    record Build(Path manifest, Path request, Path dist) {
        String argument() {
            return manifest + ":" + request + ":" + dist;
        }
    }

    Build build(String node, String project, String branch, String version, long sourceTime) throws Exception {
        Path work = dir.resolve("build").resolve(project + "-" + branch + "-" + version).resolve(node);
        Path dist = Files.createDirectories(work.resolve("dist/bin"));
        Files.writeString(dist.resolve("tool"), "hello " + version + "\n");
        Manifest manifest = ReleaseRecord.writeInto(work.resolve("dist"), new TreeHasher(1).hashTree(work.resolve("dist")),
                project, branch, version, "rev-" + version, sourceTime);
        Files.write(work.resolve("manifest.json"), manifest.render());
        Files.write(work.resolve("req.bin"), new BuilderChain(dir.resolve("state-" + node))
                .request(builders.get(node), manifest.digest(), sourceTime + 1).bytes());
        return new Build(work.resolve("manifest.json"), work.resolve("req.bin"), work.resolve("dist"));
    }

    byte[] pack(Build build) throws Exception {
        byte[] manifest = Files.readAllBytes(build.manifest());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SubmissionPackage.write(out, manifest, Manifest.parse(manifest, "m"), Files.readAllBytes(build.request()),
                build.dist());
        return out.toByteArray();
    }

    /** A raw POST as any HTTP client sends it: "STATUS body". */
    String post(String path, byte[] body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    byte[] get(String path) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return response.body();
    }

    /** Submits the release on the given builders over HTTP and publishes it; returns its block signature. */
    String release(String project, String branch, String version, long sourceTime, String... nodes) throws Exception {
        for (String node : nodes) {
            assertThat(post("submit/" + project + "/" + branch, pack(build(node, project, branch, version, sourceTime))))
                    .startsWith("201 ");
        }
        Cli.Result published = publish(project, branch);
        assertThat(published.exit()).as(published.err()).isZero();
        Matcher block = Pattern.compile("block \\d+ ([A-Z2-7]{103})").matcher(published.out());
        assertThat(block.find()).as(published.out()).isTrue();
        return block.group(1);
    }

    Cli.Result publish(String project, String branch, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", project, "-b", branch,
                "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state"));
        args.addAll(List.of(more));
        if (more.length == 0) {
            args.add("--from-submissions");
        }
        return Cli.run(dir, args.toArray(String[]::new));
    }

    /**
     * What an attacker with no key rebuilds from one release's public evidence: one submission package per
     * recorded request, with the manifest and files fetched from {@code object/}.
     */
    List<byte[]> replayOf(String blockSignature) throws Exception {
        JsonNode evidence = Json.MAPPER.readTree(get("quorum/" + blockSignature + ".json"));
        List<byte[]> packages = new ArrayList<>();
        int n = 0;
        for (JsonNode entry : evidence.get("submissions")) {
            byte[] manifestBytes = get("object/" + entry.get("manifest").asText());
            Manifest manifest = Manifest.parse(manifestBytes, "stolen manifest");
            Path files = dir.resolve("attacker").resolve(blockSignature.substring(0, 8) + "-" + n++);
            for (Map.Entry<String, io.buildchain.core.hash.Digest> file : manifest.files().entrySet()) {
                Path target = files.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, get("object/" + file.getValue().base32()));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SubmissionPackage.write(out, manifestBytes, manifest, HexFormat.of().parseHex(entry.get("request").asText()),
                    files);
            packages.add(out.toByteArray());
        }
        return packages;
    }

    Cli.Result verify(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify", "--key", "signer.pub", "--url", url, "-p", "hello", "-b",
                "main"));
        args.addAll(List.of(more));
        return Cli.run(dir, args.toArray(String[]::new));
    }

    /** Finding 1: the keyless replay of v1's public evidence through /submit neither publishes nor rolls back. */
    @Test
    void keylessReplayOfPublicEvidenceThroughSubmitIsRefused() throws Exception {
        String v1 = release("hello", "main", "1.0", SOURCE_TIME, "a", "b", "c");
        release("hello", "main", "2.0", SOURCE_TIME + 100, "a", "b", "c");
        assertThat(verify("--last-seen", "seen", "--quorum", "2", "--trust", "trusted").exit()).isZero();

        for (byte[] replay : replayOf(v1)) {
            assertThat(post("submit/hello/main", replay)).startsWith("409 ").contains("replayed request");
        }
        assertThat(dir.resolve("store/submissions/hello")).doesNotExist();
        Cli.Result again = publish("hello", "main");
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("nothing to publish");

        Cli.Result seen = verify("--last-seen", "seen", "--quorum", "2", "--trust", "trusted");
        assertThat(seen.exit()).as(seen.err()).isZero();
        // Each release is followed by the block that signs its log checkpoint.
        assertThat(seen.out()).contains("counter 3", "version 2.0");
        assertThat(Cli.ok(dir, "download", "--key", "signer.pub", "--url", url, "-p", "hello", "-b", "main",
                "--last-seen", "seen", "bin/tool", "--out", "got").exit()).isZero();
        assertThat(dir.resolve("got")).hasContent("hello 2.0\n");
    }

    /** Finding 1, next of its kind: the same replay handed to publish as files never counts either. */
    @Test
    void replayedRequestsGivenToPublishDirectlyCountZero() throws Exception {
        release("hello", "main", "1.0", SOURCE_TIME, "a", "b", "c");
        Path v1 = dir.resolve("build/hello-main-1.0");
        Cli.Result replayed = publish("hello", "main", v1.resolve("a/manifest.json") + ":" + v1.resolve("a/req.bin")
                + ":" + v1.resolve("a/dist"), v1.resolve("b/manifest.json") + ":" + v1.resolve("b/req.bin"),
                v1.resolve("c/manifest.json") + ":" + v1.resolve("c/req.bin"));
        // The exact retry of the tail's release is answered from the store: nothing new is signed.
        assertThat(replayed.exit()).as(replayed.err()).isZero();
        assertThat(replayed.out()).contains("block 1 ");
        release("hello", "main", "2.0", SOURCE_TIME + 100, "a", "b");
        Cli.Result old = publish("hello", "main", v1.resolve("a/manifest.json") + ":" + v1.resolve("a/req.bin")
                + ":" + v1.resolve("a/dist"), v1.resolve("b/manifest.json") + ":" + v1.resolve("b/req.bin"));
        assertThat(old.exit()).isNotZero();
        assertThat(old.err()).contains("replayed", "quorum not met");
        try (Stream<Path> blocks = Files.list(dir.resolve("store/block"))) {
            // Two releases, each followed by the block that signs its log checkpoint.
            assertThat(blocks.count()).isEqualTo(4);
        }
    }

    /** Finding 2: a replay posted beside honest submissions is refused and does not void the honest votes. */
    @Test
    void replayBesideHonestSubmissionsLetsTheHonestReleasePublish() throws Exception {
        String v1 = release("hello", "main", "1.0", SOURCE_TIME, "a", "b", "c");
        for (String node : List.of("a", "b")) {
            assertThat(post("submit/hello/main", pack(build(node, "hello", "main", "2.0", SOURCE_TIME + 100))))
                    .startsWith("201 ");
        }
        for (byte[] replay : replayOf(v1)) {
            assertThat(post("submit/hello/main", replay)).startsWith("409 ");
        }
        Cli.Result published = publish("hello", "main");
        assertThat(published.exit()).as(published.err()).isZero();
        // The vote is on stderr (shown before the signer is asked), the published block on stdout.
        assertThat(published.err()).contains("quorum met: 2 distinct").doesNotContain("equivocation");
        assertThat(published.out()).contains("published hello/main: block 3").doesNotContain("equivocation");

        // The same through publish's own arguments: the replayed votes are of an older release (1.0, older source
        // time), so this publish, about one release, leaves them out; the fresh ones count.
        Path old = dir.resolve("build/hello-main-1.0");
        List<String> mixed = new ArrayList<>();
        for (String node : List.of("a", "b")) {
            mixed.add(build(node, "hello", "main", "3.0", SOURCE_TIME + 200).argument());
            mixed.add(old.resolve(node + "/manifest.json") + ":" + old.resolve(node + "/req.bin"));
        }
        Cli.Result third = publish("hello", "main", mixed.toArray(String[]::new));
        assertThat(third.exit()).as(third.err()).isZero();
        assertThat(third.err()).contains("quorum met: 2 distinct").doesNotContain("equivocation");
        assertThat(third.out()).contains("published hello/main: block 5").doesNotContain("equivocation");
    }

    /** Finding 3: hello/main's evidence replayed to another branch and another project publishes nothing. */
    @Test
    void crossBranchAndCrossProjectReplayIsRefused() throws Exception {
        String v1 = release("hello", "main", "1.0", SOURCE_TIME, "a", "b");
        for (String target : List.of("submit/hello/stable", "submit/evil/main")) {
            for (byte[] replay : replayOf(v1)) {
                assertThat(post(target, replay)).as(target).startsWith("409 ");
            }
        }
        assertThat(dir.resolve("store/submissions/hello/stable")).doesNotExist();
        assertThat(dir.resolve("store/submissions/evil")).doesNotExist();

        // Fresh, honest requests for hello/main, sent to another branch: their release record refuses it.
        Build fresh = build("c", "hello", "main", "2.0", SOURCE_TIME + 100);
        assertThat(post("submit/hello/stable", pack(fresh))).startsWith("409 ").contains("release of hello/main");
        Cli.Result direct = publish("evil", "main", fresh.argument(), build("a", "hello", "main", "2.0",
                SOURCE_TIME + 100).argument());
        assertThat(direct.exit()).isNotZero();
        assertThat(direct.err()).contains("is a release of hello/main", "not of evil/main");
        assertThat(dir.resolve("store/tail/evil")).doesNotExist();
    }

    /** Finding 3, client side: a tail moved to another project's block is refused by a client with no last-seen. */
    @Test
    void tailMovedToAnotherBranchsBlockIsRefusedWithoutLastSeen() throws Exception {
        release("hello", "main", "1.0", SOURCE_TIME, "a", "b");
        String evil = release("evil", "main", "6.6.6", SOURCE_TIME + 50, "a", "b");
        Path tail = dir.resolve("store/tail/hello/main");
        Files.delete(tail);
        Files.createSymbolicLink(tail, Path.of("..", "..", "block", evil));

        Cli.Result moved = verify("--no-last-seen");
        assertThat(moved.exit()).isNotZero();
        assertThat(moved.err()).contains("wrong release", "release of evil/main", "not of hello/main");
        Cli.Result download = Cli.run(dir, "download", "--key", "signer.pub", "--url", url, "-p", "hello", "-b", "main",
                "--no-last-seen", "bin/tool", "--out", "got");
        assertThat(download.exit()).isNotZero();
        assertThat(dir.resolve("got")).doesNotExist();
    }

    /** Finding 4: a submission accepted while publish --from-submissions runs stays for the next publish. */
    @Test
    void submissionRacingAPublishIsNotLost() throws Exception {
        for (String node : List.of("a", "b")) {
            assertThat(post("submit/hello/main", pack(build(node, "hello", "main", "1.0", SOURCE_TIME)))).startsWith("201 ");
        }
        Path lockFile = dir.resolve("store/lock").toAbsolutePath();
        Process publisher;
        try (DirectoryLock held = DirectoryLock.acquire(lockFile)) {
            lockFile = lockFile.toRealPath();
            List<String> args = List.of("publish", "--store", "store", "-p", "hello", "-b", "main", "--quorum", "2",
                    "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state",
                    "--from-submissions");
            publisher = Cli.builder(dir, Map.of(), args.toArray(String[]::new))
                    .redirectOutput(dir.resolve("publish.out").toFile()).redirectError(dir.resolve("publish.err").toFile())
                    .start();
            // The publisher has read the waiting submissions once it waits for the store lock.
            waitUntilOpen(publisher, lockFile);
            assertThat(post("submit/hello/main", pack(build("c", "hello", "main", "1.0", SOURCE_TIME))))
                    .startsWith("201 ");
        }
        assertThat(publisher.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(publisher.exitValue()).as(Files.readString(dir.resolve("publish.err"))).isZero();
        String evidence = Files.readString(Files.list(dir.resolve("store/quorum")).findFirst().orElseThrow());
        boolean inEvidence = evidence.contains(HexFormat.of().formatHex(
                Files.readAllBytes(dir.resolve("build/hello-main-1.0/c/req.bin"))));
        boolean stillWaiting = Files.exists(dir.resolve("store/submissions/hello/main"));
        assertThat(inEvidence || stillWaiting).as("c's accepted submission is in the evidence or still waiting").isTrue();
    }

    static void waitUntilOpen(Process process, Path file) throws Exception {
        Path fds = Path.of("/proc", String.valueOf(process.pid()), "fd");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> open = Files.list(fds)) {
                if (open.anyMatch(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).equals(file);
                    } catch (Exception e) {
                        return false;
                    }
                })) {
                    return;
                }
            }
            assertThat(process.isAlive()).as("publisher still running").isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("the publisher never opened " + file);
    }

    /** Finding 4: fifteen identical submissions at once all get a clear 2xx, none a 500 or a server path. */
    @Test
    void concurrentIdenticalSubmissionsNeverGet500() throws Exception {
        byte[] body = pack(build("a", "hello", "main", "1.0", SOURCE_TIME));
        ExecutorService pool = Executors.newFixedThreadPool(15);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                answers.add(pool.submit((Callable<String>) () -> post("submit/hello/main", body)));
            }
            for (Future<String> answer : answers) {
                String got = answer.get(60, TimeUnit.SECONDS);
                assertThat(got).matches("(?s)20[01] .*").doesNotContain(dir.toString());
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> waiting = Files.list(dir.resolve("store/submissions/hello/main"))) {
            assertThat(waiting.count()).isEqualTo(1);
        }
    }

    /**
     * Finding 5: builders named by label, releases named by version, any earlier release verified and downloaded,
     * the page's command recounts, plain verify says it did not.
     */
    @Test
    void earlierReleasesVerifyByVersionAndBlockAndPagesNameBuildersByLabel() throws Exception {
        List<String> args = new ArrayList<>();
        for (String node : List.of("a", "b")) {
            args.add(build(node, "hello", "main", "1.0", SOURCE_TIME).argument());
        }
        Cli.Result first = publish("hello", "main", args.toArray(String[]::new));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out() + first.err()).doesNotContain(dir.resolve("build").toString() + "/hello-main-1.0/a/manifest");
        Matcher block = Pattern.compile("block 1 ([A-Z2-7]{103})").matcher(first.out());
        assertThat(block.find()).isTrue();
        String v1 = block.group(1);
        String stable = release("hello", "stable", "9.0", SOURCE_TIME + 200, "a", "b");
        release("hello", "main", "2.0", SOURCE_TIME + 100, "a", "b");

        String evidence = new String(get("quorum/" + v1 + ".json"), StandardCharsets.UTF_8);
        assertThat(evidence).contains("\"source\" : \"a\"", "\"source\" : \"b\"").doesNotContain(dir.toString());
        String page = new String(get("chain/hello/main"), StandardCharsets.UTF_8);
        assertThat(page).contains("/release/1.0\"", "--release 2.0", "--quorum 2 --trust").doesNotContain(dir.toString());
        // Each release's page gives the commands for that release.
        assertThat(new String(get("chain/hello/main/release/1.0"), StandardCharsets.UTF_8)).contains("--release 1.0");
        assertThat(new String(get("chain/hello/main/release/2.0"), StandardCharsets.UTF_8))
                .contains("--release 2.0", "rev-2.0").doesNotContain(dir.toString());

        Cli.Result plain = verify("--no-last-seen");
        assertThat(plain.exit()).isZero();
        assertThat(plain.out()).contains("version 2.0, revision rev-2.0", "NOT recounted");
        Cli.Result byVersion = verify("--no-last-seen", "--release", "1.0", "--quorum", "2", "--trust", "trusted");
        assertThat(byVersion.exit()).as(byVersion.err()).isZero();
        assertThat(byVersion.out()).contains("counter 1", "version 1.0", "2 of your 3 trusted builders");
        Cli.Result tail = verify("--no-last-seen", "--quorum", "2", "--trust", "trusted");
        assertThat(tail.out()).contains("counter 5", "2 of your 3 trusted builders");
        assertThat(verify("--no-last-seen", "--block", v1).out()).contains("counter 1");
        assertThat(Cli.ok(dir, "download", "--key", "signer.pub", "--url", url, "-p", "hello", "-b", "main",
                "--no-last-seen", "--release", "1.0", "bin/tool", "--out", "old").exit()).isZero();
        assertThat(dir.resolve("old")).hasContent("hello 1.0\n");

        Cli.Result otherBranch = verify("--no-last-seen", "--release", "9.0");
        assertThat(otherBranch.exit()).isNotZero();
        assertThat(otherBranch.err()).contains("no release with version 9.0 on the chain of hello/main");
        Cli.Result otherBlock = verify("--no-last-seen", "--block", stable);
        assertThat(otherBlock.exit()).isNotZero();
        assertThat(otherBlock.err()).contains("is not one of its releases", "names hello/stable");
    }
}
