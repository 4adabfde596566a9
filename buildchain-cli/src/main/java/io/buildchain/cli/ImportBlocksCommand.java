package io.buildchain.cli;

import io.buildchain.core.store.BlockImport;
import io.buildchain.core.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import-blocks", mixinStandardHelpOptions = true,
        description = {"Bring signed blocks into a store's block/: blocks signed outside a publish (a standalone "
                + "'sign', a release whose reply was lost) that later blocks link back through.",
            "publish refuses to move a tail to a block whose chain back to the genesis is not whole in the store, "
                    + "names the missing blocks, and finishes the release once they are imported."})
final class ImportBlocksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "STORE", description = "The store directory.")
    Path store;

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*",
            description = "400-byte block files, or directories to search for them (such as the signer's "
                    + "STATE/chain; files of other sizes there are skipped).")
    List<Path> sources;

    @Override
    public Integer call() throws Exception {
        BlockImport.Counts counts = BlockImport.into(Store.open(store), sources);
        spec.commandLine().getOut().println("imported " + counts.imported() + " block(s) into " + store.resolve("block")
                + (counts.alreadyThere() > 0 ? " (" + counts.alreadyThere() + " already there)" : ""));
        return 0;
    }
}
