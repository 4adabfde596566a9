package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.serial.SocatPtyPair;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real signing-node process on a socat pty pair, driven by the real client commands. */
class SerialSignerIT {
    @TempDir
    Path dir;

    Cli.Result ok(String... args) throws Exception {
        return Cli.ok(dir, args);
    }

    @Test
    void signPublishVerifyThroughTheSignerProcessThenStopItWithSigterm() throws Exception {
        try (SocatPtyPair pty = SocatPtyPair.start(dir.resolve("serial"))) {
            StringBuilder trusted = new StringBuilder();
            for (String node : new String[] {"a", "b"}) {
                trusted.append(ok("keygen", "--out", node + ".key").out().trim()).append(' ').append(node).append('\n');
                Files.createDirectories(dir.resolve(node + "/dist"));
                Files.writeString(dir.resolve(node + "/dist/app"), "same bytes");
                ok("manifest", "--time", "1", "--out", node + "/manifest.json", node + "/dist");
                ok("request", "--key", node + ".key", "--state", node + "/state", "--out", node + "/req.bin",
                        node + "/manifest.json");
            }
            Files.writeString(dir.resolve("trusted"), trusted);
            Files.writeString(dir.resolve("stranger-only"), ok("keygen", "--out", "stranger.key").out());

            // The signer allows the builders and the publisher's own request key, as an operator sets it up.
            Files.writeString(dir.resolve("allowed"), trusted + ok("log-key", "--store", "store").out());
            Process signer = Cli.builder(dir, Map.of(), "signer", "--port", pty.signerEnd.toString(), "--state",
                    "signer-state", "--allow", "allowed", "--pub-out", "signer.pub", "--genesis-out", "genesis.txt")
                    .redirectError(dir.resolve("signer.log").toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(signer.getInputStream(), StandardCharsets.UTF_8));
            String keyLine = out.readLine();
            assertThat(keyLine).startsWith("signer public key: ");
            String genesisLine = out.readLine();
            assertThat(genesisLine).startsWith("genesis: ");
            String pub = keyLine.substring("signer public key: ".length());
            // Scripts read the files, written before the lines are printed, instead of scraping them.
            assertThat(dir.resolve("signer.pub")).hasContent(pub);
            assertThat(dir.resolve("genesis.txt")).hasContent(genesisLine.substring("genesis: ".length()));

            String port = pty.clientEnd.toString();
            Cli.Result signed = ok("sign", "--port", port, "--expect-key", "signer.pub", "--out", "block.bin", "a/req.bin");
            assertThat(signed.out()).startsWith("received block 1 ");
            ok("request", "--key", "b.key", "--state", "b/state", "--out", "b/req2.bin", "b/manifest.json");
            Cli.Result published = ok("publish", "--store", "store", "-p", "p", "-b", "main", "--quorum", "2", "--trust",
                    "trusted", "--port", port, "--expect-key", pub, "a/manifest.json:a/req.bin:a/dist",
                    "b/manifest.json:b/req2.bin");
            // The publisher asks with its own request first (block 2), then sends the first agreeing request,
            // a/req.bin: the node answers a request it signed before with its block, block 1.
            assertThat(published.out()).contains("published p/main: block 1");
            ok("verify", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "p", "-b", "main", "--no-last-seen");

            Cli.Result wrongKey = Cli.run(dir, "sign", "--port", port, "--expect-key",
                    ok("keygen", "--out", "not-the-signer.key").out().trim(), "--out", "x", "a/req.bin");
            assertThat(wrongKey.exit()).isEqualTo(1);
            assertThat(wrongKey.errLines()).last().asString().contains("but the pinned key is");

            signer.destroy(); // SIGTERM
            assertThat(signer.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(signer.exitValue()).isZero();
            String log = Files.readString(dir.resolve("signer.log"));
            assertThat(log).contains("signed block 1: builder", "repeated block 1 for the same request", "stopped: 3 signed");
            assertThat(ok("signer-audit", "--state", "signer-state", "--key", pub).out())
                    .contains("3 block(s), counters 1..3 continuous");
        }
    }

    @Test
    void withoutSocatQuickstartSaysSoAndSignsInProcess() throws Exception {
        // An empty PATH hides socat; java itself is started by its absolute path.
        Path emptyPath = Files.createDirectories(dir.resolve("empty-path"));
        Cli.Result result = Cli.run(dir, Map.of("PATH", emptyPath.toString()), "quickstart", "--dir", "qs");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("socat is not installed", "runs in-process instead of on a serial line",
                "[verify] verified hello/main", "[signer-audit] audit chain of").doesNotContain("socat pty pair");
    }

    @Test
    void quickstartRunsItsSignerOnASerialLine() throws Exception {
        Cli.Result result = ok("quickstart", "--dir", "qs");
        assertThat(result.out()).contains("'buildchain signer' process on a socat pty pair", "[verify] verified hello/main",
                "quorum: 3 of your 4 trusted builders", "[signer-audit] audit chain of", "3 block(s), counters 1..3",
                "[diff]   * entry modes builder-a 0644 vs builder-d 0664", "different umask",
                "SOURCE_DATE_EPOCH is not honoured");
        assertThat(Files.readString(dir.resolve("qs/signer/signer.log"))).contains("stopped: 3 signed");
        // A second run replaces its own directory.
        ok("quickstart", "--dir", "qs");
        Files.createDirectories(dir.resolve("precious"));
        Files.writeString(dir.resolve("precious/data"), "keep me");
        Cli.Result refused = Cli.run(dir, "quickstart", "--dir", "precious");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("was not made by quickstart");
        assertThat(dir.resolve("precious/data")).hasContent("keep me");
    }
}
