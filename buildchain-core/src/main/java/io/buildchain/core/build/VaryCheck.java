package io.buildchain.core.build;

import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.NameFilter;
import io.buildchain.core.manifest.TreeHasher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code buildchain build --vary}: a local reproducibility check before asking others to rebuild. Builds the
 * revision with the reference settings, then N-1 times with every variation at once (as Debian's reprotest does);
 * if any differs, once more per variation alone, and once more with nothing varied (a later run: the clock, or
 * randomness), and names with {@link Divergence} what each one that breaks reproducibility changes.
 */
public final class VaryCheck {
    /** A later run of the reference settings: what the clock (and nothing else) changes. */
    public static final String LATER_RUN = "a later run";

    /**
     * One comparison with the reference build.
     *
     * @param explanation how it differs, empty when the manifests are byte-identical
     */
    public record Comparison(String variation, Optional<Explanation> explanation) {
        /** "umask 0077 (entry modes reference 0644 vs umask 0077 0600 in 2 entries of hello.tar: …)". */
        public String describe() {
            return variation + explanation.map(e -> " (" + (e.causes().isEmpty() ? e.files() + " file(s) differ"
                    : e.causes().get(0).summary()) + ")").orElse("");
        }
    }

    /**
     * @param varied     what was varied, as the summary names it
     * @param notVaried  what could or could not be varied and why, one line each (the date: libfaketime)
     * @param allAtOnce  the builds with every variation at once; byVariation is empty when they all agreed
     */
    public record Report(int builds, List<String> varied, List<String> notVaried, List<Comparison> allAtOnce,
            List<Comparison> byVariation) {
        public boolean reproducible() {
            return allAtOnce.stream().allMatch(c -> c.explanation().isEmpty());
        }

        /** "reproducible under TZ, locale, build path; NOT under umask 0077 (…)". */
        public String summary() {
            if (reproducible()) {
                return "reproducible under " + String.join(", ", varied) + " (" + builds + " builds, "
                        + (builds - 1) + " with everything varied at once)";
            }
            List<String> under = byVariation.stream().filter(c -> c.explanation().isEmpty()).map(Comparison::variation)
                    .toList();
            List<String> not = byVariation.stream().filter(c -> c.explanation().isPresent())
                    .map(Comparison::describe).toList();
            return (under.isEmpty() ? "" : "reproducible under " + String.join(", ", under) + "; ")
                    + (not.isEmpty() ? "NOT reproducible with everything varied at once, though with each alone it is"
                            : "NOT under " + String.join("; NOT under ", not));
        }
    }

    private VaryCheck() {
    }

    /**
     * @param otherUser the "UID:GID" to vary the user to, or null to leave the user alone
     * @param out       a directory for the builds' artifacts, logs and full explanations
     */
    public static Report run(String git, String rev, ContainerBuild.Steps steps, NameFilter outputs,
            BuildSettings reference, String otherUser, int builds, Path out, String host, PrintWriter progress)
            throws IOException {
        if (builds < 2) {
            throw new io.buildchain.core.FormatException("--builds " + builds + ": expected at least 2");
        }
        ReleaseBuild.createEmpty(out);
        ContainerBuild.provide(steps, out.resolve("docker.log"));
        SourceCheckout source = SourceCheckout.fetch(git, rev, Files.createTempDirectory(out, "repository")
                .resolve("repository.git"));
        ContainerBuild.Result first = build(source, steps, outputs, reference, out, "reference", host, progress);
        Divergence.Side base = side(source, first, "reference");
        // The date is varied only where libfaketime reaches the build; elsewhere the report says it was not.
        Optional<String> noOtherClock = ContainerBuild.whyNoOtherClock(first.environment().get("image"),
                out.resolve("docker.log"));
        List<String> notVaried = List.of(noOtherClock.map(why -> BuildSettings.DATE + " NOT varied: " + why)
                .orElse(BuildSettings.DATE + " varied: the clock " + BuildSettings.LATER_CLOCK.substring(1)
                        + " (397 days 7 hours) ahead with libfaketime, for the image's dynamically linked programs; "
                        + "statically linked ones read the real clock"));
        List<BuildSettings.Variation> variations = reference.variations(otherUser, noOtherClock.isEmpty());
        BuildSettings everything = reference;
        for (BuildSettings.Variation variation : variations) {
            everything = variation.apply().apply(everything);
        }
        List<Comparison> allAtOnce = new ArrayList<>();
        for (int i = 1; i < builds; i++) {
            String name = "varied-" + i;
            allAtOnce.add(compare(base, side(source, build(source, steps, outputs, everything, out, name, host,
                    progress), name), "everything varied", out));
        }
        List<Comparison> byVariation = new ArrayList<>();
        if (allAtOnce.stream().anyMatch(c -> c.explanation().isPresent())) {
            for (BuildSettings.Variation variation : variations) {
                String name = "only-" + variation.name().replace(' ', '-');
                byVariation.add(compare(base, side(source, build(source, steps, outputs, variation.apply().apply(reference),
                        out, name, host, progress), name), variation.name(), out));
            }
            byVariation.add(compare(base, side(source, build(source, steps, outputs, reference, out, "later-run", host,
                    progress), "later-run"), LATER_RUN, out));
        }
        ReleaseBuild.deleteTree(source.repository().getParent());
        List<String> varied = new ArrayList<>(variations.stream().map(BuildSettings.Variation::name).toList());
        varied.add(LATER_RUN);
        return new Report(builds, varied, notVaried, allAtOnce, byVariation);
    }

    private static ContainerBuild.Result build(SourceCheckout source, ContainerBuild.Steps steps, NameFilter outputs,
            BuildSettings settings, Path out, String name, String host, PrintWriter progress) throws IOException {
        Path work = out.resolve(name);
        progress.println("building " + name + ": TZ " + settings.tz() + ", umask " + settings.umask() + ", locale "
                + settings.locale() + ", path " + settings.buildPath() + ", user " + settings.user() + ", hostname "
                + settings.hostname() + (settings.clock() == null ? "" : ", clock " + settings.clock()));
        progress.flush();
        ContainerBuild.Result result = ContainerBuild.build(source, steps, outputs, settings, work,
                out.resolve(name + ".log"), host);
        ReleaseBuild.deleteTree(work.resolve("src"));
        return result;
    }

    private static Divergence.Side side(SourceCheckout source, ContainerBuild.Result result, String name)
            throws IOException {
        Manifest manifest = TreeHasher.forThisMachine().manifest(result.artifacts(), source.time());
        return new Divergence.Side(name, manifest, Optional.of(result.artifacts()));
    }

    private static Comparison compare(Divergence.Side base, Divergence.Side other, String variation, Path out)
            throws IOException {
        if (base.manifest().digest().equals(other.manifest().digest())) {
            return new Comparison(variation, Optional.empty());
        }
        Explanation explanation = Divergence.explain(base, other);
        Files.writeString(out.resolve(other.name() + ".diff.txt"), explanation.render(), StandardCharsets.UTF_8);
        return new Comparison(variation, Optional.of(explanation));
    }
}
