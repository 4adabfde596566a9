package io.buildchain.core.diff;

import io.buildchain.core.hash.Digest;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Vote;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The first causes to read when builders disagree: where a dissenting builder's recorded environment differs
 * from an environment all the reference builders shared ("builder c ran JDK 25.0.1; the agreeing builders ran
 * 17.0.15"). A field the reference builders themselves differ in explains nothing, so it is left out, and so is
 * the host name, which differs by nature.
 */
public final class EnvironmentCauses {
    private static final String IMAGE_DIGEST = "image-digest";
    private static final Map<String, String> NAMES = Map.ofEntries(Map.entry("os", "OS"),
            Map.entry("arch", "architecture"), Map.entry("kernel", "kernel"), Map.entry("jdk-vendor", "JDK vendor"),
            Map.entry("jdk-version", "JDK"), Map.entry("tz", "time zone"), Map.entry("umask", "umask"),
            Map.entry("locale", "locale"), Map.entry("image", "image"), Map.entry("image-digest", "image digest"),
            Map.entry("javac-version", "javac"), Map.entry("user", "user"), Map.entry("build-path", "build path"),
            Map.entry("container", "container"), Map.entry("dockerfile-digest", "Dockerfile"),
            Map.entry("deps-digest", "dependencies"), Map.entry("git-tree", "git tree"));
    private static final Map<String, String> FIXES = Map.of(
            "jdk-version", "pin the JDK, e.g. build in one image pinned by digest",
            "jdk-vendor", "pin the JDK, e.g. build in one image pinned by digest",
            "tz", "set TZ=UTC for the build",
            "umask", "set umask 0022 before building, or normalise modes in the archiver",
            "locale", "set LC_ALL=C.UTF-8 for the build",
            "image", "give every builder the same image, pinned by digest",
            "image-digest", "give every builder the same image, pinned by digest",
            "git-tree", "build the same revision: its sources differ",
            "deps-digest", "give every builder the same dependencies (a lock file, one repository snapshot)");

    private EnvironmentCauses() {
    }

    /**
     * What each build was made from, to show beside its vote, odd image first ({@link #oddImageFirst}): "A: git tree
     * d2b2a97…, image digest sha256:53f2…, Dockerfile sha256:…, container docker; measured inside the build: os,
     * umask, …"; a builder whose buildinfo names none of these is left out.
     */
    public static List<String> provenance(List<Builder> builders) {
        Optional<String> majority = majorityImage(builders.stream().filter(Builder::counts).map(Builder::environment)
                .toList());
        List<String> lines = new ArrayList<>();
        for (Builder builder : oddImageFirst(builders, Builder::environment, Builder::counts)) {
            Map<String, String> environment = builder.environment();
            List<String> parts = new ArrayList<>();
            for (String field : List.of("git-tree", IMAGE_DIGEST, "dockerfile-digest", "deps-digest", "container")) {
                String value = environment.get(field);
                if (value != null) {
                    parts.add(NAMES.get(field) + " " + value
                            + (field.equals(IMAGE_DIGEST) && oddImage(environment, majority) ? " (not the majority's)" : ""));
                }
            }
            if (!parts.isEmpty()) {
                String measured = environment.get("measured");
                lines.add(builder.name() + ": " + String.join(", ", parts) + (measured == null
                        ? "; every field self-reported" : "; measured inside the build: " + measured.replace(" ", ", ")));
            }
        }
        return lines;
    }

    /**
     * The image digest most builders recorded (more of them than any other digest), the one an odd builder differs
     * from; empty when no digest was recorded or two digests tie.
     */
    public static Optional<String> majorityImage(Collection<Map<String, String>> environments) {
        Map<String, Long> counts = environments.stream().map(env -> env.get(IMAGE_DIGEST)).filter(Objects::nonNull)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        long most = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<String> leaders = counts.entrySet().stream().filter(e -> e.getValue() == most).map(Map.Entry::getKey).toList();
        return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
    }

    /** Whether {@code environment} records an image digest other than the majority's. */
    public static boolean oddImage(Map<String, String> environment, Optional<String> majority) {
        String digest = environment.get(IMAGE_DIGEST);
        return majority.isPresent() && digest != null && !digest.equals(majority.get());
    }

    /**
     * The builders in the order to read them (pages, diff, the divergence explanation): first each builder whose
     * image digest differs from the majority's, the likeliest cause of a disagreement, then the others; each group
     * in its given order. The majority is that of the builders whose vote counts (trusted, not replayed, one per
     * key), so keys that count for nothing cannot make an honest builder look odd.
     */
    public static <T> List<T> oddImageFirst(List<T> builders, Function<T, Map<String, String>> environment,
            Predicate<T> counts) {
        Optional<String> majority = majorityImage(builders.stream().filter(counts).map(environment).toList());
        List<T> ordered = new ArrayList<>(builders.stream().filter(b -> oddImage(environment.apply(b), majority)).toList());
        builders.stream().filter(b -> !oddImage(environment.apply(b), majority)).forEach(ordered::add);
        return ordered;
    }

    /**
     * One builder as the explanation sees it: its name, the manifest it signed, its recorded environment, and
     * whether its vote counts (it then has a say in which image is the majority's).
     */
    public record Builder(String name, Digest manifest, Map<String, String> environment, boolean counts) {
        public Builder(String name, Digest manifest, Map<String, String> environment) {
            this(name, manifest, environment, true);
        }
    }

    /** Whether a vote of this status counts for a manifest (a trusted builder's fresh request, once per key). */
    public static boolean counts(Vote.Status status) {
        return status == Vote.Status.AGREE || status == Vote.Status.DISSENT || status == Vote.Status.NO_QUORUM;
    }

    /**
     * The builders of a vote whose buildinfo holds for their request, with their recorded environments, each named
     * as the vote names it (its trusted-keys label, else its key), never by where its files were.
     */
    public static List<Builder> builders(QuorumDecision decision) {
        List<Builder> builders = new ArrayList<>();
        for (Vote vote : decision.votes()) {
            if (vote.manifest() != null && vote.request() != null) {
                vote.submission().checkedBuildInfo().ifPresent(info -> builders.add(new Builder(
                        decision.builderName(vote), vote.digest(), info.environment(), counts(vote.status()))));
            }
        }
        return builders;
    }

    /** The same differences as causes of an explanation, to be read before the artifacts' causes. */
    public static List<Explanation.Cause> causes(List<Builder> builders, Digest reference, boolean accepted) {
        return lines(builders, reference, accepted).stream()
                .map(line -> new Explanation.Cause("environment", line, null, 1)).toList();
    }

    /**
     * @param reference the accepted manifest (or, without a quorum, the one most builders signed)
     * @param accepted  whether the reference is the accepted manifest (only words change)
     */
    public static List<String> lines(List<Builder> builders, Digest reference, boolean accepted) {
        List<Builder> base = builders.stream().filter(b -> b.manifest().equals(reference)).toList();
        String others = accepted ? "the agreeing builders" : "the builders of manifest " + reference.base32().substring(0, 12) + "…";
        List<String> lines = new ArrayList<>();
        for (Builder builder : oddImageFirst(builders, Builder::environment, Builder::counts)) {
            if (builder.manifest().equals(reference)) {
                continue;
            }
            Map<String, String> ofBuilder = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> field : builder.environment().entrySet()) {
                String name = NAMES.get(field.getKey());
                if (name == null) {
                    continue;
                }
                Set<String> shared = new LinkedHashSet<>();
                boolean everyoneRecorded = !base.isEmpty();
                for (Builder b : base) {
                    String value = b.environment().get(field.getKey());
                    if (value == null) {
                        everyoneRecorded = false;
                    } else {
                        shared.add(value);
                    }
                }
                if (everyoneRecorded && shared.size() == 1 && !shared.contains(field.getValue())) {
                    String fix = FIXES.get(field.getKey());
                    ofBuilder.put(field.getKey(), "builder " + builder.name() + " ran " + name + " " + field.getValue()
                            + "; " + others + " ran " + shared.iterator().next()
                            + (fix == null ? "" : " (usual fix: " + fix + ")"));
                }
            }
            // The image reference carries its digest: a differing image is one cause, said once.
            if (ofBuilder.containsKey("image")) {
                ofBuilder.remove("image-digest");
            }
            lines.addAll(ofBuilder.values());
        }
        return lines;
    }
}
