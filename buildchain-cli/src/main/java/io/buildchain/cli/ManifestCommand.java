package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.NameFilter;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "manifest", mixinStandardHelpOptions = true,
        description = {"Hash files (SHA-384, in parallel) and write the manifest, byte for byte as the original "
                + "buildchain does.",
            "Given one DIR: every file under it (or those --include/--exclude select), named by its path relative "
                    + "to DIR with '/'. Given FILEs (e.g. target/*.jar target/*.json): exactly those, named by their "
                    + "base names; two with the same base name are refused. Symbolic links and empty selections are "
                    + "refused.",
            "With --release-version (and --project, --branch), also write a signed release record: the file "
                    + ".buildchain/release.json in DIR, listed in the manifest, naming project, branch, version, "
                    + "revision, source time and every file's size. Builders given the same inputs write identical "
                    + "records; publishers and users then refuse the release for any other project or branch."})
final class ManifestCommand implements Callable<Integer> {
    @Option(names = "--time", paramLabel = "SECONDS",
            description = {"Source revision time, Unix seconds (for git: git log -1 --format=%%ct).",
                "Default: $SOURCE_DATE_EPOCH."})
    Long time;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the manifest here (default: standard output).")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Hashing threads (default: the number of CPUs).")
    Integer threads;

    @Option(names = "--release-version", paramLabel = "VERSION",
            description = "Write the release record, naming this version (a tag or build number).")
    String version;

    @Option(names = "--project", paramLabel = "PROJECT", description = "With --release-version: the project released.")
    String project;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "With --release-version: the branch released.")
    String branch;

    @Option(names = "--revision", paramLabel = "COMMIT",
            description = "With --release-version: the source revision built (e.g. git rev-parse HEAD).")
    String revision;

    @Option(names = "--include", paramLabel = "GLOB",
            description = "With DIR: take only files whose relative name matches GLOB ('*' stays in one directory, "
                    + "'**' crosses them: '**.jar' is every jar). Repeatable.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB",
            description = "With DIR: leave out files whose relative name matches GLOB. Repeatable.")
    List<String> excludes = new ArrayList<>();

    @Parameters(paramLabel = "DIR|FILE", arity = "1..*",
            description = "The build's output directory, or the files to release.")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        long seconds = time != null ? time : sourceDateEpoch();
        TreeHasher hasher = threads == null ? TreeHasher.forThisMachine() : new TreeHasher(threads);
        if (version == null ? (project != null || branch != null || revision != null) : (project == null || branch == null)) {
            throw new FormatException("--release-version, --project and --branch go together (--revision is optional)");
        }
        boolean oneDir = inputs.size() == 1 && Files.isDirectory(inputs.get(0), LinkOption.NOFOLLOW_LINKS);
        if (!oneDir && (!includes.isEmpty() || !excludes.isEmpty())) {
            throw new FormatException("--include and --exclude select files under one DIR; with FILEs, name the files");
        }
        if (!oneDir && version != null) {
            throw new FormatException("--release-version writes the record into one DIR; give the directory, with "
                    + "--include/--exclude to select its files");
        }
        Manifest manifest;
        if (!oneDir) {
            manifest = hasher.manifestOfFiles(inputs, seconds);
        } else {
            Path dir = inputs.get(0);
            NameFilter filter = NameFilter.of(includes, "--include", excludes, "--exclude");
            manifest = version == null ? hasher.manifest(dir, filter, seconds)
                    : ReleaseRecord.writeInto(dir, hasher.hashTree(dir, filter), project, branch, version, revision, seconds);
        }
        byte[] bytes = manifest.render();
        if (out == null) {
            System.out.write(bytes);
            System.out.flush();
        } else {
            AtomicFiles.write(out, bytes, AtomicFiles.OWNER_WRITE_ALL_READ, true);
            System.err.println("wrote " + out + ": " + manifest.files().size() + " files, manifest sha384 "
                    + manifest.digest());
        }
        return 0;
    }

    private static long sourceDateEpoch() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch == null || epoch.isBlank()) {
            throw new FormatException("--time is required (or set SOURCE_DATE_EPOCH); for a git checkout use "
                    + "--time $(git log -1 --format=%ct)");
        }
        try {
            return Long.parseUnsignedLong(epoch.trim());
        } catch (NumberFormatException e) {
            throw new FormatException("SOURCE_DATE_EPOCH \"" + epoch + "\": expected Unix seconds");
        }
    }
}
