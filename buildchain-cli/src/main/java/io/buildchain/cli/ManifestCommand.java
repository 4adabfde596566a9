package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.AtomicFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "manifest", mixinStandardHelpOptions = true,
        description = {"Hash every file under DIR (SHA-384, in parallel) and write the manifest, byte for byte as "
                + "the original buildchain does.",
            "Names are paths relative to DIR with '/'; symbolic links and empty trees are refused.",
            "With --release-version (and --project, --branch), also write a signed release record: the file "
                    + ".buildchain/release.json in DIR, listed in the manifest, naming project, branch, version, "
                    + "revision, source time and every file's size. Builders given the same inputs write identical "
                    + "records; publishers and users then refuse the release for any other project or branch."})
final class ManifestCommand implements Callable<Integer> {
    @Option(names = "--time", paramLabel = "SECONDS",
            description = {"Source revision time, Unix seconds (for git: git log -1 --format=%ct).",
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

    @Parameters(paramLabel = "DIR", description = "The build's output directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        long seconds = time != null ? time : sourceDateEpoch();
        TreeHasher hasher = threads == null ? TreeHasher.forThisMachine() : new TreeHasher(threads);
        if (version == null ? (project != null || branch != null || revision != null) : (project == null || branch == null)) {
            throw new FormatException("--release-version, --project and --branch go together (--revision is optional)");
        }
        Manifest manifest = version == null ? hasher.manifest(dir, seconds)
                : ReleaseRecord.writeInto(dir, hasher.hashTree(dir), project, branch, version, revision, seconds);
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
