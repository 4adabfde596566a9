package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.quorum.Evidence;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent operators and buildinfo through the real command line: two keys of one operator count once in
 * publish, serve's /submit and verify's recount; each builder's signed environment goes from 'request
 * --buildinfo' through 'submit' and 'publish' into the evidence, and a mis-signed one is refused.
 */
class OperatorsAndBuildInfoIT {
    static final String IMAGE = "maven:3.9.9-eclipse-temurin-17@sha256:" + "ab".repeat(32);
    @TempDir
    Path dir;

    Cli.Result ok(String... args) throws Exception {
        return Cli.ok(dir, args);
    }

    /** Builders a1 and a2 (operator alice) and b (operator bob) build "reproducible"; odd builds something else. */
    void buildAll(String trustedB) throws Exception {
        StringBuilder trusted = new StringBuilder();
        for (String node : List.of("a1", "a2", "b", "odd")) {
            String pub = ok("keygen", "--out", node + ".key").out().trim();
            String operator = switch (node) {
                case "a1", "a2" -> " operator=alice";
                case "b" -> trustedB;
                default -> " operator=olga";
            };
            trusted.append(pub).append(' ').append(node).append(operator).append('\n');
            Files.createDirectories(dir.resolve(node + "/dist"));
            Files.writeString(dir.resolve(node + "/dist/tool"), node.equals("odd") ? "different" : "reproducible");
            ok("manifest", "--time", "1700000000", "--out", node + "/manifest.json", node + "/dist");
            ok("request", "--key", node + ".key", "--state", node + "/state", "--out", node + "/req", "--buildinfo",
                    "--host", node, "--image", node.equals("odd") ? "maven:3-eclipse-temurin-25" : IMAGE,
                    node + "/manifest.json");
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        ok("keygen", "--out", "signer.key", "--pub-out", "signer.pub");
    }

    Cli.Result publish(String... submissions) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("publish", "--store", "store", "-p", "tool", "-b", "main",
                "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state"));
        args.addAll(List.of(submissions));
        return Cli.run(dir, args.toArray(String[]::new));
    }

    Evidence evidence() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("store/quorum"))) {
            Path file = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
            return Evidence.parse(Files.readAllBytes(file), file.toString());
        }
    }

    @Test
    void twoKeysOfOneOperatorCountOnceInPublishAndVerifysRecount() throws Exception {
        buildAll(" operator=alice");
        Cli.Result refused = publish("a1/manifest.json:a1/req", "a2/manifest.json:a2/req", "b/manifest.json:b/req",
                "odd/manifest.json:odd/req");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.errLines()).last().asString().startsWith("buildchain publish: quorum not met: at most 1 "
                + "distinct trusted operator(s)").contains("because their operator was already counted");
        assertThat(refused.err()).contains("same-operator", "operator alice was already counted");
        assertThat(dir.resolve("store/tail")).doesNotExist();

        // The same votes, with b run by bob: alice and bob make the quorum of 2.
        Files.writeString(dir.resolve("trusted"), Files.readString(dir.resolve("trusted")).replaceFirst(
                "( b) operator=alice", "$1 operator=bob"));
        Cli.Result published = publish("a1/manifest.json:a1/req:a1/dist", "a2/manifest.json:a2/req",
                "b/manifest.json:b/req", "odd/manifest.json:odd/req:odd/dist");
        assertThat(published.exit()).as(published.err()).isZero();
        assertThat(published.err()).as("the vote is logged on stderr")
                .contains("quorum met: 2 distinct trusted operator(s)", "operator alice",
                        "operator bob", "same-operator");
        assertThat(evidence().submissions()).extracting(Evidence.Entry::operator)
                .containsExactly("alice", "alice", "bob", "olga");
        assertThat(evidence().operators()).hasSize(4);

        Cli.Result verified = ok("verify", "--allow-unbound-release", "--key", "signer.pub", "--store", "store", "-p", "tool", "-b", "main",
                "--no-last-seen", "--quorum", "2", "--trust", "trusted");
        assertThat(verified.out()).contains("2 of your 3 trusted operators signed this manifest (alice, bob)");
        // Issue 23: with --trust, the builder is named by the label the user gave its key.
        assertThat(verified.out()).containsPattern("builder request by a1 \\([A-Z2-7]{52}\\), counter 1");
        // A verifier who puts b under alice too recounts one operator and refuses.
        Files.writeString(dir.resolve("mine"), Files.readString(dir.resolve("trusted")).replace("operator=bob",
                "operator=alice"));
        Cli.Result recount = Cli.run(dir, "verify", "--allow-unbound-release", "--key", "signer.pub", "--store", "store", "-p", "tool", "-b", "main",
                "--no-last-seen", "--quorum", "2", "--trust", "mine");
        assertThat(recount.exit()).isNotZero();
        assertThat(recount.errLines()).last().asString().contains("quorum not met: 1 of your trusted operators", "(alice)");
    }

    @Test
    void aMalformedOperatorIsRefusedWithTheLineNumber() throws Exception {
        buildAll(" operator=bob");
        Files.writeString(dir.resolve("trusted"), Files.readString(dir.resolve("trusted"))
                .replace("operator=bob", "operator=b/ob"));
        Cli.Result refused = publish("a1/manifest.json:a1/req");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.errLines()).hasSize(1).first().asString()
                .isEqualTo("buildchain publish: trusted:3: operator=\"b/ob\": expected operator=NAME, NAME 1 to 64 of "
                        + "letters, digits, '.', '_', '@', '-', starting with a letter or digit");
    }

    @Test
    void theRequestAndManifestStayTheOriginalBytesWithABuildinfoBeside() throws Exception {
        buildAll(" operator=bob");
        ok("request", "--key", "a1.key", "--state", "a1/plain-state", "--out", "a1/plain", "--timestamp", "1700000001",
                "a1/manifest.json");
        ok("request", "--key", "a1.key", "--state", "a1/info-state", "--out", "a1/info", "--timestamp", "1700000001",
                "--buildinfo", "a1/manifest.json");
        assertThat(Files.readAllBytes(dir.resolve("a1/info"))).hasSize(224)
                .isEqualTo(Files.readAllBytes(dir.resolve("a1/plain")));
        assertThat(dir.resolve("a1/plain.buildinfo")).doesNotExist();
        assertThat(dir.resolve("a1/info.buildinfo.sig")).hasSize(64);
        assertThat(Files.readString(dir.resolve("a1/info.buildinfo"))).startsWith("buildchain-buildinfo/1\n")
                .contains("\njdk-version " + System.getProperty("java.version") + "\n");
    }

    @Test
    void theEvidenceKeepsEachEnvironmentAndTheDivergenceStartsWithIt() throws Exception {
        buildAll(" operator=bob");
        Cli.Result published = publish("a1/manifest.json:a1/req:a1/dist", "b/manifest.json:b/req",
                "odd/manifest.json:odd/req");
        assertThat(published.exit()).as(published.err()).isZero();
        Evidence evidence = evidence();
        assertThat(evidence.submissions()).allSatisfy(e -> assertThat(e.checkedBuildInfo()).isPresent());
        assertThat(evidence.submissions().get(2).checkedBuildInfo().orElseThrow().environment())
                .containsEntry("host", "odd").containsEntry("image", "maven:3-eclipse-temurin-25");
        // Issue 23: builders given as local arguments are named by their trusted-keys label, never by a path.
        assertThat(evidence.explanations().get(0).causes().get(0).summary()).isEqualTo("builder odd ran image "
                + "maven:3-eclipse-temurin-25; the agreeing builders ran " + IMAGE
                + " (usual fix: give every builder the same image, pinned by digest)");
        assertThat(published.out()).contains("builder odd ran image").doesNotContain("manifest.json");

        // Issue 23: diff's --name-a/--name-b name the builders in the environment causes too ("builder B" before).
        Cli.Result diff = Cli.run(dir, "diff", "a1/manifest.json", "odd/manifest.json", "--buildinfo-a", "a1/req.buildinfo",
                "--buildinfo-b", "odd/req.buildinfo", "--name-a", "a1", "--name-b", "nodec");
        assertThat(diff.exit()).isEqualTo(1);
        assertThat(diff.out().lines().filter(line -> line.startsWith("  * ")).findFirst())
                .hasValueSatisfying(cause -> assertThat(cause).startsWith("  * builder nodec ran image maven:3-eclipse-temurin-25;"));
        assertThat(diff.out()).doesNotContain("builder B ", "odd/manifest.json");
    }

    @Test
    void aMisSignedOrTamperedBuildinfoIsRefusedByPublish() throws Exception {
        buildAll(" operator=bob");
        Files.copy(dir.resolve("b/req.buildinfo"), dir.resolve("a1/req.buildinfo"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("b/req.buildinfo.sig"), dir.resolve("a1/req.buildinfo.sig"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Cli.Result misSigned = publish("a1/manifest.json:a1/req", "b/manifest.json:b/req");
        assertThat(misSigned.exit()).isEqualTo(1);
        assertThat(misSigned.errLines()).hasSize(1).first().asString().contains("a1/manifest.json: buildinfo names builder");

        Path info = dir.resolve("b/req.buildinfo");
        Files.writeString(info, Files.readString(info).replace("host b", "host c"));
        Cli.Result tampered = publish("a2/manifest.json:a2/req", "b/manifest.json:b/req");
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.errLines()).hasSize(1).first().asString()
                .contains("b/manifest.json: buildinfo signature does not verify with builder key");
        assertThat(dir.resolve("store/tail")).doesNotExist();
    }

    @Test
    void serveCountsOperatorsOnceAndTakesOnlyTheBuildersOwnBuildinfo() throws Exception {
        buildAll(" operator=bob");
        Process server = Cli.builder(dir, Map.of(), "serve", "--store", "store", "--bind", "127.0.0.1:0",
                "--accept-submissions", "--trust", "trusted").redirectError(dir.resolve("serve.log").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
            assertThat(m.find()).as("serve printed its address: %s", line).isTrue();
            String url = m.group(1);
            String[] submit = {"submit", "--url", url, "-p", "tool", "-b", "main", "--manifest", null, "--request", null,
                "--artifacts", null};
            for (String node : List.of("a1", "a2", "b")) {
                submit[8] = node + "/manifest.json";
                submit[10] = node + "/req";
                submit[12] = node + "/dist";
                String answer = ok(submit).out();
                if (node.equals("b")) {
                    assertThat(answer).contains("2 distinct trusted operator(s) have now submitted it (").contains("alice")
                            .contains("bob");
                } else {
                    assertThat(answer).contains("1 distinct trusted operator(s) have now submitted it (alice)");
                }
            }
            // A package whose buildinfo is another builder's, sent as any client could.
            byte[] manifest = Files.readAllBytes(dir.resolve("odd/manifest.json"));
            java.io.ByteArrayOutputStream upload = new java.io.ByteArrayOutputStream();
            io.buildchain.core.submit.SubmissionPackage.write(upload, manifest,
                    io.buildchain.core.manifest.Manifest.parse(manifest, "m"), Files.readAllBytes(dir.resolve("odd/req")),
                    io.buildchain.core.build.SignedBuildInfo.readBeside(dir.resolve("b/req")), dir.resolve("odd/dist"));
            assertThat(RemoteSubmissionIT.post(url + "submit/tool/main", upload.toByteArray()))
                    .startsWith("400 ").contains("buildinfo names builder");

            Cli.Result published = publish("--from-submissions");
            assertThat(published.exit()).as(published.err()).isZero();
            assertThat(published.err()).contains("quorum met: 2 distinct trusted operator(s)");
            assertThat(evidence().submissions()).allSatisfy(e -> assertThat(e.checkedBuildInfo()).isPresent());
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
