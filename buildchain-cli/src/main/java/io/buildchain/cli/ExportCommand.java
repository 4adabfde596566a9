package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.intoto.InTotoExport;
import io.buildchain.core.intoto.SignedMetadata;
import io.buildchain.core.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a release in another project's format.",
        subcommands = ExportCommand.InToto.class)
final class ExportCommand {
    @Command(name = "in-toto", mixinStandardHelpOptions = true,
            description = {"Write a release for in-toto-verify: the layout, the root key as its layout key, the "
                    + "agreeing builders' links and SLSA provenance (DSSE), and the files; print the command."})
    static final class InToto implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ChainOptions chain;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store (a directory).")
        Path store;

        @Option(names = "--release", paramLabel = "VERSION", description = "A release by version (default: the newest).")
        String version;

        @Option(names = "--layout", required = true, paramLabel = "LAYOUT",
                description = "The layout 'root in-toto-layout' signed for this project/branch.")
        Path layout;

        @Option(names = "--root", required = true, paramLabel = "ROOT_PUB",
                description = "The root key the layout must be signed by (base32, or keygen's --pub-out file).")
        String root;

        @Option(names = "--out", paramLabel = "DIR", description = "A new directory to write.")
        Path out;

        @Option(names = "--to-store", description = "Instead of --out: put the layout and the root key as its layout "
                + "key beside the release's links in the store (release/MANIFEST/in-toto/), where 'serve' hands them "
                + "out and the release page links them; again with a renewed layout to replace it.")
        boolean toStore;

        @Override
        public Integer call() throws Exception {
            if (toStore == (out != null)) {
                throw new FormatException("give --out DIR or --to-store");
            }
            byte[] layoutJson = SignedBuildInfo.readBounded(layout, SignedMetadata.MAX_BYTES);
            PublicKey owner = PublicKey.fromArgument(root, "--root");
            InTotoExport.Result result = toStore
                    ? InTotoExport.intoStore(Store.open(store), chain.project, chain.branch, Optional.ofNullable(version),
                            layoutJson, owner)
                    : InTotoExport.export(Store.open(store), chain.project, chain.branch, Optional.ofNullable(version),
                            layoutJson, owner, out);
            PrintWriter printed = spec.commandLine().getOut();
            printed.println((toStore ? "layout stored for " : "exported ") + chain.project + "/" + chain.branch
                    + " " + result.release().record().describe() + ": " + result.builders().size()
                    + " agreeing builder links (threshold " + result.threshold() + ") -> " + result.out());
            result.leftOut().forEach(reason -> printed.println("  left out: " + reason));
            if (result.builders().size() < result.threshold()) {
                printed.println("  fewer links than the layout's threshold: in-toto-verify will refuse this release");
            }
            printed.println(result.command());
            printed.flush();
            return 0;
        }
    }
}
