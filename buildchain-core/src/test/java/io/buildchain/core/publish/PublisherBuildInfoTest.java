package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.VerificationException;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.testing.Network;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherBuildInfoTest {
    @TempDir
    Path dir;

    static Map<String, String> env(String jdk, String host) {
        return Map.of("os", "Linux", "arch", "amd64", "jdk-version", jdk, "tz", "UTC", "umask", "0022", "host", host);
    }

    /** a and b agree on JDK 17; c built with JDK 25 and produced another binary. */
    List<Submission> round(Network net) throws Exception {
        List<Submission> round = new ArrayList<>();
        for (Submission s : net.round("r1", List.of("c"))) {
            String jdk = s.source().equals("c") ? "25.0.1" : "17.0.15";
            round.add(net.withBuildInfo(s, s.source(), env(jdk, s.source())));
        }
        return round;
    }

    @Test
    void theEvidenceKeepsEachBuildersEnvironmentAndTheDivergenceLeadsWithIt() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        Publisher.Result result = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(),
                round(net), Optional.empty()));
        Evidence stored = Evidence.parse(Files.readAllBytes(net.store.evidencePath(result.block())), "evidence");
        assertThat(stored.submissions()).allSatisfy(e -> assertThat(e.checkedBuildInfo()).isPresent());
        assertThat(stored.submissions().get(2).checkedBuildInfo().orElseThrow().environment())
                .containsEntry("jdk-version", "25.0.1");
        Explanation.Cause first = stored.explanations().get(0).causes().get(0);
        assertThat(first.kind()).isEqualTo("environment");
        assertThat(first.summary())
                .isEqualTo("builder c ran JDK 25.0.1; the agreeing builders ran 17.0.15 (usual fix: pin the JDK, e.g. "
                        + "build in one image pinned by digest)");
        assertThat(stored.divergenceLines()).noneMatch(line -> line.contains("ran host"));
    }

    @Test
    void withoutAQuorumTheEnvironmentStillComesFirst() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        assertThatThrownBy(() -> net.publisher().publish(new Publisher.Release("proj", "main", 3, net.trusted(),
                round(net), Optional.empty()))).isInstanceOfSatisfying(QuorumNotMetException.class,
                        e -> assertThat(e.divergence().stream().filter(line -> line.startsWith("  * ")).findFirst())
                                .hasValueSatisfying(cause -> assertThat(cause)
                                        .startsWith("  * builder c ran JDK 25.0.1; the builders of manifest")));
    }

    @Test
    void aMisSignedBuildinfoIsRefusedBeforeAnythingIsStored() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        List<Submission> round = round(net);
        SignedBuildInfo ofB = round.get(1).buildinfo().orElseThrow();
        round.set(0, round.get(0).withBuildInfo(ofB));
        assertThatThrownBy(() -> net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty()))).isInstanceOf(VerificationException.class).hasMessageContaining("buildinfo names builder");
        assertThat(net.store.root().resolve("tail")).doesNotExist();
    }

    @Test
    void aTamperedBuildinfoIsRefused() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        List<Submission> round = round(net);
        SignedBuildInfo signed = round.get(2).buildinfo().orElseThrow();
        byte[] tampered = new String(signed.bytes(), StandardCharsets.UTF_8).replace("25.0.1", "17.0.15")
                .getBytes(StandardCharsets.UTF_8);
        round.set(2, round.get(2).withBuildInfo(new SignedBuildInfo(tampered, signed.signature())));
        assertThatThrownBy(() -> net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty()))).isInstanceOf(VerificationException.class)
                .hasMessageContaining("c: buildinfo signature does not verify");
    }
}
