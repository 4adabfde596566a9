package io.buildchain.cli;

import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.intoto.Layout;
import io.buildchain.core.store.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "in-toto-layout", mixinStandardHelpOptions = true,
        description = {"On the offline root machine: sign the in-toto layout of a project/branch with the root key. "
                + "Its step 'build' needs --quorum links from distinct trusted builders that name identical files; "
                + "'export in-toto' hands it to in-toto-verify (docs/in-toto.md)."})
final class InTotoLayoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ChainOptions chain;

    @Option(names = "--root-key", required = true, paramLabel = "ROOT_KEY", description = "The offline root key.")
    Path rootKey;

    @Option(names = "--trust", required = true, paramLabel = "FILE",
            description = "Trusted builder keys, one key per operator (in-toto counts keys, not operators).")
    Path trust;

    @Option(names = "--quorum", required = true, paramLabel = "K", description = "The step's threshold.")
    int quorum;

    @Option(names = "--product", required = true, paramLabel = "PATTERN",
            description = "A pattern (fnmatch) for the release's file names; repeat it. Nothing else may be a product.")
    List<String> products;

    @Option(names = "--expires", required = true, paramLabel = "TIME",
            description = "When in-toto-verify stops accepting the layout, e.g. 2027-12-31T00:00:00Z.")
    String expires;

    @Option(names = "--out", required = true, paramLabel = "LAYOUT", description = "Where to write the signed layout.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Instant until;
        try {
            until = Instant.parse(expires);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--expires " + expires
                    + ": expected a UTC time such as 2027-12-31T00:00:00Z");
        }
        byte[] layout = Layout.sign(chain.project, chain.branch, quorum, KeyList.read(trust), products, until,
                KeyFiles.read(rootKey)).toJson();
        AtomicFiles.write(out, layout, AtomicFiles.OWNER_WRITE_ALL_READ, false);
        PrintWriter printed = spec.commandLine().getOut();
        printed.println("layout " + chain.project + "/" + chain.branch + ": step build, threshold " + quorum
                + ", expires " + until + " -> " + out);
        printed.flush();
        return 0;
    }
}
