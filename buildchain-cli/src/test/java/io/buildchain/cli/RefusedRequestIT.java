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
 * The real signing node on a serial line refuses a request in silence, as pihsm does (here: a key not on its
 * allow-list), and a builder that lost its state (an ephemeral CI runner) restarts its request counter. Nothing
 * may wedge, and nothing needs a hand edit.
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
        String out = ok("verify", "--allow-unbound-release", "--key", pub, "--store", "store", "-p", "p", "-b", "main", "--no-last-seen").out();
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

    /** Keys for a, b and c, all trusted by the publisher; the signer allows a, b and {@code alsoAllowed}. */
    Process startSigner(SocatPtyPair pty, String... alsoAllowed) throws Exception {
        StringBuilder trusted = new StringBuilder();
        for (String node : new String[] {"a", "b", "c"}) {
            // A signer started again keeps the builders' keys.
            String key = Files.exists(dir.resolve(node + ".key")) ? ok("pubkey", node + ".key").out()
                    : ok("keygen", "--out", node + ".key").out();
            trusted.append(key.trim()).append(' ').append(node).append('\n');
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        StringBuilder allowed = new StringBuilder(trusted.substring(0, trusted.lastIndexOf("\n", trusted.length() - 2)
                + 1));
        for (String key : alsoAllowed) {
            allowed.append(key).append('\n');
        }
        Files.writeString(dir.resolve("allowed"), allowed);
        Process signer = Cli.builder(dir, Map.of(), "signer", "--port", pty.signerEnd.toString(), "--state",
                "signer-state", "--allow", "allowed").redirectError(dir.resolve("signer.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(signer.getInputStream(), StandardCharsets.UTF_8));
        pub = out.readLine().substring("signer public key: ".length());
        port = pty.clientEnd.toString();
        return signer;
    }

    void stop(Process signer) throws InterruptedException {
        signer.destroy();
        signer.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void aSilentlyRefusedRequestNeitherWedgesThePublisherNorNeedsAHandEdit() throws Exception {
        try (SocatPtyPair pty = SocatPtyPair.start(dir.resolve("serial"))) {
            // The publisher trusts a, b and c; the signing node signs for a, b and the publisher's checkpoints
            // (the key 'log-key' prints, as an operator sets it up), and is silent to c.
            String logKey = ok("log-key", "--store", "store").out().trim();
            Process signer = startSigner(pty, logKey);
            try {
                // The first publish learns the signer's key with a request of its own (block 1), then publishes.
                assertThat(publish(2, build("a", "r1"), build("b", "r1")).exit()).isZero();
                assertThat(verifiedCounter()).isEqualTo(2);

                // Each release is followed by its log checkpoint's block, and each builder request's write comes right
                // after a key probe (a new block). c's request goes first and gets silence; the key is asked again
                // (block 5) and c's request, sent once more, gets silence from a signer that just answered the
                // publisher: a refusal, said so; after one more probe (6) b's agreeing request is signed (block 7).
                Cli.Result second = publish(2, build("c", "r2"), build("b", "r2"));
                assertThat(second.exit()).as(second.err()).isZero();
                assertThat(second.err()).contains("request of c not signed: the signer refused it (it answered the "
                        + "publisher's own request just before; or it stalled, and a block it signs late is still taken)");
                assertThat(verifiedCounter()).isEqualTo(7);

                // Only c's request: nothing moves, the refusal says so and why, and nothing waits in the journal.
                Cli.Result third = publish(1, build("c", "r3"));
                assertThat(third.exit()).isEqualTo(1);
                assertThat(third.errLines()).last().asString().contains("none of the 1 agreeing requests for p/main "
                        + "was signed").contains("its counter may be stale or its key not on the signer's allow-list");
                assertThat(third.err()).doesNotContain("is it running");
                assertThat(verifiedCounter()).isEqualTo(7);
                assertThat(pendingIsEmpty()).isTrue();

                Cli.Result fourth = publish(1, build("b", "r4"));
                assertThat(fourth.exit()).as(fourth.err()).isZero();
                assertThat(verifiedCounter()).isEqualTo(12);

                // a lost its state: its restarted counter counts zero, and the refusal says how to resume.
                loseState("a");
                Cli.Result stale = publish(1, build("a", "r5"));
                assertThat(stale.exit()).isEqualTo(1);
                assertThat(stale.err()).contains("--resume-after 1");
                loseState("a");
                Cli.Result resumed = publish(1, build("a", "r6", "--resume-after", "1"));
                assertThat(resumed.exit()).as(resumed.err()).isZero();
                assertThat(verifiedCounter()).isEqualTo(15);
            } finally {
                stop(signer);
            }
        }
    }

    @Test
    void aSignerSilentToThePublishersKeySignsNoBuilderRequestAndTheMessageNamesTheKey() throws Exception {
        try (SocatPtyPair pty = SocatPtyPair.start(dir.resolve("serial"))) {
            // The operator forgot the publisher's request key in --allow: the publisher cannot learn the signer's
            // key, so it sends no builder request, and says what to add.
            Process signer = startSigner(pty);
            try {
                Cli.Result first = publish(2, build("a", "r1"), build("b", "r1"));
                assertThat(first.exit()).isEqualTo(1);
                String logKey = ok("log-key", "--store", "store").out().trim();
                assertThat(first.errLines()).last().asString().contains("no reply from the signer on " + port
                        + " after 3 tries (is it running?)").contains("must list the checkpoint request key " + logKey
                        + " (buildchain log-key --store ");
                assertThat(Files.readString(dir.resolve("signer.log"))).doesNotContain("signed block");
            } finally {
                stop(signer);
            }
            // Allowed, the next signer (a new key, on a store with no block yet) publishes the waiting release.
            signer = startSigner(pty, ok("log-key", "--store", "store").out().trim());
            try {
                Cli.Result second = publish(2, build("a", "r2"), build("b", "r2"));
                assertThat(second.exit()).as(second.err()).isZero();
                assertThat(verifiedCounter()).isGreaterThan(1);
            } finally {
                stop(signer);
            }
        }
    }
}
