package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole standalone flow through the real jar: keys, builds, requests, signer, publisher, end user. */
class CliRoundTripIT {
    @TempDir
    Path dir;

    Cli.Result ok(String... args) throws Exception {
        return Cli.ok(dir, args);
    }

    /** A failure: non-zero exit and a last stderr line naming the command and the reason. */
    Cli.Result fails(String expected, String... args) throws Exception {
        Cli.Result result = Cli.run(dir, args);
        assertThat(result.exit()).as("exit of buildchain %s%nstderr: %s", String.join(" ", args), result.err())
                .isEqualTo(1);
        assertThat(result.errLines()).last().asString().startsWith("buildchain " + args[0] + ": ").contains(expected);
        return result;
    }

    void build(String node, boolean reproducible) throws Exception {
        Path dist = dir.resolve(node).resolve("dist");
        Files.createDirectories(dist.resolve("lib"));
        Files.writeString(dist.resolve("app"), "#!/bin/sh\necho hello\n");
        Files.writeString(dist.resolve("lib/libhello.so"), reproducible ? "ELF..." : "ELF... built " + System.nanoTime());
        Files.writeString(dist.resolve("r\u00e9sum\u00e9.txt"), "non-ASCII names travel as UTF-8");
    }

    String keygen(String name) throws Exception {
        String pub = ok("keygen", "--out", name + ".key").out().trim();
        assertThat(pub).hasSize(52).matches("[A-Z2-7]+");
        return pub;
    }

    @BeforeEach
    void network() throws Exception {
        StringBuilder trusted = new StringBuilder("# trusted builders\n");
        for (String node : new String[] {"a", "b", "c", "d"}) {
            trusted.append(keygen(node)).append(' ').append(node).append('\n');
            build(node, !node.equals("d"));
            ok("manifest", "--time", "1700000000", "--out", node + "/manifest.json", node + "/dist");
            ok("request", "--key", node + ".key", "--state", node + "/state", "--out", node + "/req.bin",
                    node + "/manifest.json");
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        Files.writeString(dir.resolve("signer.pub"), keygen("signer") + "\n");
    }

    @Test
    void publishVerifyDownload() throws Exception {
        Cli.Result published = ok("publish", "--store", "store", "-p", "hello", "-b", "main", "--quorum", "2", "--trust",
                "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state",
                "a/manifest.json:a/req.bin:a/dist", "b/manifest.json:b/req.bin", "c/manifest.json:c/req.bin",
                "d/manifest.json:d/req.bin:d/dist");
        assertThat(published.err()).contains("quorum met: 3 distinct trusted builder(s)", "dissent");
        // The divergence fits one screen: its evidence rows are counted, and --evidence (or the stored evidence) lists them.
        assertThat(published.out()).contains("published hello/main: block 1").containsPattern("  \\d+ evidence rows? \\(all "
                + "of them: add --evidence, or read \\S*/store/quorum/[A-Z2-7]{103}\\.json\\)")
                .doesNotContain("lib/libhello.so | - | sha384 | ");
        String pub = Files.readString(dir.resolve("signer.pub")).trim();

        Cli.Result verified = ok("verify", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "hello", "-b", "main", "--quorum", "2",
                "--trust", "trusted", "--last-seen", "seen");
        assertThat(verified.out()).contains("verified hello/main", "3 checked", "3 of your 4 trusted builders");
        // The key may also be given as the file keygen/quickstart writes.
        ok("verify", "--allow-unbound-release", "--key", "signer.pub", "--store", "store", "-p", "hello", "-b", "main", "--no-last-seen");

        Cli.Result listed = ok("download", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "hello", "-b", "main", "--no-last-seen");
        assertThat(listed.out().lines()).containsExactly("app", "lib/libhello.so", "r\u00e9sum\u00e9.txt");
        ok("download", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "hello", "-b", "main", "--no-last-seen",
                "lib/libhello.so", "--out", "got.so");
        assertThat(dir.resolve("got.so")).hasSameBinaryContentAs(dir.resolve("a/dist/lib/libhello.so"));
        ok("download", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "hello", "-b", "main", "--no-last-seen", "--all",
                "--out", "everything");
        assertThat(dir.resolve("everything/r\u00e9sum\u00e9.txt")).hasSameBinaryContentAs(dir.resolve("a/dist/r\u00e9sum\u00e9.txt"));
        Cli.Result toStdout = ok("download", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "hello", "-b", "main",
                "--no-last-seen", "app", "--out", "-");
        assertThat(toStdout.rawOut()).isEqualTo(Files.readAllBytes(dir.resolve("a/dist/app")));

        fails("public key mismatch", "verify", "--allow-unbound-release", "--key", keygen("stranger"), "--store", "store", "-p", "hello", "-b", "main",
                "--no-last-seen");
        fails("no file \"nope\"", "download", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "hello", "-b", "main",
                "--no-last-seen", "nope");
        fails("nothing published", "verify", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "hello", "-b", "other",
                "--no-last-seen");
    }

    @Test
    void noQuorumPublishesNothingAndShowsTheVote() throws Exception {
        Cli.Result result = fails("quorum not met", "publish", "--store", "store", "-p", "hello", "-b", "main", "--quorum",
                "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state",
                "a/manifest.json:a/req.bin", "d/manifest.json:d/req.bin");
        assertThat(result.err()).contains("no-quorum", "a vs d: 1 file differs", "(lib/libhello.so)",
                "  1 evidence row (all of them: add --evidence)").doesNotContain("lib/libhello.so | - | sha384 | ");
        assertThat(dir.resolve("store/tail")).doesNotExist();
        fails("can never be met", "publish", "--store", "store", "--quorum", "5", "--trust", "trusted", "--signer-key",
                "signer.key", "--signer-state", "signer-state", "a/manifest.json:a/req.bin");
        fails("expected MANIFEST:REQUEST", "publish", "--store", "store", "--quorum", "1", "--trust", "trusted",
                "--signer-key", "signer.key", "--signer-state", "signer-state", "a/manifest.json");
    }

    @Test
    void softwareSignerSignsRepeatsAndRefusesReplays() throws Exception {
        Cli.Result signed = ok("sign", "--key", "signer.key", "--state", "sign-state", "--out", "block1", "a/req.bin");
        assertThat(signed.out()).startsWith("signed block 1 ");
        assertThat(dir.resolve("block1")).hasSize(400);
        assertThat(ok("sign", "--key", "signer.key", "--state", "sign-state", "--out", "again", "a/req.bin").out())
                .startsWith("repeated block 1 ");
        assertThat(dir.resolve("again")).hasSameBinaryContentAs(dir.resolve("block1"));
        ok("request", "--key", "a.key", "--state", "a/state", "--out", "a/req2.bin", "a/manifest.json");
        ok("sign", "--key", "signer.key", "--state", "sign-state", "--out", "block2", "a/req2.bin");
        ok("sign", "--key", "signer.key", "--state", "sign-state", "--out", "block3", "b/req.bin");
        fails("replayed or out-of-date request", "sign", "--key", "signer.key", "--state", "sign-state", "--out", "x",
                "a/req.bin");
        Files.writeString(dir.resolve("allow"), Files.readString(dir.resolve("trusted")).lines()
                .filter(l -> l.endsWith(" a")).findFirst().orElseThrow() + "\n");
        fails("not on the allow-list", "sign", "--key", "signer.key", "--state", "sign-state-2", "--allow", "allow",
                "--out", "x", "c/req.bin");
        Files.write(dir.resolve("short.bin"), new byte[100]);
        fails("a signing request is 224 bytes, got 100", "sign", "--key", "signer.key", "--state", "sign-state",
                "--out", "x", "short.bin");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void keysAndManifests() throws Exception {
        assertThat(ok("pubkey", "a.key").out().trim()).isEqualTo(Files.readString(dir.resolve("trusted")).lines()
                .filter(l -> l.endsWith(" a")).findFirst().orElseThrow().split(" ")[0]);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.key")))).isEqualTo("rw-------");
        fails("refusing to overwrite", "keygen", "--out", "a.key");
        Files.setPosixFilePermissions(dir.resolve("b.key"), PosixFilePermissions.fromString("rw-r--r--"));
        fails("chmod 600", "pubkey", "b.key");

        byte[] written = Files.readAllBytes(dir.resolve("a/manifest.json"));
        assertThat(ok("manifest", "--time", "1700000000", "a/dist").rawOut()).isEqualTo(written);
        assertThat(Cli.run(dir, Map.of("SOURCE_DATE_EPOCH", "1700000000"), "manifest", "a/dist").rawOut()).isEqualTo(written);
        assertThat(new String(written, StandardCharsets.UTF_8)).startsWith("{\n  \"time\": 1700000000,\n  \"files\": {\n")
                .doesNotEndWith("\n");
        fails("--time is required", "manifest", "a/dist");
        fails("missing-dir: no such file or directory", "manifest", "--time", "1", "missing-dir");
        Files.writeString(dir.resolve("bad.json"), "{\"time\": 1, \"files\": {\"../x\": \"A\"}}");
        fails("bad.json", "request", "--key", "a.key", "--state", "a/state", "--out", "r", "bad.json");
    }

    @Test
    void manifestOfFilesNamesThemByBaseName() throws Exception {
        Files.createDirectories(dir.resolve("target/classes"));
        Files.writeString(dir.resolve("target/app-1.0.jar"), "jar bytes");
        Files.writeString(dir.resolve("target/app-1.0.json"), "{}");
        Files.writeString(dir.resolve("target/classes/App.class"), "class bytes");
        Cli.Result files = ok("manifest", "--time", "5", "target/app-1.0.jar", "target/app-1.0.json");
        assertThat(files.err()).isEmpty();
        assertThat(files.out()).contains("\"app-1.0.jar\": ", "\"app-1.0.json\": ").doesNotContain("target/");
        Cli.Result globbed = ok("manifest", "--time", "5", "--include", "*.jar", "--include", "*.json", "target");
        assertThat(globbed.rawOut()).isEqualTo(files.rawOut());
        Cli.Result excluded = ok("manifest", "--time", "5", "--exclude", "classes/**", "target");
        assertThat(excluded.rawOut()).isEqualTo(files.rawOut());

        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other/app-1.0.jar"), "another jar");
        Cli.Result twice = fails("both have the base name \"app-1.0.jar\"", "manifest", "--time", "5",
                "target/app-1.0.jar", "other/app-1.0.jar");
        assertThat(twice.errLines()).last().asString().contains("target/app-1.0.jar", "other/app-1.0.jar");
        assertThat(twice.err()).doesNotContain("Usage:", "picocli");
        fails("--include and --exclude select files under one DIR", "manifest", "--time", "5", "--include", "*.jar",
                "target/app-1.0.jar");
        fails("is a directory", "manifest", "--time", "5", "target/app-1.0.jar", "target/classes");
    }

    @Test
    void manifestLoadsNoClassOfTheServerTheSerialLineOrTheSignatures() throws Exception {
        Path log = dir.resolve("classes.log");
        Cli.Result result = Cli.run(dir, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log),
                "manifest", "--time", "1", "a/dist");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(Files.readString(log)).contains("io.buildchain.core.manifest.TreeHasher")
                .doesNotContain("org.eclipse.jetty", "io.buildchain.serial", "com.fazecast", "org.bouncycastle",
                        "io.buildchain.cli.serve");
    }

    @Test
    void keygenWritesThePublicKeyForScripts() throws Exception {
        String printed = ok("keygen", "--out", "k.key", "--pub-out", "k.pub").out().trim();
        assertThat(dir.resolve("k.pub")).hasContent(printed);
        assertThat(ok("pubkey", "k.key").out().trim()).isEqualTo(printed);
    }

    @Test
    void aFailedSigningStillShowsTheVote() throws Exception {
        Cli.Result result = Cli.run(dir, "publish", "--store", "store", "-p", "hello", "-b", "main", "--quorum", "2",
                "--trust", "trusted", "--port", dir.resolve("no-such-tty").toString(), "--expect-key", "signer.pub",
                "a/manifest.json:a/req.bin:a/dist", "b/manifest.json:b/req.bin", "d/manifest.json:d/req.bin");
        assertThat(result.exit()).as(result.err()).isEqualTo(1);
        assertThat(result.err()).contains("quorum met: 2 distinct trusted builder(s)", "agree", "dissent");
        // Shown before the signer is asked anything, even the publisher's own request that learns its key.
        assertThat(result.err().indexOf("quorum met")).isLessThan(result.err().indexOf("which key it signs with"));
        assertThat(result.errLines()).last().asString().startsWith("buildchain publish: ");
        assertThat(dir.resolve("store/tail")).doesNotExist();
    }

    @Test
    void diffExplainsAndExitsLikeDiff() throws Exception {
        Cli.Result differ = Cli.run(dir, "diff", "a/manifest.json", "d/manifest.json");
        assertThat(differ.exit()).isEqualTo(1);
        assertThat(differ.out()).contains("lib/libhello.so | - | sha384 | ").doesNotContain("app |");
        assertThat(ok("diff", "a/manifest.json", "b/manifest.json").out()).startsWith("no differences");

        Cli.Result explained = Cli.run(dir, "diff", "--name-a", "a", "--name-b", "d", "--artifacts-a", "a/dist",
                "--artifacts-b", "d/dist", "a/manifest.json", "d/manifest.json");
        assertThat(explained.exit()).isEqualTo(1);
        assertThat(explained.out()).startsWith("a vs d: 1 file differs").contains("Decisive lines:",
                "lib/libhello.so (text)", "--- a lib/libhello.so", "+++ d lib/libhello.so", "-ELF...", "+ELF... built");
        Cli.Result json = Cli.run(dir, "diff", "--json", "a/manifest.json", "d/manifest.json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.out()).contains("\"causes\"", "\"rows\"", "\"aspect\" : \"sha384\"");
    }

    @Test
    void diffExitsTwoOnTroubleAndDiffoscopeNeedsTheArtifacts() throws Exception {
        Cli.Result missing = Cli.run(dir, "diff", "a/manifest.json", "nope.json");
        assertThat(missing.exit()).as("a missing file is trouble, not a difference").isEqualTo(2);
        assertThat(missing.errLines()).last().asString().isEqualTo("buildchain diff: nope.json: no such file or directory");
        Cli.Result diffoscope = Cli.run(dir, "diff", "--diffoscope", "--artifacts-a", "a/dist", "a/manifest.json",
                "d/manifest.json");
        assertThat(diffoscope.exit()).isEqualTo(2);
        assertThat(diffoscope.err()).contains("--diffoscope compares the artifacts: give --artifacts-b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"quickstart", "keygen", "pubkey", "manifest", "request", "sign", "signer", "signer-audit",
        "publish", "serve", "submit", "verify", "download", "diff", "root", "root init", "root certify", "root revoke",
        "root add"})
    void everyCommandHasHelp(String command) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Cli.Result help = ok(args.toArray(String[]::new));
        assertThat(help.out()).startsWith("Usage: buildchain " + command).contains("-h, --help");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Cli.Result result = Cli.run(dir, "verify", "--store", "x");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required argument", "(--key=SIGNER_PUB | --root=ROOT_PUB)");
        assertThat(Cli.run(dir, "frobnicate").exit()).isEqualTo(2);
        Cli.Result top = ok("--help");
        assertThat(top.out()).contains("quickstart", "publish", "verify", "download");
    }
}
