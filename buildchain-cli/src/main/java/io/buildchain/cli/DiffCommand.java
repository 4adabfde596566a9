package io.buildchain.cli;

import io.buildchain.core.diff.Divergence;
import io.buildchain.core.manifest.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.buildchain.core.Programs;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Explain why two builds differ: which files, and with --artifacts-a/-b which entries inside "
                + "zip/jar and tar(.gz/.xz/.bz2) archives (content, timestamps, permissions, owners).",
            "Exit status: 0 identical, 1 different, 2 usage error."})
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MANIFEST_A", description = "Build A's manifest.")
    Path manifestA;

    @Parameters(index = "1", paramLabel = "MANIFEST_B", description = "Build B's manifest, compared with A's.")
    Path manifestB;

    @Option(names = "--artifacts-a", paramLabel = "DIR", description = "Build A's output directory.")
    Path artifactsA;

    @Option(names = "--artifacts-b", paramLabel = "DIR", description = "Build B's output directory.")
    Path artifactsB;

    @Option(names = "--diffoscope", description = "Also run diffoscope on each differing pair (needs both --artifacts).")
    boolean diffoscope;

    @Override
    public Integer call() throws Exception {
        Manifest a = Manifest.parse(Files.readAllBytes(manifestA), manifestA.toString());
        Manifest b = Manifest.parse(Files.readAllBytes(manifestB), manifestB.toString());
        List<Divergence.FileDifference> differences = Divergence.compare(a, b, Optional.ofNullable(artifactsA),
                Optional.ofNullable(artifactsB));
        System.out.print(Divergence.render(differences, manifestA.toString(), manifestB.toString()));
        if (!differences.isEmpty() && artifactsA != null && artifactsB != null) {
            offerDiffoscope(Divergence.differingPairs(differences, artifactsA, artifactsB));
        }
        return differences.isEmpty() ? 0 : 1;
    }

    private void offerDiffoscope(List<Map.Entry<Path, Path>> pairs) throws Exception {
        Optional<Path> tool = Programs.find("diffoscope");
        if (!diffoscope) {
            if (tool.isPresent() && !pairs.isEmpty()) {
                System.out.println("diffoscope is installed: add --diffoscope for a full comparison of each pair");
            }
            return;
        }
        if (tool.isEmpty()) {
            System.out.println("diffoscope is not installed (Debian: apt-get install diffoscope)");
            return;
        }
        for (Map.Entry<Path, Path> pair : pairs) {
            System.out.println("$ diffoscope " + pair.getKey() + " " + pair.getValue());
            System.out.flush();
            new ProcessBuilder(tool.get().toString(), pair.getKey().toString(), pair.getValue().toString())
                    .inheritIO().start().waitFor();
        }
    }
}
