package io.buildchain.cli;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.LastSeen;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"As an end user, check a published release offline against the pinned signer key: "
                + "tail -> block (signer and builder signatures) -> manifest -> every file's sha384, and the "
                + "previous links back to the signer's genesis with continuous counters.",
            "With --quorum and --trust, recount the recorded vote with your own trusted builder keys. Refuses a "
                    + "tail older than, or forked from, one seen before (see --last-seen)."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "SIGNER_PUB",
            description = "The pinned signer public key (base32), or a file holding it.")
    String key;

    @ArgGroup(exclusive = true, multiplicity = "1")
    StoreSource source;

    @Mixin
    ChainOptions chain;

    @Option(names = "--quorum", paramLabel = "K", description = "Require K of your trusted builders in the recorded vote.")
    Integer quorum;

    @Option(names = "--trust", paramLabel = "TRUSTED_KEYS_FILE", description = "Your trusted builder keys.")
    Path trust;

    @Option(names = "--no-files", description = "Check the chain and manifest only, not every file's content.")
    boolean noFiles;

    @Option(names = "--last-seen", paramLabel = "FILE",
            description = "Rollback/fork memory (default: $XDG_STATE_HOME/buildchain/last-seen).")
    Path lastSeen;

    @Option(names = "--no-last-seen", description = "Do not read or update the last-seen file.")
    boolean noLastSeen;

    @Override
    public Integer call() throws Exception {
        if ((quorum == null) != (trust == null)) {
            throw new io.buildchain.core.FormatException("--quorum and --trust go together");
        }
        ChainVerifier verifier = new ChainVerifier(source.open(), PublicKey.fromArgument(key, "--key"));
        LastSeen seen = noLastSeen ? null : lastSeen != null ? new LastSeen(lastSeen) : LastSeen.defaultLocation();
        ChainVerifier.Options options = new ChainVerifier.Options(!noFiles, trust == null ? null : KeyList.read(trust),
                quorum == null ? 0 : quorum, seen);
        System.out.print(verifier.verify(chain.project, chain.branch, options).summary());
        return 0;
    }
}
