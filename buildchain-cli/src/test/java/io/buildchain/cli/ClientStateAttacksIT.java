package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.root.RootStatement;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.StoreReader;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26, "a mirror can wind a client back": each numbered case through the real jar, the client reading the
 * store directory and, with a state of its own, a real {@code serve} of the same directory over loopback HTTP.
 * The publisher and builders are the real CLI; a mirror's lies are edits of a copy of the store.
 */
class ClientStateAttacksIT {
    @TempDir
    Path dir;

    TwoBuilders builders;
    final List<Process> servers = new ArrayList<>();

    @BeforeEach
    void builders() throws Exception {
        builders = new TwoBuilders(dir);
    }

    @AfterEach
    void stopServers() throws Exception {
        for (Process server : servers) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The two ways a client reads a store; each keeps its own client state file. */
    enum Transport {
        DIRECTORY, HTTP
    }

    /** A release of {@code project}/{@code branch} built by both builders, published with {@code signer}. */
    Cli.Result publish(String store, String project, String branch, String version, List<String> signer,
            String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("publish", "--store", store, "-p", project, "-b", branch,
                "--quorum", "2", "--trust", "trusted"));
        args.addAll(signer);
        args.addAll(List.of(extra));
        args.addAll(submissions(project, branch, version));
        return Cli.ok(dir, args.toArray(String[]::new));
    }

    /** The MANIFEST:REQUEST:DIR arguments of a release, built once (a second call gives the same build). */
    List<String> submissions(String project, String branch, String version) throws Exception {
        String name = project + "-" + branch + "-" + version;
        if (Files.isDirectory(dir.resolve("rounds").resolve(name))) {
            return List.of("rounds/" + name + "/a/manifest.json:rounds/" + name + "/a/req.bin:rounds/" + name + "/a/dist",
                    "rounds/" + name + "/b/manifest.json:rounds/" + name + "/b/req.bin:rounds/" + name + "/b/dist");
        }
        return builders.build(name, Map.of("app", ("release " + version).getBytes(StandardCharsets.UTF_8)),
                "--release-version", version, "--project", project, "--branch", branch);
    }

    List<String> signer(String name) throws Exception {
        if (!Files.exists(dir.resolve(name + ".key"))) {
            Cli.ok(dir, "keygen", "--out", name + ".key", "--pub-out", name + ".pub");
        }
        return List.of("--signer-key", name + ".key", "--signer-state", name + "-state");
    }

    /** {@code verify} of {@code store} as the client of {@code transport}, with that client's own state. */
    Cli.Result verify(Transport transport, String store, String project, String branch, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("verify"));
        args.addAll(List.of(extra));
        args.addAll(transport == Transport.HTTP ? List.of("--url", serve(store)) : List.of("--store", store));
        args.addAll(List.of("-p", project, "-b", branch, "--last-seen", "client-" + transport + ".state"));
        return Cli.run(dir, args.toArray(String[]::new));
    }

    static void accepted(Cli.Result result) {
        assertThat(result.exit()).as("stdout: %s%nstderr: %s", result.out(), result.err()).isZero();
    }

    /** Refused with exit 1 and one line that starts with the cause's words. */
    static void refused(Cli.Result result, String cause) {
        assertThat(result.exit()).as("stdout: %s%nstderr: %s", result.out(), result.err()).isEqualTo(1);
        assertThat(result.errLines()).as(result.err()).hasSize(1).first().asString()
                .startsWith("buildchain verify: " + cause);
    }

    /** A real {@code serve} of {@code store} on loopback; its URL. */
    String serve(String store) throws Exception {
        Process server = Cli.builder(dir, Map.of(), "serve", "--store", store, "--bind", "127.0.0.1:0")
                .redirectError(dir.resolve("serve-" + servers.size() + ".log").toFile()).start();
        servers.add(server);
        String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
        assertThat(m.find()).as("serve printed its address: %s", line).isTrue();
        return m.group(1);
    }

    /** A mirror: a copy of {@code store} (symlinks kept as links) that the test then edits. */
    String mirror(String store, String name) throws Exception {
        Path from = dir.resolve(store);
        Path to = dir.resolve(name);
        if (Files.exists(to)) {
            deleteTree(to);
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isSymbolicLink(file)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                    target.toFile().setWritable(true);
                }
            }
        }
        return name;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                file.toFile().setWritable(true);
                Files.delete(file);
            }
        }
    }

    /** Versions 1.0 and 2.0 of p/main, verified by both clients (pinning signer.pub) with {@code options}. */
    List<String> twoReleasesVerified(String... options) throws Exception {
        List<String> s = signer("signer");
        publish("store", "p", "main", "1.0", s);
        publish("store", "p", "main", "2.0", s);
        List<String> args = new ArrayList<>(List.of("--key", "signer.pub"));
        args.addAll(List.of(options));
        for (Transport t : Transport.values()) {
            Cli.Result result = verify(t, "store", "p", "main", args.toArray(String[]::new));
            accepted(result);
            assertThat(result.out()).contains("release: version 2.0");
        }
        return s;
    }

    Block previous(Block block) throws Exception {
        return Block.decode(Files.readAllBytes(dir.resolve("store/block")
                .resolve(io.buildchain.core.encoding.Base32.encode(block.previous()))), "block");
    }

    Block tail(String store, String project, String branch) throws Exception {
        return Store.open(dir.resolve(store)).tail(project, branch).orElseThrow();
    }

    // 1. A hidden revocation: the mirror drops the revocation and shows the next certificate, so the count stays.
    @Test
    void case1HiddenRevocationIsRefused() throws Exception {
        List<String> s1 = signer("s1");
        publish("store", "p", "b0", "1.0", s1);
        Cli.ok(dir, "root", "init", "--out", "root.key", "--pub-out", "root.pub");
        Cli.ok(dir, "root", "certify", "--root-key", "root.key", "--signer", "s1.pub", "--store", "store", "--out", "s1.cert");
        Cli.ok(dir, "root", "add", "--store", "store", "s1.cert");
        publish("store", "p", "main", "6.6.6", s1);
        Block stolen = tail("store", "p", "main");
        assertThat(stolen.counter()).isEqualTo(3);
        Cli.ok(dir, "root", "revoke", "--root-key", "root.key", "--signer", "s1.pub", "--from",
                stolen.signatureBase32(), "--store", "store", "--out", "s1.revoke");
        Cli.ok(dir, "root", "add", "--store", "store", "s1.revoke");
        for (Transport t : Transport.values()) {
            accepted(verify(t, "store", "p", "b0", "--root", "root.pub"));
            refused(verify(t, "store", "p", "main", "--root", "root.pub"), "revoked: ");
        }
        // A signer restart: the root certifies the next key.
        signer("s2");
        Cli.ok(dir, "root", "certify", "--root-key", "root.key", "--signer", "s2.pub", "--store", "store", "--out", "s2.cert");
        Cli.ok(dir, "root", "add", "--store", "store", "s2.cert");

        String mirror = mirror("store", "mirror1");
        List<RootStatement> shown = new ArrayList<>();
        for (RootStatement statement : RootStatements.read(StoreReader.of(dir.resolve(mirror)))) {
            if (statement instanceof SignerCertificate) {
                shown.add(statement);
            }
        }
        assertThat(shown).hasSize(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (RootStatement statement : shown) {
            bytes.write(statement.encode());
        }
        Files.write(dir.resolve(mirror).resolve(RootStatements.PATH), bytes.toByteArray());
        for (Transport t : Transport.values()) {
            refused(verify(t, mirror, "p", "main", "--root", "root.pub"), "statement withheld: ");
        }
        // The real store still answers revoked; a client that never saw the revocation is the documented weakness.
        refused(verify(Transport.DIRECTORY, "store", "p", "main", "--root", "root.pub"), "revoked: ");
    }

    // 2. An old release as the newest: a publisher holding the signer deletes the evidence and re-signs v1.
    @Test
    void case2OldReleaseReSignedAsTheNewestIsRefused() throws Exception {
        List<String> s = twoReleasesVerified("--quorum", "2", "--trust", "trusted");
        // A mirror that only takes v1's evidence away: even a first-time client refuses, the publisher's note binds it.
        String thinned = mirror("store", "mirror2");
        Block v1 = previous(previous(tail("store", "p", "main"))); // v2, then the block signing v1's checkpoint
        assertThat(v1.counter()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve(thinned).resolve("log/" + v1.publicKey().base32() + "/evidence")))
                .contains(v1.signatureBase32());
        Files.delete(dir.resolve(thinned).resolve("quorum/" + v1.signatureBase32() + ".json"));
        assertThat(dir.resolve(thinned).resolve("quorum/" + v1.signatureBase32() + ".json")).doesNotExist();
        for (Transport t : Transport.values()) {
            refused(verify(t, thinned, "p", "main", "--key", "signer.pub", "--no-last-seen", "--quorum", "2", "--trust",
                    "trusted"), "evidence withheld: ");
        }
        try (Stream<Path> evidence = Files.list(dir.resolve("store/quorum"))) {
            for (Path file : evidence.toList()) {
                Files.delete(file);
            }
        }
        deleteTree(dir.resolve("store/requests"));
        // Builder b's v1 request appeared only in the deleted evidence: nothing the publisher still reads has counted it.
        List<String> replay = new ArrayList<>(List.of("publish", "--store", "store", "-p", "p", "-b", "main", "--quorum",
                "1", "--trust", "trusted", "--allow-older-source"));
        replay.addAll(s);
        replay.add(submissions("p", "main", "1.0").get(1));
        Cli.ok(dir, replay.toArray(String[]::new));
        for (Transport t : Transport.values()) {
            refused(verify(t, "store", "p", "main", "--key", "signer.pub"), "older release: the newest release of p/main is version 1.0");
            // Named on purpose, the older release is what the user asked for, but not with the evidence taken away.
            refused(verify(t, "store", "p", "main", "--key", "signer.pub", "--release", "1.0"), "evidence withheld: ");
            accepted(verify(t, "store", "p", "main", "--key", "signer.pub", "--release", "1.0", "--no-last-seen"));
        }
    }

    // 3. Deleting log/ switches off fork detection for a client that holds the log's checkpoint.
    @Test
    void case3WithheldLogIsRefused() throws Exception {
        List<String> s = twoReleasesVerified();
        publish("store", "p", "other", "1.0", s);
        Block first = tail("store", "p", "main");
        while (first.counter() > 1) {
            first = previous(first);
        }
        // The signer key signs a block at counter 2 forked off block 1, carrying the p/other release's request.
        Block release = tail("store", "p", "other");
        Block fork = Block.decode(new ChainSigner(KeyFiles.read(dir.resolve("signer.key")), first.signature(), 1)
                .sign(java.util.Arrays.copyOfRange(release.bytes(), Block.PREFIX, Block.SIZE), release.timestamp()), "fork");
        String mirror = mirror("store", "mirror3");
        Store forked = Store.open(dir.resolve(mirror));
        forked.putBlock(fork);
        forked.setTail("p", "other", fork);
        for (Transport t : Transport.values()) {
            refused(verify(t, mirror, "p", "other", "--key", "signer.pub"), "not in the log: ");
        }
        deleteTree(dir.resolve(mirror).resolve("log"));
        for (Transport t : Transport.values()) {
            refused(verify(t, mirror, "p", "other", "--key", "signer.pub"), "log withheld: the store shows no log of signer ");
        }
    }

    // 4. A freeze: the age is printed, --max-age refuses an old store, and `checkpoint` keeps it fresh.
    @Test
    void case4FrozenStoreIsRefusedWithMaxAgeAndRefreshedByCheckpoint() throws Exception {
        List<String> s = signer("signer");
        publish("store", "p", "main", "1.0", s);
        for (Transport t : Transport.values()) {
            Cli.Result result = verify(t, "store", "p", "main", "--key", "signer.pub");
            accepted(result);
            assertThat(result.out()).containsPattern("age: newest log checkpoint \\(counter 2\\) was signed \\d+s ago");
        }
        Thread.sleep(2_200);
        for (Transport t : Transport.values()) {
            refused(verify(t, "store", "p", "main", "--key", "signer.pub", "--max-age", "2s"), "freeze: the store's newest log checkpoint");
        }
        assertThat(Cli.ok(dir, "checkpoint", "--store", "store", "--signer-key", "signer.key", "--signer-state",
                "signer-state").out()).startsWith("checkpoint of 2 blocks signed by block counter 3");
        for (Transport t : Transport.values()) {
            accepted(verify(t, "store", "p", "main", "--key", "signer.pub", "--max-age", "90s"));
        }
        Cli.Result bad = verify(Transport.DIRECTORY, "store", "p", "main", "--key", "signer.pub", "--max-age", "7 days");
        assertThat(bad.err()).contains("--max-age \"7 days\": expected a number and a unit");
    }

    // 5. One root, two stores: verifying store B after store A is no rollback.
    @Test
    void case5TwoStoresUnderOneRootKeepTheirOwnState() throws Exception {
        Cli.ok(dir, "root", "init", "--out", "root.key", "--pub-out", "root.pub");
        for (String store : List.of("storeA", "storeB")) {
            List<String> s = signer("signer-" + store);
            publish(store, "p", "main", "1.0", s);
            Cli.ok(dir, "root", "certify", "--root-key", "root.key", "--signer", "signer-" + store + ".pub", "--store",
                    store, "--out", store + ".cert");
            Cli.ok(dir, "root", "add", "--store", store, store + ".cert");
        }
        for (Transport t : Transport.values()) {
            accepted(verify(t, "storeA", "p", "main", "--root", "root.pub"));
            accepted(verify(t, "storeB", "p", "main", "--root", "root.pub"));
            accepted(verify(t, "storeA", "p", "main", "--root", "root.pub"));
        }
    }

    // 6. A release without a record, served under another branch, is refused unless the user opts out.
    @Test
    void case6UnboundReleaseIsRefusedByDefault() throws Exception {
        builders.publish("p", "b0", Map.of("app", "b0"));
        Files.move(dir.resolve("store"), dir.resolve("original"));
        String mirror = mirror("original", "mirror6");
        Store.open(dir.resolve(mirror)).setTail("p", "b1", tail(mirror, "p", "main"));
        for (Transport t : Transport.values()) {
            refused(verify(t, mirror, "p", "b1", "--key", "signer.pub"), "unbound release: block ");
            refused(verify(t, "original", "p", "main", "--key", "signer.pub"), "unbound release: block ");
            accepted(verify(t, "original", "p", "main", "--key", "signer.pub", "--allow-unbound-release"));
            // Opted out, the evidence still names the branch the release was published for.
            refused(verify(t, mirror, "p", "b1", "--key", "signer.pub", "--allow-unbound-release"), "wrong release: ");
        }
    }
}
