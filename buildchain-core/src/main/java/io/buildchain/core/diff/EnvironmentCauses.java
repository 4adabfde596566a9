package io.buildchain.core.diff;

import io.buildchain.core.hash.Digest;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Vote;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first causes to read when builders disagree: where a dissenting builder's recorded environment differs
 * from an environment all the reference builders shared ("builder c ran JDK 25.0.1; the agreeing builders ran
 * 17.0.15"). A field the reference builders themselves differ in explains nothing, so it is left out, and so is
 * the host name, which differs by nature.
 */
public final class EnvironmentCauses {
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
     * What a build was made from, to show beside its vote: "A: git tree d2b2a97…, image sha256:53f2…, Dockerfile
     * sha256:…, container docker, measured inside the build: os, umask, …"; empty when its buildinfo names none.
     */
    public static java.util.Optional<String> provenance(String name, Map<String, String> environment) {
        List<String> parts = new ArrayList<>();
        for (String field : List.of("git-tree", "image-digest", "dockerfile-digest", "deps-digest", "container")) {
            String value = environment.get(field);
            if (value != null) {
                parts.add(NAMES.get(field) + " " + value);
            }
        }
        if (parts.isEmpty()) {
            return java.util.Optional.empty();
        }
        String measured = environment.get("measured");
        return java.util.Optional.of(name + ": " + String.join(", ", parts) + (measured == null
                ? "; every field self-reported" : "; measured inside the build: " + measured.replace(" ", ", ")));
    }

    /** One builder as the explanation sees it: its name, the manifest it signed, its recorded environment. */
    public record Builder(String name, Digest manifest, Map<String, String> environment) {
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
                        decision.builderName(vote), vote.digest(), info.environment())));
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
        for (Builder builder : builders) {
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
