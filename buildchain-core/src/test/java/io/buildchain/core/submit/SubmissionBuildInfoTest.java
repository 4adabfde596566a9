package io.buildchain.core.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.testing.Network;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /submit takes a builder's signed buildinfo, refuses one that is not its builder's, and counts operators once. */
class SubmissionBuildInfoTest {
    static final Map<String, String> ENV = Map.of("os", "Linux", "jdk-version", "17.0.15", "host", "a");
    @TempDir
    Path dir;
    Network net;
    SubmissionInbox inbox;

    @BeforeEach
    void setUp() throws Exception {
        net = new Network(dir, "a1", "a2", "b");
        KeyList trusted = net.trustedWithOperators(Map.of("a1", "alice", "a2", "alice"));
        inbox = new SubmissionInbox(net.store, trusted, 1 << 20);
    }

    SubmissionInbox.Accepted accept(Submission s) throws Exception {
        return inbox.accept("proj", "main", new ByteArrayInputStream(SubmissionInboxTest.pack(s)));
    }

    void refused(Submission s, String message) throws Exception {
        assertThatThrownBy(() -> accept(s)).isInstanceOfSatisfying(SubmissionRejectedException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(message);
        });
        try (Stream<Path> tmp = Files.list(net.store.root().resolve("submissions/tmp"))) {
            assertThat(tmp.toList()).isEmpty();
        }
        assertThat(inbox.pending("proj", "main")).isEmpty();
    }

    @Test
    void aSignedBuildinfoIsKeptAndHandedToThePublisher() throws Exception {
        Submission s = net.withBuildInfo(net.build("a1", "r", Map.of("f", "x")), "a1", ENV);
        accept(s);
        Submission pending = inbox.pending("proj", "main").get(0);
        assertThat(pending.buildinfo()).isPresent();
        assertThat(pending.checkedBuildInfo().orElseThrow().environment()).containsEntry("jdk-version", "17.0.15");
    }

    @Test
    void aBuildinfoSignedByAnotherBuilderIsRefused() throws Exception {
        Submission mine = net.build("a1", "r", Map.of("f", "x"));
        Submission theirs = net.withBuildInfo(net.build("b", "r", Map.of("f", "x")), "b", ENV);
        refused(mine.withBuildInfo(theirs.buildinfo().orElseThrow()), "buildinfo names builder");
    }

    @Test
    void aTamperedBuildinfoIsRefused() throws Exception {
        SignedBuildInfo signed = net.withBuildInfo(net.build("a1", "r", Map.of("f", "x")), "a1", ENV).buildinfo()
                .orElseThrow();
        byte[] tampered = new String(signed.bytes(), StandardCharsets.UTF_8).replace("17.0.15", "25.0.1")
                .getBytes(StandardCharsets.UTF_8);
        refused(net.build("a1", "r", Map.of("f", "x")).withBuildInfo(new SignedBuildInfo(tampered, signed.signature())),
                "buildinfo signature does not verify");
    }

    @Test
    void aBuildinfoOfAnotherManifestIsRefused() throws Exception {
        SignedBuildInfo old = net.withBuildInfo(net.build("a1", "r0", Map.of("f", "old")), "a1", ENV).buildinfo()
                .orElseThrow();
        refused(net.build("a1", "r", Map.of("f", "x")).withBuildInfo(old), "is for manifest");
    }

    @Test
    void theInboxCountsTwoKeysOfOneOperatorOnce() throws Exception {
        assertThat(accept(net.build("a1", "r", Map.of("f", "x"))).agreeing()).containsExactly("alice");
        assertThat(accept(net.build("a2", "r", Map.of("f", "x"))).agreeing()).containsExactly("alice");
        List<String> agreeing = accept(net.build("b", "r", Map.of("f", "x"))).agreeing();
        assertThat(agreeing).hasSize(2).contains("alice");
    }

    @Test
    void withoutABuildinfoNothingChanges() throws Exception {
        Submission plain = net.build("b", "r", Map.of("f", "x"));
        assertThat(plain.buildinfo()).isEqualTo(Optional.empty());
        accept(plain);
        assertThat(inbox.pending("proj", "main").get(0).buildinfo()).isEmpty();
    }
}
