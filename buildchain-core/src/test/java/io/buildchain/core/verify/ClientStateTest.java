package io.buildchain.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.root.TrustRefusal.Cause;
import io.buildchain.core.testing.Network;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client trust state's rules that need no CLI: evidence binding, concurrent updates, downloads, operators. */
class ClientStateTest {
    @TempDir
    Path dir;

    Network net;
    Publisher.Result first;
    Publisher.Result second;

    @BeforeEach
    void twoReleases() throws Exception {
        net = new Network(dir, "a", "b", "c");
        first = net.publish("r1", 2);
        second = net.publish("r2", 2);
    }

    ChainVerifier verifier() {
        return new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey());
    }

    ChainVerifier.Report verify(ClientState state) throws Exception {
        return verifier().verify("proj", "main", new ChainVerifier.Options(false, net.trusted(), 2, state));
    }

    Path evidenceOf(Publisher.Result release) throws Exception {
        Path file = net.store.evidencePath(release.block());
        file.toFile().setWritable(true);
        return file;
    }

    @Test
    void missingEvidenceOfAnEarlierReleaseIsRefusedNotReadAsEmpty() throws Exception {
        assertThat(Files.readString(LogWriter.directory(net.store, net.signerKey.publicKey()).resolve("evidence")))
                .contains(first.block().signatureBase32(), second.block().signatureBase32());
        Files.delete(evidenceOf(first));
        assertThatThrownBy(() -> verify(null)).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(Cause.EVIDENCE_WITHHELD);
            assertThat(e.getMessage()).startsWith("evidence withheld: ").contains("is missing").doesNotContain("\n");
        });
    }

    @Test
    void shortenedEvidenceIsRefused() throws Exception {
        Path file = evidenceOf(first);
        // Only the request inside the block stays: the other builders' r1 requests would no longer count as seen.
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(file.toFile());
        var submissions = (com.fasterxml.jackson.databind.node.ArrayNode) tree.get("submissions");
        assertThat(submissions.size()).isEqualTo(3);
        submissions.remove(2);
        Files.write(file, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(tree));
        assertThatThrownBy(() -> verify(null)).isInstanceOfSatisfying(TrustRefusal.class,
                e -> assertThat(e.getMessage()).startsWith("evidence withheld: ").contains("hashes to"));
    }

    @Test
    void anEvidenceNoteOnceSeenIsRequired() throws Exception {
        ClientState state = new ClientState(dir.resolve("state"));
        verify(state);
        Files.delete(LogWriter.directory(net.store, net.signerKey.publicKey()).resolve("evidence"));
        assertThatThrownBy(() -> verify(state)).isInstanceOfSatisfying(TrustRefusal.class,
                e -> assertThat(e.cause()).isEqualTo(Cause.EVIDENCE_WITHHELD));
    }

    @Test
    void aNoteNotSignedByThePublisherIsRefused() throws Exception {
        Path note = LogWriter.directory(net.store, net.signerKey.publicKey()).resolve("evidence");
        note.toFile().setWritable(true);
        String text = Files.readString(note);
        Files.writeString(note, text.replace(first.block().signatureBase32(), second.block().signatureBase32()
                .substring(0, 1) + first.block().signatureBase32().substring(1)));
        assertThatThrownBy(() -> verify(null)).isInstanceOf(VerificationException.class)
                .hasMessageContaining("not signed by the publisher's key");
    }

    @Test
    void concurrentVerifiesKeepEveryEntry() throws Exception {
        ClientState state = new ClientState(dir.resolve("state"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String branch = "b" + i;
                runs.add(pool.submit(() -> {
                    TrustedSet store = state.of("S");
                    store.acceptTail("proj", branch, second.block(), "1." + branch.substring(1), 7);
                    store.commit();
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
        TrustedSet all = state.of("S");
        for (int i = 0; i < 16; i++) {
            assertThat(all.tail(second.block().publicKey(), "proj", "b" + i)).isPresent();
        }
        assertThat(Files.readAllLines(dir.resolve("state"))).hasSize(16);
    }

    @Test
    void newerVersionsCompareNaturally() {
        assertThat(TrustedSet.compareVersions("1.10", "1.9")).isPositive();
        assertThat(TrustedSet.compareVersions("1.0", "2.0")).isNegative();
        assertThat(TrustedSet.compareVersions("6.6.6", "6.6.6")).isZero();
        assertThat(TrustedSet.compareVersions("2.0-rc1", "2.0")).isPositive();
    }

    @Test
    void agesAreParsedAndRefusedPastMaxAge() {
        assertThat(Durations.parse("90s", "--max-age")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("12h", "--max-age")).isEqualTo(Duration.ofHours(12));
        assertThat(Durations.parse("7d", "--max-age")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> Durations.parse("-1d", "--max-age")).isInstanceOf(FormatException.class);
        assertThatThrownBy(() -> Durations.parse("7", "--max-age")).isInstanceOf(FormatException.class);
        long in2015 = 1_420_070_400L;
        assertThatThrownBy(() -> TrustedSet.checkFresh(in2015, java.util.Optional.of(Duration.ofDays(7)),
                java.time.Instant.now(), "tail block was")).isInstanceOfSatisfying(TrustRefusal.class,
                e -> assertThat(e.getMessage()).startsWith("freeze: the store's tail block was signed ")
                        .contains("(2015-01-01T00:00:00Z), older than --max-age 7d"));
    }

    @Test
    void aFailedDownloadAllLeavesNothingBehind() throws Exception {
        Digest readme = second.decision().agreeing().get(0).manifest().files().get("docs/README");
        Path object = net.store.objectPath(readme).toRealPath();
        object.toFile().setWritable(true);
        Files.writeString(object, "trojan");
        ChainVerifier verifier = verifier();
        ChainVerifier.Release release = verifier.release("proj", "main");
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> new Downloader(verifier, release).downloadAll(out))
                .hasMessageContaining("sha384 mismatch");
        assertThat(out).doesNotExist();
        Files.createDirectories(out);
        assertThatThrownBy(() -> new Downloader(verifier, release).downloadAll(out))
                .hasMessageContaining("sha384 mismatch");
        try (Stream<Path> left = Files.walk(out)) {
            assertThat(left.toList()).containsExactly(out);
        }
    }

    @Test
    void operatorNamesCompareWithoutCase() {
        KeyList trusted = KeyList.parse((net.builders.get("a").publicKey() + " a operator=acme\n"
                + net.builders.get("b").publicKey() + " b operator=ACME\n"), "trusted");
        assertThat(trusted.operatorCount()).isEqualTo(1);
        assertThat(trusted.operatorId(net.builders.get("a").publicKey()))
                .isEqualTo(trusted.operatorId(net.builders.get("b").publicKey()));
    }
}
