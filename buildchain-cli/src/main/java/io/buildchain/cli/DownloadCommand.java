package io.buildchain.cli;

import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.Downloader;
import io.buildchain.core.Printable;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"List or fetch a release's files, verifying the tail, block, manifest, chain and every byte "
                + "on the way. Without FILE, lists the file names.",
            "Files are written atomically and never outside the target directory. A release whose record names "
                    + "another project or branch is refused; --release or --block picks an earlier release of the "
                    + "branch, checked to be on the chain of its tail."})
final class DownloadCommand implements Callable<Integer> {
    @Mixin
    PinnedStoreOptions store;

    @Option(names = "--out", paramLabel = "PATH",
            description = "For FILE: where to write it ('-' for standard output; default: its base name in the current "
                    + "directory). With --all: the target directory (default: current directory).")
    String out;

    @Option(names = "--all", description = "Fetch every file, keeping relative names.")
    boolean all;

    @Mixin
    ReleaseSelection selection;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The file to fetch, as named in the manifest.")
    String file;

    @Override
    public Integer call() throws Exception {
        ChainVerifier verifier = store.verifier();
        ChainVerifier.Selected selected = verifier.select(store.chain.project, store.chain.branch,
                selection.selector(), store.options(false, null, 0));
        selected.remember();
        ChainVerifier.Release release = selected.release();
        System.err.println("release " + store.chain.project + "/" + store.chain.branch + " block "
                + Long.toUnsignedString(release.block().counter()) + ": " + release.describe());
        Downloader downloader = new Downloader(verifier, release);
        if (all) {
            Path dir = Path.of(out == null ? "." : out);
            int count = downloader.downloadAll(dir);
            System.err.println("downloaded and verified " + count + " files into " + dir);
        } else if (file == null) {
            release.manifest().files().keySet().forEach(name -> System.out.println(Printable.of(name)));
        } else if ("-".equals(out)) {
            // Verified completely (staged in the temporary directory) before a single byte reaches standard output.
            downloader.downloadTo(file, System.out, Path.of(System.getProperty("java.io.tmpdir")));
        } else {
            Path target = out != null ? Path.of(out)
                    : Downloader.targetFor(Path.of("."), file.substring(file.lastIndexOf('/') + 1));
            downloader.download(file, target);
            System.err.println("downloaded and verified " + Printable.of(file) + " -> " + Printable.of(target.toString()));
        }
        return 0;
    }
}
