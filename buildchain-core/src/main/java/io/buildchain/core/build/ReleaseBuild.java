package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import io.buildchain.core.manifest.NameFilter;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * {@code buildchain build}: a whole build node in one call. Fetch the exact revision, build it once
 * ({@link ContainerBuild}), then write into {@code out}: {@code artifacts/} (with the release record),
 * {@code manifest.json}, the signed {@code request.bin} and, beside it, the buildinfo measured inside the build and
 * its signature (and, when asked, the in-toto link and SLSA provenance), and {@code build.log}.
 */
public final class ReleaseBuild {
    public static final String REQUEST = "request.bin";

    /**
     * The release's identity; all null for a plain manifest without a release record.
     *
     * @param inToto also sign the in-toto link and SLSA provenance beside the request (needs a release record)
     */
    public record Release(String project, String branch, String version, boolean inToto) {
    }

    /** What was built and signed. */
    public record Outcome(SourceCheckout source, BuildNode.Output output, Path out) {
        public Path request() {
            return out.resolve(REQUEST);
        }

        public Path manifest() {
            return out.resolve("manifest.json");
        }

        public Path artifacts() {
            return out.resolve("artifacts");
        }
    }

    private ReleaseBuild() {
    }

    /**
     * @param node the build node's home: its builder key and request chain ({@link BuildNode})
     * @param out  a directory that does not exist yet or is empty
     */
    public static Outcome build(String git, String rev, ContainerBuild.Steps steps, NameFilter outputs,
            BuildSettings settings, Release release, Path out, Path node, String host, long requestTime)
            throws IOException {
        createEmpty(out);
        Path work = Files.createTempDirectory(out, ".work");
        try {
            Path log = out.resolve("build.log");
            ContainerBuild.provide(steps, log);
            SourceCheckout source = SourceCheckout.fetch(git, rev, work.resolve("repository.git"));
            ContainerBuild.Result result = ContainerBuild.build(source, steps, outputs, settings, work.resolve("build"),
                    log, host);
            Files.move(result.artifacts(), out.resolve("artifacts"));
            BuildNode.Output output = new BuildNode(node).build(out.resolve("artifacts"), source.time(), requestTime,
                    result.environment(), release.project(), release.branch(), release.version(), source.revision(),
                    release.inToto());
            AtomicFiles.write(out.resolve("manifest.json"), output.manifest(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
            AtomicFiles.write(out.resolve(REQUEST), output.request(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
            output.signedBuildInfo().writeBeside(out.resolve(REQUEST));
            if (output.attestations().isPresent()) {
                output.attestations().get().writeBeside(out.resolve(REQUEST));
            }
            return new Outcome(source, output, out);
        } finally {
            deleteTree(work);
        }
    }

    /** Creates {@code out}, or takes it if it is an empty directory: a build never mixes with an earlier one. */
    static void createEmpty(Path out) throws IOException {
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new FormatException(out + ": not empty (each build writes a new directory)");
                }
            }
        }
        Files.createDirectories(out);
    }

    /** Removes a build's work tree (written by the build: links are removed, never followed). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

}
