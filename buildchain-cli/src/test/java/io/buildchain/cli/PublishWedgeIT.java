package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the real jar: release shapes, out-of-store blocks and planted links never wedge the store. */
class PublishWedgeIT {
    @TempDir
    Path dir;

    Cli.Result verify(String project) throws Exception {
        return Cli.ok(dir, "verify", "--allow-unbound-release", "--key", "signer.pub", "--store", "store", "-p", project, "-b", "main",
                "--no-last-seen");
    }

    @Test
    void aFileThatBecomesADirectoryThenAnotherProjectThenBackAgain() throws Exception {
        TwoBuilders net = new TwoBuilders(dir);
        net.publish("one", "r1", Map.of("x", "a file"));
        net.publish("one", "r2", Map.of("x/y", "now a directory"));
        net.publish("two", "r1", Map.of("x", "two's file x", "x2/y", "y"));
        net.publish("one", "r3", Map.of("x", "a file again"));
        net.publish("two", "r2", Map.of("x/y/z", "deeper"));
        assertThat(verify("one").out()).contains("counter 7,");
        assertThat(verify("two").out()).contains("counter 9,");
        assertThat(dir.resolve("store/current/one/main/artifacts/x")).hasContent("a file again");
        assertThat(dir.resolve("store/current/two/main/artifacts/x/y/z")).hasContent("deeper");
        assertThat(dir.resolve("store/artifacts/x/y/z")).hasContent("deeper");
        assertThat(dir.resolve("store/pending")).isEmptyDirectory();
    }

    @Test
    void aBlockSignedOutsideTheStoreIsRefusedByNameUntilImported() throws Exception {
        TwoBuilders net = new TwoBuilders(dir);
        net.publish("p", "r1", Map.of("app", "1"));
        // A standalone sign against the same signer: its block never enters the store.
        List<String> outside = net.build("outside", Map.of("app", "outside".getBytes()));
        String request = outside.get(0).split(":")[1];
        String signed = Cli.ok(dir, "sign", "--key", "signer.key", "--state", "signer-state", "--out", "outside.block",
                request).out();
        String signature = signed.split(" ")[3];
        Cli.Result refused = Cli.run(dir, net.publishArgs("p", net.build("r3", Map.of("app", "3".getBytes())))
                .toArray(String[]::new));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.errLines()).last().asString().startsWith("buildchain publish: block 4 ")
                .contains("is signed but not published", signature, "signer counters with no block in the store: 3",
                        "import-blocks");
        assertThat(verify("p").out()).contains("counter 1,");

        assertThat(Cli.ok(dir, "import-blocks", "--store", "store", "outside.block").out())
                .startsWith("imported 1 block(s)");
        net.publish("p", "r4", Map.of("app", "4"));
        assertThat(verify("p").out()).contains("counter 5,", "chain: block counter 5 is in the signer's log");

        // sign --store records its block as it signs: the chain stays whole.
        List<String> again = net.build("outside2", Map.of("app", "outside2".getBytes()));
        Cli.ok(dir, "sign", "--key", "signer.key", "--state", "signer-state", "--out", "outside2.block", "--store",
                "store", again.get(0).split(":")[1]);
        net.publish("p", "r6", Map.of("app", "6"));
        assertThat(verify("p").out()).contains("counter 8,", "chain: block counter 8 is in the signer's log");
    }

    @Test
    void plantedLinksAndAFifoAtTheStoresPathsAreRefused() throws Exception {
        TwoBuilders net = new TwoBuilders(dir);
        List<String> submissions = net.build("r1", Map.of("app", "1".getBytes()));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(dir.resolve("store"));
        for (String name : List.of("object", "block", "tail", "quorum", "artifacts")) {
            Files.createSymbolicLink(dir.resolve("store").resolve(name), outside);
            Cli.Result refused = Cli.run(dir, net.publishArgs("p", submissions).toArray(String[]::new));
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.errLines()).last().asString().isEqualTo("buildchain publish: "
                    + dir.resolve("store").resolve(name).toAbsolutePath() + ": is a symbolic link to " + outside
                    + ", expected " + (name.equals("artifacts") ? "a link into the store (release/DIGEST/artifacts)"
                            : "a directory") + "; refusing to work through it (remove it if you did not make it)");
            Files.delete(dir.resolve("store").resolve(name));
        }
        try (var left = Files.list(outside)) {
            assertThat(left.toList()).isEmpty();
        }
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("store/lock").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        Cli.Result fifo = Cli.run(dir, net.publishArgs("p", submissions).toArray(String[]::new));
        assertThat(fifo.exit()).isEqualTo(1);
        assertThat(fifo.errLines()).last().asString().contains("store/lock: is a special file (FIFO, socket or device)");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(60);
        Files.delete(dir.resolve("store/lock"));
        net.publish("p", "r2", Map.of("app", "2"));
        assertThat(verify("p").out()).contains("counter 1,");
    }
}
