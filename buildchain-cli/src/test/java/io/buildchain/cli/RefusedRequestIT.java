package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.serial.SocatPtyPair;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A builder that lost its state (an ephemeral CI runner) restarts its request counter, and the real signing
 * node on a serial line refuses it in silence, as pihsm does. Nothing may wedge, and nothing needs a hand edit.
 */
class RefusedRequestIT {
    @TempDir
    Path dir;

    String port;
    String pub;

    Cli.Result ok(String... args) throws Exception {
        return Cli.ok(dir, args);
    }

    /** Builds release {@code name} on {@code node}: its manifest:request:dist argument. */
    String build(String node, String name, String... requestOptions) throws Exception {
        Path dist = dir.resolve(node).resolve(name);
        Files.createDirectories(dist);
        Files.writeString(dist.resolve("app"), "app " + name);
        String base = node + "/" + name;
        ok("manifest", "--time", "1", "--out", base + ".json", base);
        List<String> args = new ArrayList<>(List.of("request", "--key", node + ".key", "--state", node + "/state",
                "--out", base + ".req"));
        args.addAll(List.of(requestOptions));
        args.add(base + ".json");
        ok(args.toArray(String[]::new));
        return base + ".json:" + base + ".req:" + base;
    }

    Cli.Result publish(int quorum, String... submissions) throws Exception {
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", "p", "-b", "main", "--quorum",
                String.valueOf(quorum), "--trust", "trusted", "--port", port, "--expect-key", pub));
        args.addAll(List.of(submissions));
        return Cli.run(dir, args.toArray(String[]::new));
    }

    long verifiedCounter() throws Exception {
        String out = ok("verify", "--key", pub, "--store", "store", "-p", "p", "-b", "main", "--no-last-seen").out();
        String counter = out.substring(out.indexOf("counter ") + 8);
        return Long.parseLong(counter.substring(0, counter.indexOf(',')));
    }

    void loseState(String node) throws Exception {
        try (Stream<Path> walk = Files.walk(dir.resolve(node).resolve("state"))) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    boolean pendingIsEmpty() throws Exception {
        Path pending = dir.resolve("store/pending");
        if (!Files.exists(pending)) {
            return true;
        }
        try (Stream<Path> walk = Files.walk(pending)) {
            return walk.noneMatch(Files::isRegularFile);
        }
    }

    @Test
    void aSilentlyRefusedRequestNeitherWedgesThePublisherNorNeedsAHandEdit() throws Exception {
        try (SocatPtyPair pty = SocatPtyPair.start(dir.resolve("serial"))) {
            StringBuilder trusted = new StringBuilder();
            for (String node : new String[] {"a", "b"}) {
                trusted.append(ok("keygen", "--out", node + ".key").out().trim()).append(' ').append(node).append('\n');
            }
            Files.writeString(dir.resolve("trusted"), trusted);
            Process signer = Cli.builder(dir, Map.of(), "signer", "--port", pty.signerEnd.toString(), "--state",
                    "signer-state", "--allow", "trusted").redirectError(dir.resolve("signer.log").toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(signer.getInputStream(),
                        StandardCharsets.UTF_8));
                pub = out.readLine().substring("signer public key: ".length());
                port = pty.clientEnd.toString();

                assertThat(publish(2, build("a", "r1"), build("b", "r1")).exit()).isZero();
                assertThat(verifiedCounter()).isEqualTo(1);

                // a lost its state: its request 1 again is refused in silence; b's agreeing request is signed.
                loseState("a");
                Cli.Result second = publish(2, build("a", "r2"), build("b", "r2"));
                assertThat(second.exit()).as(second.err()).isZero();
                assertThat(second.err()).contains("request of a/r2.json not signed: stale counter: builder")
                        .contains("--resume-after 1");
                assertThat(verifiedCounter()).isEqualTo(2);

                // Only a's stale request: refused, nothing moves, and its journal stays for the next publish.
                loseState("a");
                Cli.Result third = publish(1, build("a", "r3"));
                assertThat(third.exit()).isEqualTo(1);
                assertThat(third.errLines()).last().asString().startsWith("buildchain publish: signer refused the "
                        + "request: none of the 1 agreeing requests for p/main was signed").contains("stale counter");
                assertThat(verifiedCounter()).isEqualTo(2);

                // The next normal publish abandons that journal with its reason, and publishes.
                Cli.Result fourth = publish(1, build("b", "r4"));
                assertThat(fourth.exit()).as(fourth.err()).isZero();
                assertThat(fourth.err()).contains("abandoning the interrupted release of p/main: stale counter");
                assertThat(verifiedCounter()).isEqualTo(3);
                assertThat(pendingIsEmpty()).isTrue();

                // a resumes above the counter the refusal named, and is signed again.
                loseState("a");
                Cli.Result resumed = publish(1, build("a", "r5", "--resume-after", "1"));
                assertThat(resumed.exit()).as(resumed.err()).isZero();
                assertThat(verifiedCounter()).isEqualTo(4);
            } finally {
                signer.destroy();
                signer.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
