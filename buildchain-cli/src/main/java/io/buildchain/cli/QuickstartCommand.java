package io.buildchain.cli;

import io.buildchain.cli.quickstart.Quickstart;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Run a whole buildchain network locally on embedded defaults, offline: a sample project built "
                + "by three reproducible build nodes and one that is not, published with quorum 2 by a signer, "
                + "verified and downloaded as an end user would, with the odd builder's divergence explained.",
            "Everything it makes stays under --dir, ready to poke at with the other commands."})
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "buildchain-quickstart",
            description = "Working directory (default: ${DEFAULT-VALUE}); replaced if an earlier quickstart made it.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        new Quickstart(dir, System.out).run();
        return 0;
    }
}
