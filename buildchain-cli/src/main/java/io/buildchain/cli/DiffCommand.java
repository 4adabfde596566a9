package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.Programs;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.EnvironmentCauses;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.manifest.Manifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Explain why two builds differ: the causes with their usual fixes (time zone, umask, JDK, "
                + "entry order, build path, wall-clock timestamps…), the decisive lines, then every difference. With "
                + "--artifacts-a/-b it looks inside zip/jar and tar(.gz/.xz/.bz2/.zst) archives, nested ones too.",
            "Exit status as diff(1): 0 same, 1 different, 2 trouble."},
        exitCodeOnInvalidInput = 2, exitCodeOnExecutionException = 2)
final class DiffCommand implements Callable<Integer> {
    private static final int TROUBLE = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MANIFEST_A", description = "The first build's manifest.")
    Path manifestA;

    @Parameters(index = "1", paramLabel = "MANIFEST_B", description = "The second build's manifest.")
    Path manifestB;

    @Option(names = "--artifacts-a", paramLabel = "DIR", description = "Build A's output directory.")
    Path artifactsA;

    @Option(names = "--artifacts-b", paramLabel = "DIR", description = "Build B's output directory.")
    Path artifactsB;

    @Option(names = "--name-a", paramLabel = "NAME", description = "What to call build A (default: MANIFEST_A).")
    String nameA;

    @Option(names = "--name-b", paramLabel = "NAME", description = "What to call build B (default: MANIFEST_B).")
    String nameB;

    @Option(names = "--json", description = "Print the explanation as JSON, for tools.")
    boolean json;

    @Option(names = "--buildinfo-a", paramLabel = "FILE",
            description = "Build A's signed buildinfo (FILE and FILE.sig, from 'request --buildinfo'): its environment "
                    + "is compared first.")
    Path buildinfoA;

    @Option(names = "--buildinfo-b", paramLabel = "FILE", description = "Build B's signed buildinfo.")
    Path buildinfoB;

    @Option(names = "--diffoscope", description = "Also run diffoscope on each differing pair (needs both --artifacts).")
    boolean diffoscope;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (diffoscope && (artifactsA == null || artifactsB == null)) {
            String missing = artifactsA == null && artifactsB == null ? "--artifacts-a and --artifacts-b"
                    : artifactsA == null ? "--artifacts-a" : "--artifacts-b";
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--diffoscope compares the artifacts: give " + missing);
        }
        try {
            Manifest a = Manifest.parse(Files.readAllBytes(manifestA), manifestA.toString());
            Manifest b = Manifest.parse(Files.readAllBytes(manifestB), manifestB.toString());
            String calledA = nameA != null ? nameA : manifestA.toString();
            String calledB = nameB != null ? nameB : manifestB.toString();
            Explanation explanation = Divergence.explain(
                    new Divergence.Side(calledA, a, Optional.ofNullable(artifactsA)),
                    new Divergence.Side(calledB, b, Optional.ofNullable(artifactsB)));
            List<EnvironmentCauses.Builder> builders = builders(calledA, a, calledB, b);
            explanation = explanation.withCausesFirst(EnvironmentCauses.causes(builders, a.digest(), false));
            if (!json) {
                EnvironmentCauses.provenance(builders).forEach(out::println);
            }
            out.print(json ? Json.MAPPER.writeValueAsString(explanation) + "\n" : explanation.render());
            out.flush();
            if (!explanation.same() && artifactsA != null && artifactsB != null) {
                offerDiffoscope(out, Divergence.differingPairs(a, b, artifactsA, artifactsB));
            }
            return explanation.same() ? 0 : 1;
        } catch (Exception e) {
            err.println("buildchain diff: " + Main.describe(e));
            err.flush();
            return TROUBLE;
        }
    }

    /** The two builds with their signed buildinfo files' environments, read first; none without them. */
    private List<EnvironmentCauses.Builder> builders(String calledA, Manifest a, String calledB, Manifest b)
            throws Exception {
        if (buildinfoA == null && buildinfoB == null) {
            return List.of();
        }
        if (buildinfoA == null || buildinfoB == null) {
            throw new FormatException("--buildinfo-a and --buildinfo-b go together");
        }
        Map<String, String> envA = SignedBuildInfo.read(buildinfoA).verifiedFor(a.digest(), buildinfoA.toString())
                .environment();
        Map<String, String> envB = SignedBuildInfo.read(buildinfoB).verifiedFor(b.digest(), buildinfoB.toString())
                .environment();
        return List.of(new EnvironmentCauses.Builder(calledA, a.digest(), envA),
                new EnvironmentCauses.Builder(calledB, b.digest(), envB));
    }

    private void offerDiffoscope(PrintWriter out, List<Map.Entry<Path, Path>> pairs) throws Exception {
        Optional<Path> tool = Programs.find("diffoscope");
        if (!diffoscope) {
            if (tool.isPresent() && !pairs.isEmpty() && !json) {
                out.println("diffoscope is installed: add --diffoscope for a full comparison of each pair");
            }
            return;
        }
        if (tool.isEmpty()) {
            throw new IllegalStateException("--diffoscope: diffoscope is not installed (Debian: apt-get install diffoscope)");
        }
        for (Map.Entry<Path, Path> pair : pairs) {
            out.println("$ diffoscope " + pair.getKey() + " " + pair.getValue());
            out.flush();
            new ProcessBuilder(tool.get().toString(), pair.getKey().toString(), pair.getValue().toString())
                    .inheritIO().start().waitFor();
        }
    }
}
