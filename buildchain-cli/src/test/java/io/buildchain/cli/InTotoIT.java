package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.buildchain.core.Json;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.intoto.InTotoKey;
import io.buildchain.core.manifest.Manifest;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release published with quorum 2 of 3, exported with 'export in-toto', checked by Debian's real in-toto-verify
 * (in-toto 1.3.1, installed by .ci/run) and its provenance by libsodium (python3-nacl): accepted as exported;
 * refused, for the reason in-toto prints, without one agreeing link, with a file changed, with a link signed by
 * an untrusted key, and with an expired layout. One published store for all tests (each exports its own copy).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InTotoIT {
    static final String REVISION = "0123456789abcdef0123456789abcdef01234567";
    @TempDir
    static Path dir;
    final Map<String, String> keys = new TreeMap<>();

    Cli.Result ok(String... args) throws Exception {
        return Cli.ok(dir, args);
    }

    /** a and b build the same release, c (trusted too) something else, d is nobody's builder. */
    @BeforeAll
    void publishTwoOfThree() throws Exception {
        ok("root", "init", "--out", "root.key", "--pub-out", "root.pub");
        StringBuilder trusted = new StringBuilder();
        for (String node : List.of("a", "b", "c", "d")) {
            keys.put(node, ok("keygen", "--out", node + ".key").out().trim());
            if (!node.equals("d")) {
                trusted.append(keys.get(node)).append(' ').append(node).append(" operator=op-").append(node).append('\n');
            }
            Path dist = Files.createDirectories(dir.resolve(node + "/dist/docs"));
            Files.writeString(dist.resolve("../hello-1.0.jar"), node.equals("c") ? "odd bytes" : "reproducible jar");
            Files.writeString(dist.resolve("naïve \"quoted\" name.txt"), "text\n");
            ok("manifest", "--time", "1700000000", "--project", "hello", "--branch", "main", "--release-version", "1.0",
                    "--revision", REVISION, "--out", node + "/manifest.json", node + "/dist");
            ok("request", "--key", node + ".key", "--state", node + "/state", "--out", node + "/req", "--buildinfo",
                    "--host", node, "--in-toto", node + "/dist", node + "/manifest.json");
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        ok("keygen", "--out", "signer.key");
        Cli.Result published = ok("publish", "--store", "store", "-p", "hello", "-b", "main", "--quorum", "2",
                "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state",
                "a/manifest.json:a/req:a/dist", "b/manifest.json:b/req", "c/manifest.json:c/req");
        assertThat(published.err()).contains("quorum met: 2", "in-toto: ");
    }

    Cli.Result layout(String out, Instant expires) throws Exception {
        return layout(out, expires, "main");
    }

    Cli.Result layout(String out, Instant expires, String branch) throws Exception {
        return Cli.run(dir, "root", "in-toto-layout", "--root-key", "root.key", "--trust", "trusted", "-p", "hello",
                "-b", branch, "--quorum", "2", "--product", "hello-*.jar", "--product", "docs/*",
                "--product", ".buildchain/release.json", "--expires", expires.toString(), "--out", out);
    }

    Cli.Result export(String layout, String out) throws Exception {
        return ok("export", "in-toto", "--store", "store", "-p", "hello", "-b", "main", "--layout", layout,
                "--root", "root.pub", "--out", out);
    }

    record Verify(int exit, String output) {
    }

    Verify inTotoVerify(String export) throws Exception {
        return inTotoVerify(dir.resolve(export));
    }

    /** The command export prints, run as printed (cd into files/, links and layout one level up). */
    static Verify inTotoVerify(Path export) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("in-toto-verify", "--layout", "../root.layout", "--layout-keys",
                "../layout-key.pub", "--key-types", "ed25519", "--link-dir", "..")
                .directory(export.resolve("files").toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("in-toto-verify finishes").isTrue();
        return new Verify(process.exitValue(), output);
    }

    List<String> links(String export) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(export))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".link")).sorted().toList();
        }
    }

    @Test
    void inTotoVerifyAcceptsTheExportAndRefusesEveryTamperingForItsReason() throws Exception {
        assertThat(layout("hello.layout", Instant.now().plusSeconds(86400)).exit()).isZero();
        Cli.Result exported = export("hello.layout", "export");
        assertThat(exported.out()).contains("2 agreeing builder links (threshold 2)",
                "in-toto-verify --layout ../root.layout --layout-keys ../layout-key.pub --key-types ed25519 --link-dir ..");
        List<String> links = links("export");
        assertThat(links).hasSize(2);

        Verify accepted = inTotoVerify("export");
        assertThat(accepted.exit()).as(accepted.output()).isZero();

        // One agreeing link fewer: below the threshold.
        copy("export", "one-link");
        Files.delete(dir.resolve("one-link").resolve(links.get(0)));
        Verify fewer = inTotoVerify("one-link");
        assertThat(fewer.exit()).isEqualTo(1);
        assertThat(fewer.output()).contains("LinkNotFoundError", "Step 'build' requires '2' link metadata file(s), found '1'");

        // A file changed after export: the layout's inspection hashes the files against the links.
        copy("export", "changed");
        Files.writeString(dir.resolve("changed/files/hello-1.0.jar"), "tampered jar");
        Verify changed = inTotoVerify("changed");
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.output()).contains("BadReturnValueError", "Got non-zero return value '1'", "python3");

        // A file added after export is as bad.
        copy("export", "added");
        Files.writeString(dir.resolve("added/files/extra.sh"), "echo hi");
        assertThat(inTotoVerify("added").exit()).isEqualTo(1);

        // A link signed by an untrusted key (d built the same files) in place of a's.
        copy("export", "untrusted");
        String aLink = "build." + prefixOf("a") + ".link";
        Files.copy(dir.resolve("d/req.link"), dir.resolve("untrusted").resolve(aLink),
                StandardCopyOption.REPLACE_EXISTING);
        Verify untrusted = inTotoVerify("untrusted");
        assertThat(untrusted.exit()).isEqualTo(1);
        assertThat(untrusted.output()).contains("ThresholdVerificationError",
                "Step 'build' requires at least '2' links validly signed by different authorized functionaries. "
                        + "Only found '1'");

        // The same root's layout of another branch, with the same builders and files, refuses this branch's release.
        assertThat(layout("other.layout", Instant.now().plusSeconds(86400), "other").exit()).isZero();
        copy("export", "other-branch");
        Files.copy(dir.resolve("other.layout"), dir.resolve("other-branch/root.layout"), StandardCopyOption.REPLACE_EXISTING);
        Verify otherBranch = inTotoVerify("other-branch");
        assertThat(otherBranch.exit()).isEqualTo(1);
        assertThat(otherBranch.output()).contains("RuleVerificationError", "'REQUIRE hello/other' did not find hello/other");

        // The dissenting builder c is trusted, but its link does not name these files: it cannot stand in.
        copy("export", "dissent");
        Files.copy(dir.resolve("c/req.link"), dir.resolve("dissent").resolve("build." + prefixOf("c") + ".link"));
        Files.delete(dir.resolve("dissent").resolve(aLink));
        Verify dissent = inTotoVerify("dissent");
        assertThat(dissent.exit()).isEqualTo(1);
        assertThat(dissent.output()).contains("ThresholdVerificationError", "have different artifacts!");
    }

    @Test
    void anExpiredLayoutIsRefused() throws Exception {
        Instant expires = Instant.now().plusSeconds(10); // export refuses a layout already expired: room for two JVM starts
        assertThat(layout("short.layout", expires).exit()).isZero();
        export("short.layout", "short");
        while (!Instant.now().isAfter(expires.plusSeconds(1))) {
            Thread.sleep(200);
        }
        Verify expired = inTotoVerify("short");
        assertThat(expired.exit()).isEqualTo(1);
        assertThat(expired.output()).contains("LayoutExpiredError", "Layout expired");
        // Exporting with it now is refused up front, with the reason.
        Cli.Result late = Cli.run(dir, "export", "in-toto", "--store", "store", "-p", "hello", "-b", "main", "--layout",
                "short.layout", "--root", "root.pub", "--out", "late");
        assertThat(late.exit()).isEqualTo(1);
        assertThat(late.err()).contains("layout: expired at ");
        assertThat(dir.resolve("late")).doesNotExist();
        // And the owner's command never signs one already past.
        Cli.Result past = layout("past.layout", Instant.now().minusSeconds(60));
        assertThat(past.exit()).isEqualTo(1);
        assertThat(past.err()).contains("already past");
    }

    @Test
    void theProvenanceVerifiesWithLibsodiumAndNamesTheManifestsDigests() throws Exception {
        assertThat(layout("slsa.layout", Instant.now().plusSeconds(86400)).exit()).isZero();
        export("slsa.layout", "slsa");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
                Path.of(getClass().getResource("/dsse_verify.py").toURI()).toString(), "slsa/root.layout"));
        try (Stream<Path> files = Files.list(dir.resolve("slsa"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".provenance.json")).sorted()
                    .forEach(n -> command.add("slsa/" + n));
        }
        assertThat(command).hasSize(5);
        Process python = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        List<String> lines = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(python.waitFor()).as("python3-nacl missing? %s", lines).isZero();

        Manifest manifest = Manifest.parse(Files.readAllBytes(dir.resolve("a/manifest.json")), "a");
        Map<String, String> sha384 = new TreeMap<>();
        manifest.files().forEach((name, digest) -> sha384.put(name, HexFormat.of().formatHex(digest.bytes())));
        assertThat(lines).hasSize(2);
        List<String> builders = new ArrayList<>();
        for (String line : lines) {
            JsonNode statement = Json.MAPPER.readTree(line);
            assertThat(statement.path("type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
            assertThat(statement.path("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
            assertThat(statement.path("buildType").asText()).isEqualTo("urn:buildchain:build-type:quorum-release:v1");
            assertThat(statement.path("revision").asText()).isEqualTo(REVISION);
            Map<String, String> subjects = new TreeMap<>();
            statement.path("subjects").fields().forEachRemaining(s -> subjects.put(s.getKey(), s.getValue().path("sha384").asText()));
            assertThat(subjects).isEqualTo(sha384);
            // SLSA tools match subjects by sha256: each must be the exported file's.
            for (String name : sha384.keySet()) {
                assertThat(statement.path("subjects").path(name).path("sha256").asText()).as(name).isEqualTo(
                        HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
                                Files.readAllBytes(dir.resolve("slsa/files").resolve(name)))));
            }
            builders.add(statement.path("builder").asText());
        }
        assertThat(builders).containsExactlyInAnyOrder("urn:buildchain:builder:ed25519:" + keys.get("a"),
                "urn:buildchain:builder:ed25519:" + keys.get("b"));

        // One byte of a payload changed: libsodium refuses the envelope.
        Path envelope = dir.resolve(command.get(3));
        JsonNode json = Json.MAPPER.readTree(envelope.toFile());
        byte[] payload = java.util.Base64.getDecoder().decode(json.path("payload").asText());
        payload[payload.length - 2] ^= 1;
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("payload", java.util.Base64.getEncoder().encodeToString(payload));
        Files.write(envelope, Json.MAPPER.writeValueAsBytes(json));
        Process bad = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor()).isEqualTo(1);
        assertThat(output).contains("bad signature");
    }

    @Test
    void submittedBuildsCarryTheirAttestationsIntoTheStoreAndServeHandsThemOut() throws Exception {
        Process server = Cli.builder(dir, Map.of(), "serve", "--store", "remote", "--bind", "127.0.0.1:0",
                "--accept-submissions", "--trust", "trusted").redirectError(dir.resolve("serve.log").toFile()).start();
        try {
            String url = address(server);
            for (String node : List.of("a", "b", "c")) {
                ok("submit", "--url", url, "-p", "hello", "-b", "main", "--manifest", node + "/manifest.json",
                        "--request", node + "/req", "--artifacts", node + "/dist");
            }
            Cli.Result published = ok("publish", "--store", "remote", "-p", "hello", "-b", "main", "--quorum", "2",
                    "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "remote-signer",
                    "--from-submissions");
            assertThat(published.err()).contains("in-toto: ").doesNotContain("left out");

            String manifest = Manifest.parse(Files.readAllBytes(dir.resolve("a/manifest.json")), "a").digest().base32();
            HttpResponse<byte[]> link = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                    + "release/" + manifest + "/in-toto/build." + prefixOf("a") + ".link")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(link.statusCode()).isEqualTo(200);
            assertThat(link.body()).isEqualTo(Files.readAllBytes(dir.resolve("a/req.link")));
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(layout("remote.layout", Instant.now().plusSeconds(86400)).exit()).isZero();
        ok("export", "in-toto", "--store", "remote", "-p", "hello", "-b", "main", "--layout", "remote.layout",
                "--root", "root.pub", "--out", "remote-export");
        Verify accepted = inTotoVerify("remote-export");
        assertThat(accepted.exit()).as(accepted.output()).isZero();
    }

    /** The address {@code serve} prints on its first line. */
    static String address(Process server) throws Exception {
        String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
        assertThat(m.find()).as("serve printed its address: %s", line).isTrue();
        return m.group(1);
    }

    static String get(String url) throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(url).isEqualTo(200);
        return page.body();
    }

    /**
     * The owner's layout put beside the links in the store: a real serve hands out layout, links and files, the
     * release page links them and shows the commands, and those commands, run as shown, end in in-toto-verify
     * accepting the release.
     */
    @Test
    void theReleasePageLinksWhatServeHandsOutAndItsCommandsVerifyWithInToto() throws Exception {
        assertThat(layout("served.layout", Instant.now().plusSeconds(86400)).exit()).isZero();
        assertThat(layout("served-other.layout", Instant.now().plusSeconds(86400), "other").exit()).isZero();
        Cli.Result wrongBranch = Cli.run(dir, "export", "in-toto", "--store", "store", "-p", "hello", "-b", "main",
                "--layout", "served-other.layout", "--root", "root.pub", "--to-store");
        assertThat(wrongBranch.exit()).isEqualTo(1);
        assertThat(wrongBranch.err()).contains("requires hello/other, not hello/main");
        Cli.Result neither = Cli.run(dir, "export", "in-toto", "--store", "store", "-p", "hello", "-b", "main",
                "--layout", "served.layout", "--root", "root.pub");
        assertThat(neither.err()).contains("give --out DIR or --to-store");

        Process server = Cli.builder(dir, Map.of(), "serve", "--store", "store", "--bind", "127.0.0.1:0")
                .redirectError(dir.resolve("serve-release.log").toFile()).start();
        try {
            String url = address(server);
            String manifest = Manifest.parse(Files.readAllBytes(dir.resolve("a/manifest.json")), "a").digest().base32();
            String inTotoDir = "/release/" + manifest + "/in-toto/";
            // Before the layout is stored the page links the links and provenance, but shows no in-toto command.
            String before = get(url + "chain/hello/main/release/1.0");
            assertThat(before).contains(inTotoDir + "build." + prefixOf("a") + ".link",
                    inTotoDir + "build." + prefixOf("b") + ".provenance.json").doesNotContain("in-toto-verify");

            Cli.Result stored = ok("export", "in-toto", "--store", "store", "-p", "hello", "-b", "main", "--layout",
                    "served.layout", "--root", "root.pub", "--to-store");
            assertThat(stored.out()).contains("layout stored for hello/main version 1.0",
                    "2 agreeing builder links (threshold 2)");
            String page = get(url + "chain/hello/main/release/1.0");
            assertThat(page).contains(inTotoDir + "root.layout\"", inTotoDir + "layout-key.pub\"",
                    inTotoDir + "build." + prefixOf("a") + ".link\"", inTotoDir + "build." + prefixOf("b") + ".link\"")
                    .doesNotContain(prefixOf("c"));
            assertThat(get(url + inTotoDir.substring(1) + "root.layout"))
                    .isEqualTo(Files.readString(dir.resolve("served.layout")));
            // The user's side: only sh, coreutils, curl and in-toto, in a directory with the root key they pin.
            Verify accepted = runPageCommands(page, "user");
            assertThat(accepted.exit()).as(accepted.output()).isZero();
            assertThat(dir.resolve("user/hello-1.0-in-toto/files/docs/naïve \"quoted\" name.txt")).hasContent("text\n");
            assertThat(Json.MAPPER.readTree(dir.resolve("user/hello-1.0-in-toto/layout-key.pub").toFile()))
                    .isEqualTo(Json.MAPPER.readTree(get(url + inTotoDir.substring(1) + "layout-key.pub")));

            // A file served changed under the user (a mirror's): the same verifier refuses it.
            Files.writeString(dir.resolve("user/hello-1.0-in-toto/files/hello-1.0.jar"), "a mirror's jar");
            Verify refused = inTotoVerify("user/hello-1.0-in-toto");
            assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
            assertThat(refused.output()).contains("BadReturnValueError");

            // A mirror serving its own root's layout and key (here: the same tool, its own root key) is refused by
            // the page's commands: they make layout-key.pub from the user's root.pub, not from what is served.
            ok("root", "init", "--out", "mirror-root.key", "--pub-out", "mirror-root.pub");
            ok("root", "in-toto-layout", "--root-key", "mirror-root.key", "--trust", "trusted", "-p", "hello", "-b",
                    "main", "--quorum", "2", "--product", "hello-*.jar", "--product", "docs/*", "--product",
                    ".buildchain/release.json", "--expires", Instant.now().plusSeconds(86400).toString(), "--out",
                    "mirror.layout");
            ok("export", "in-toto", "--store", "store", "-p", "hello", "-b", "main", "--layout", "mirror.layout",
                    "--root", "mirror-root.pub", "--to-store");
            Verify mirrored = runPageCommands(get(url + "chain/hello/main/release/1.0"), "user-of-mirror");
            assertThat(mirrored.exit()).as(mirrored.output()).isNotZero();
            assertThat(mirrored.output()).contains("SignatureVerificationError");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Runs the in-toto commands of a release page with sh -e in a new directory {@code user} holding root.pub. */
    static Verify runPageCommands(String page, String user) throws Exception {
        Matcher pre = Pattern.compile("<section class=\"in-toto\">.*?<pre>(.*?)</pre>", Pattern.DOTALL).matcher(page);
        assertThat(pre.find()).as(page).isTrue();
        String commands = pre.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
        Path home = Files.createDirectories(dir.resolve(user));
        Files.copy(dir.resolve("root.pub"), home.resolve("root.pub"));
        Process sh = new ProcessBuilder("sh", "-e", "-c", commands).directory(home.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(120, TimeUnit.SECONDS)).as("the page's commands finish").isTrue();
        return new Verify(sh.exitValue(), commands + "\n" + output);
    }

    /** in-toto's name for a builder's link: its keyid's first 8 hex digits. */
    String prefixOf(String node) {
        return new InTotoKey(PublicKey.parse(keys.get(node), node)).prefix();
    }

    void copy(String from, String to) throws Exception {
        Path source = dir.resolve(from);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path path : files.toList()) {
                Path target = dir.resolve(to).resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
