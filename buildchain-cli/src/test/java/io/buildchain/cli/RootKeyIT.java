package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.serial.SocatPtyPair;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root-key ceremony through the real jar: signers restarted between releases, certified, verified with --root. */
class RootKeyIT {
    @TempDir
    Path dir;

    int release;

    Cli.Result ok(String... args) throws Exception {
        return Cli.ok(dir, args);
    }

    /** A refusal: exit 1 and exactly one stderr line, no usage text, starting with the cause. */
    Cli.Result refused(String cause, String... args) throws Exception {
        Cli.Result result = Cli.run(dir, args);
        assertThat(result.exit()).as("buildchain %s%nstdout: %s%nstderr: %s", String.join(" ", args), result.out(),
                result.err()).isEqualTo(1);
        assertThat(result.errLines()).as(result.err()).hasSize(1).first().asString()
                .startsWith("buildchain " + (args[0].equals("root") ? "root " + args[1] : args[0]) + ": " + cause);
        assertThat(result.err()).doesNotContain("Usage:");
        return result;
    }

    @BeforeEach
    void builders() throws Exception {
        StringBuilder trusted = new StringBuilder();
        for (String node : new String[] {"a", "b"}) {
            trusted.append(ok("keygen", "--out", node + ".key").out().trim()).append(' ').append(node).append('\n');
        }
        Files.writeString(dir.resolve("trusted"), trusted);
    }

    /** Both builders build the next release; returns its MANIFEST:REQUEST:DIR arguments. */
    List<String> nextRelease() throws Exception {
        release++;
        List<String> submissions = new ArrayList<>();
        for (String node : new String[] {"a", "b"}) {
            String base = node + "/r" + release;
            Files.createDirectories(dir.resolve(base + "/dist"));
            Files.writeString(dir.resolve(base + "/dist/app"), "release " + release);
            ok("manifest", "--time", "1700000000", "--out", base + "/manifest.json", base + "/dist");
            ok("request", "--key", node + ".key", "--state", node + "/state", "--out", base + "/req.bin",
                    base + "/manifest.json");
            submissions.add(base + "/manifest.json:" + base + "/req.bin:" + base + "/dist");
        }
        return submissions;
    }

    String[] publishArgs(List<String> signer) throws Exception {
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", "p", "-b", "main", "--quorum",
                "2", "--trust", "trusted"));
        args.addAll(signer);
        args.addAll(nextRelease());
        return args.toArray(String[]::new);
    }

    List<String> softwareSigner(String name) throws Exception {
        ok("keygen", "--out", name + ".key", "--pub-out", name + ".pub");
        return List.of("--signer-key", name + ".key", "--signer-state", name + "-state");
    }

    void certifyAndAdd(String signerPub, String cert) throws Exception {
        ok("root", "certify", "--root-key", "root.key", "--signer", signerPub, "--store", "store", "--out", cert);
        assertThat(ok("root", "add", "--store", "store", cert).out()).startsWith("added certificate for signer");
    }

    String pub(String file) throws Exception {
        return Files.readString(dir.resolve(file)).trim();
    }

    @Test
    void softwareSignerRestartedTwiceIsRefusedUntilCertifiedThenVerifiesWithTheRoot() throws Exception {
        List<String> first = softwareSigner("s1");
        ok(publishArgs(first));
        ok(publishArgs(first));
        String tailBefore = Files.readSymbolicLink(dir.resolve("store/tail/p/main")).toString();
        Path oldTail = dir.resolve("store/tail/p/main").toRealPath();

        List<String> second = softwareSigner("s2"); // a restart: new key, fresh state
        Cli.Result refusal = refused("signer key changed: the signer now signs with " + pub("s2.pub"), publishArgs(second));
        assertThat(refusal.err()).contains("buildchain root init --out ROOT_KEY --pub-out ROOT_PUB",
                "buildchain root certify --root-key ROOT_KEY --signer " + pub("s1.pub") + " --store ",
                "buildchain root certify --root-key ROOT_KEY --signer " + pub("s2.pub") + " --store ",
                "buildchain root add --store ");
        assertThat(Files.readSymbolicLink(dir.resolve("store/tail/p/main")).toString()).isEqualTo(tailBefore);
        ok("verify", "--allow-unbound-release", "--key", "s1.pub", "--store", "store", "-p", "p", "-b", "main", "--no-last-seen");

        assertThat(ok("root", "init", "--out", "root.key", "--pub-out", "root.pub").out().trim()).isEqualTo(pub("root.pub"));
        refused("root.key: a key already exists there", "root", "init", "--out", "root.key");
        certifyAndAdd("s1.pub", "s1.cert");
        certifyAndAdd("s2.pub", "s2.cert");
        assertThat(ok("root", "add", "--store", "store", "s2.cert").out()).startsWith("already in the store");
        ok(publishArgs(second));
        assertThat(ok("verify", "--allow-unbound-release", "--root", "root.pub", "--store", "store", "-p", "p", "-b", "main", "--last-seen", "seen")
                .out()).contains("key #2 of 2 certified by root " + pub("root.pub"),
                        "1 block(s) back to the signer's genesis");
        // Issue 23: the old, succeeded key is no replay of anything; the refusal says what it is.
        refused("succeeded: signer " + pub("s1.pub") + " was succeeded by " + pub("s2.pub"), publishArgs(first));

        List<String> third = softwareSigner("s3");
        refused("signer key changed: ", publishArgs(third));
        certifyAndAdd("s3.pub", "s3.cert");
        ok(publishArgs(third));
        assertThat(ok("verify", "--allow-unbound-release", "--root", "root.pub", "--store", "store", "-p", "p", "-b", "main", "--last-seen", "seen")
                .out()).contains("key #3 of 3", "1 block(s) back to the signer's genesis");
        ok("download", "--allow-unbound-release", "--root", pub("root.pub"), "--store", "store", "-p", "p", "-b", "main", "--last-seen", "seen",
                "--all", "--out", "got");
        assertThat(dir.resolve("got/app")).hasContent("release " + release);

        // Issue 23: an earlier release names the key that signed it, not the tail's (it said "key #3 of 3").
        String firstKeysBlock = Path.of(tailBefore).getFileName().toString();
        assertThat(ok("verify", "--allow-unbound-release", "--root", "root.pub", "--store", "store", "-p", "p", "-b", "main", "--last-seen", "seen",
                "--block", firstKeysBlock).out()).contains("signer " + pub("s1.pub") + " (certified key #1 of 3)",
                        "the tail's signer key #3 of 3");
        // Issue 23: a user who pins the root audits every certified key's log ("Missing required option" before).
        List<String> audited = ok("audit", "--root", "root.pub", "--store", "store", "--last-seen", "audit-seen")
                .out().lines().toList();
        assertThat(audited).hasSize(3);
        for (int key = 1; key <= 3; key++) {
            assertThat(audited.get(key - 1)).startsWith("key #" + key + " of 3: audited the log of signer "
                    + pub("s" + key + ".pub") + ": ");
        }

        // The store shows this client, who saw key #3, the first key's old tail again.
        Path tail = dir.resolve("store/tail/p/main");
        Path swapped = dir.resolve("swapped");
        Files.createSymbolicLink(swapped, dir.resolve("store").relativize(oldTail).getParent() == null ? oldTail
                : Path.of("..", "..").resolve(dir.resolve("store").relativize(oldTail)));
        Files.move(swapped, tail, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        refused("rollback: tail p/main is signed by key #1", "verify", "--allow-unbound-release", "--root", "root.pub", "--store", "store", "-p",
                "p", "-b", "main", "--last-seen", "seen");
        // Pinning the old key alone, as before any root, still verifies that old tail.
        ok("verify", "--allow-unbound-release", "--key", "s1.pub", "--store", "store", "-p", "p", "-b", "main", "--no-last-seen");
    }

    @Test
    void statementsThatAttackTheHistoryAreRefusedInOneLine() throws Exception {
        List<String> first = softwareSigner("s1");
        ok(publishArgs(first));
        ok("root", "init", "--out", "root.key", "--pub-out", "root.pub");
        ok("root", "init", "--out", "other.key", "--pub-out", "other.pub");
        certifyAndAdd("s1.pub", "s1.cert");
        softwareSigner("s2");
        Files.createDirectories(dir.resolve("empty-store"));

        ok("root", "certify", "--root-key", "other.key", "--signer", "s1.pub", "--store", "empty-store", "--out", "x.cert")
                .out();
        refused("another root: ", "root", "add", "--store", "store", "x.cert");
        refused("another root: ", "root", "certify", "--root-key", "other.key", "--signer", "s2.pub", "--store", "store",
                "--out", "y.cert");

        ok("root", "certify", "--root-key", "root.key", "--signer", "s2.pub", "--store", "store", "--out", "s2.cert");
        String cert = Files.readString(dir.resolve("s2.cert"));
        Files.writeString(dir.resolve("forged.cert"), cert.replace(pub("s2.pub"), ok("keygen", "--out", "evil.key").out().trim()));
        refused("forged: ", "root", "add", "--store", "store", "forged.cert");
        Files.writeString(dir.resolve("crlf.cert"), cert.replace("\n", "\r\n"));
        refused("crlf.cert", "root", "add", "--store", "store", "crlf.cert");
        refused("replayed: ", "root", "certify", "--root-key", "root.key", "--signer", "s1.pub", "--store", "store",
                "--out", "again.cert");
        refused("not in the store: ", "root", "revoke", "--root-key", "root.key", "--signer", "s1.pub", "--from",
                "A".repeat(102) + "Q", "--store", "store", "--out", "r.rev");
        refused("another root: ", "verify", "--allow-unbound-release", "--root", "other.pub", "--store", "store", "-p", "p", "-b", "main",
                "--no-last-seen");
    }

    @Test
    void serialSignerRestartedBetweenReleasesNeverForksTheStoreSilently() throws Exception {
        try (SocatPtyPair pty = SocatPtyPair.start(dir.resolve("serial"))) {
            List<String> viaSerial1 = List.of("--port", pty.clientEnd.toString(), "--expect-key", "node1.pub");
            Process node = startSigner(pty, "node1.pub");
            ok(publishArgs(viaSerial1));
            ok(publishArgs(viaSerial1));
            stop(node);
            String tailBefore = Files.readSymbolicLink(dir.resolve("store/tail/p/main")).toString();

            node = startSigner(pty, "node2.pub"); // the power came back: a new key
            assertThat(pub("node2.pub")).isNotEqualTo(pub("node1.pub"));
            List<String> viaSerial2 = List.of("--port", pty.clientEnd.toString(), "--expect-key", "node2.pub");
            refused("signer key changed: ", publishArgs(viaSerial2));
            assertThat(Files.readSymbolicLink(dir.resolve("store/tail/p/main")).toString()).isEqualTo(tailBefore);

            ok("root", "init", "--out", "root.key", "--pub-out", "root.pub");
            certifyAndAdd("node1.pub", "node1.cert");
            certifyAndAdd("node2.pub", "node2.cert");
            Cli.Result published = ok(publishArgs(viaSerial2));
            // Block 1 of the new key answers the publisher's own request, which learns the key before any builder's.
            assertThat(published.out()).contains("published p/main: block 2", "signer " + pub("node2.pub"));
            assertThat(ok("verify", "--allow-unbound-release", "--root", "root.pub", "--store", "store", "-p", "p", "-b", "main", "--no-last-seen")
                    .out()).contains("key #2 of 2", "counter 2, signer " + pub("node2.pub"));
            stop(node);
        }
    }

    Process startSigner(SocatPtyPair pty, String pubOut) throws Exception {
        Process signer = Cli.builder(dir, Map.of(), "signer", "--port", pty.signerEnd.toString(), "--state",
                "node-state", "--pub-out", pubOut).redirectError(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("signer.log").toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(signer.getInputStream(), StandardCharsets.UTF_8));
        String keyLine = out.readLine();
        assertThat(keyLine).startsWith("signer public key: ");
        assertThat(pub(pubOut)).isEqualTo(keyLine.substring("signer public key: ".length()));
        return signer;
    }

    void stop(Process signer) throws Exception {
        signer.destroy();
        assertThat(signer.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
}
