package io.buildchain.cli;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.verify.ChainVerifier;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"As an end user, check a published release offline against the pinned signer key: "
                + "tail -> block (signer and builder signatures) -> manifest -> every file's sha384, and the "
                + "previous links back to the signer's genesis with continuous counters.",
            "With --quorum and --trust, recount the recorded vote with your own trusted builder keys (requests "
                    + "counted in an earlier release count zero); without them the vote is NOT recounted, and the "
                    + "summary says so. Refuses a tail older than, or forked from, one seen before, a store that no "
                    + "longer shows a log or a root statement it showed before, a newest release older than the one "
                    + "seen before (see --last-seen and docs/client-state.md), a release whose record names another "
                    + "project or branch, and a release without a record (see --allow-unbound-release).",
            "--release or --block verifies an earlier release of the branch the same way, and that it is on the "
                    + "chain of the branch's tail."})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    PinnedStoreOptions store;

    @Option(names = "--quorum", paramLabel = "K", description = "Require K of your trusted builders in the recorded vote.")
    Integer quorum;

    @Option(names = "--trust", paramLabel = "TRUSTED_KEYS_FILE", description = "Your trusted builder keys.")
    Path trust;

    @Option(names = "--no-files", description = "Check the chain and manifest only, not every file's content.")
    boolean noFiles;

    @Mixin
    ReleaseSelection release;

    @Override
    public Integer call() throws Exception {
        if ((quorum == null) != (trust == null)) {
            throw new io.buildchain.core.FormatException("--quorum and --trust go together");
        }
        ChainVerifier verifier = store.verifier();
        ChainVerifier.Options options = store.options(!noFiles, trust == null ? null : KeyList.read(trust),
                quorum == null ? 0 : quorum);
        System.out.print(verifier.verify(store.chain.project, store.chain.branch, release.selector(), options).summary());
        return 0;
    }
}
