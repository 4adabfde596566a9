package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.quorum.Vote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One release per publish: a builder's v1 and v2 are two votes in two releases, never an equivocation. */
class ReleaseChoiceTest {
    @TempDir
    Path dir;

    final Map<String, SigningKey> builders = new LinkedHashMap<>();

    KeyList trusted() {
        Map<PublicKey, String> labels = new LinkedHashMap<>();
        builders.forEach((name, key) -> labels.put(key.publicKey(), name));
        return KeyList.of(labels);
    }

    Submission build(String name, long sourceTime, String content) throws Exception {
        SigningKey key = builders.computeIfAbsent(name, n -> SigningKey.generate(new SecureRandom()));
        Path dist = Files.createDirectories(dir.resolve(name + "-" + sourceTime + "-" + content.hashCode()));
        Files.writeString(dist.resolve("app"), content);
        Manifest manifest = new TreeHasher(1).manifest(dist, sourceTime);
        SignedRequest request = new BuilderChain(dir.resolve("state-" + name)).request(key, manifest.digest(), sourceTime);
        return new Submission(name, manifest.render(), request.bytes(), Optional.of(dist));
    }

    ReleaseChoice choose(List<Submission> submissions, OptionalLong tailTime) {
        return ReleaseChoice.choose(submissions, trusted(), 2, RequestLedger.empty(), tailTime);
    }

    @Test
    void theOldestReleaseThatMeetsTheQuorumIsTakenAloneAndNobodyEquivocates() throws Exception {
        Submission a1 = build("a", 100, "v1");
        Submission b1 = build("b", 100, "v1");
        Submission a2 = build("a", 200, "v2");
        Submission b2 = build("b", 200, "v2");
        ReleaseChoice choice = choose(List.of(a2, a1, b2, b1), OptionalLong.empty());
        assertThat(choice.taken()).containsExactlyInAnyOrder(a1, b1);
        assertThat(choice.decision().met()).isTrue();
        assertThat(choice.decision().votes()).extracting(Vote::status).containsOnly(Vote.Status.AGREE);
    }

    @Test
    void anOlderReleaseWithoutAQuorumDoesNotHoldBackANewerOne() throws Exception {
        Submission a1 = build("a", 100, "v1");
        Submission a2 = build("a", 200, "v2");
        Submission b2 = build("b", 200, "v2");
        assertThat(choose(List.of(a1, a2, b2), OptionalLong.empty()).taken()).containsExactlyInAnyOrder(a2, b2);
    }

    @Test
    void releasesOlderThanTheTailAreLeftAlone() throws Exception {
        Submission a1 = build("a", 100, "v1");
        Submission b1 = build("b", 100, "v1");
        Submission a3 = build("a", 300, "v3");
        Submission b3 = build("b", 300, "v3");
        assertThat(choose(List.of(a1, b1, a3, b3), OptionalLong.of(200)).taken()).containsExactlyInAnyOrder(a3, b3);
        // Only stale ones: the newest is taken, for the publisher to refuse as stale.
        assertThat(choose(List.of(a1, b1), OptionalLong.of(200)).taken()).containsExactlyInAnyOrder(a1, b1);
    }

    @Test
    void twoDifferentManifestsOfOneReleaseByOneKeyAreAnEquivocation() throws Exception {
        Submission a1 = build("a", 100, "v1");
        Submission a1b = build("a", 100, "v1 built otherwise");
        Submission b1 = build("b", 100, "v1");
        ReleaseChoice choice = choose(List.of(a1, a1b, b1), OptionalLong.empty());
        assertThat(choice.taken()).hasSize(3);
        assertThat(choice.decision().met()).isFalse();
        assertThat(choice.decision().votes()).extracting(Vote::status).contains(Vote.Status.EQUIVOCATION);
    }
}
