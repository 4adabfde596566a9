package io.buildchain.core.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.hash.Digest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentCausesTest {
    static final Digest GOOD = Digest.of(new byte[] {1});
    static final Digest ODD = Digest.of(new byte[] {2});

    @Test
    void namesWhatTheDissenterDidDifferentlyFromWhatAllTheAgreeingBuildersShared() {
        List<String> lines = EnvironmentCauses.lines(List.of(
                new EnvironmentCauses.Builder("a", GOOD, Map.of("tz", "UTC", "kernel", "6.1", "umask", "0022", "host", "a")),
                new EnvironmentCauses.Builder("b", GOOD, Map.of("tz", "UTC", "kernel", "6.8", "umask", "0022", "host", "b")),
                new EnvironmentCauses.Builder("c", ODD, Map.of("tz", "Europe/Paris", "kernel", "6.9", "umask", "0022",
                        "host", "c"))), GOOD, true);
        // The kernel differs among the agreeing builders too, so it explains nothing; host differs by nature.
        assertThat(lines).containsExactly(
                "builder c ran time zone Europe/Paris; the agreeing builders ran UTC (usual fix: set TZ=UTC for the build)");
    }

    @Test
    void saysNothingWhenTheAgreeingBuildersRecordedNoEnvironment() {
        assertThat(EnvironmentCauses.lines(List.of(new EnvironmentCauses.Builder("a", GOOD, Map.of()),
                new EnvironmentCauses.Builder("c", ODD, Map.of("tz", "UTC"))), GOOD, true)).isEmpty();
    }

    /** The report: "image" and "image digest" were two bullets saying one thing. */
    @Test
    void aDifferentImageIsOneCause() {
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        List<String> lines = EnvironmentCauses.lines(List.of(
                new EnvironmentCauses.Builder("x", GOOD, Map.of("image", "maven:3@" + a, "image-digest", a)),
                new EnvironmentCauses.Builder("y", GOOD, Map.of("image", "maven:3@" + a, "image-digest", a)),
                new EnvironmentCauses.Builder("z", ODD, Map.of("image", "maven:3@" + b, "image-digest", b))), GOOD, true);
        assertThat(lines).containsExactly("builder z ran image maven:3@" + b + "; the agreeing builders ran maven:3@" + a
                + " (usual fix: give every builder the same image, pinned by digest)");
        // A digest recorded without a differing reference still says so.
        assertThat(EnvironmentCauses.lines(List.of(new EnvironmentCauses.Builder("x", GOOD, Map.of("image-digest", a)),
                new EnvironmentCauses.Builder("z", ODD, Map.of("image-digest", b))), GOOD, true)).singleElement()
                .asString().startsWith("builder z ran image digest " + b);
    }

    /** One rule for pages, diff and the explanation: the builder whose image is not the majority's comes first. */
    @Test
    void theBuilderWithTheOddImageIsNamedFirstAndATieReordersNothing() {
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        List<EnvironmentCauses.Builder> builders = List.of(
                new EnvironmentCauses.Builder("x", GOOD, Map.of("image-digest", a, "git-tree", "t1")),
                new EnvironmentCauses.Builder("y", ODD, Map.of("tz", "UTC")),
                new EnvironmentCauses.Builder("z", ODD, Map.of("image-digest", b, "git-tree", "t1")),
                new EnvironmentCauses.Builder("w", GOOD, Map.of("image-digest", a, "git-tree", "t1")));
        assertThat(EnvironmentCauses.oddImageFirst(builders, EnvironmentCauses.Builder::environment,
                EnvironmentCauses.Builder::counts)).extracting(EnvironmentCauses.Builder::name)
                .containsExactly("z", "x", "y", "w");
        assertThat(EnvironmentCauses.provenance(builders)).containsExactly(
                "z: git tree t1, image digest " + b + " (not the majority's); every field self-reported",
                "x: git tree t1, image digest " + a + "; every field self-reported",
                "w: git tree t1, image digest " + a + "; every field self-reported");
        // Two builders, two images: no majority, nobody is odd, the order stays.
        List<EnvironmentCauses.Builder> two = List.of(builders.get(0), builders.get(2));
        assertThat(EnvironmentCauses.majorityImage(List.of(Map.of("image-digest", a), Map.of("image-digest", b)))).isEmpty();
        assertThat(EnvironmentCauses.oddImageFirst(two, EnvironmentCauses.Builder::environment,
                EnvironmentCauses.Builder::counts)).isEqualTo(two);
        // Keys whose votes count for nothing (untrusted, replayed) cannot outvote the counted builders' image.
        List<EnvironmentCauses.Builder> swayed = new java.util.ArrayList<>(builders);
        for (String name : List.of("u1", "u2", "u3")) {
            swayed.add(new EnvironmentCauses.Builder(name, ODD, Map.of("image-digest", b), false));
        }
        assertThat(EnvironmentCauses.oddImageFirst(swayed, EnvironmentCauses.Builder::environment,
                EnvironmentCauses.Builder::counts)).extracting(EnvironmentCauses.Builder::name)
                .startsWith("z", "u1", "u2", "u3", "x");
    }
}
