package io.buildchain.cli;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.LogAuditor;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"As a monitor, check a store's log of the signer's chain completely: walk every block from the "
                + "newest checkpoint back to the genesis (signatures, counters, previous links), rebuild the Merkle tree "
                + "and require the checkpoint's root, consistent with the checkpoint seen before.",
            "verify --url trusts the log's consistency instead of walking; this is the walk that backs that trust."})
final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "SIGNER_PUB",
            description = "The pinned signer public key (base32), or a file holding it.")
    String key;

    @ArgGroup(exclusive = true, multiplicity = "1")
    StoreSource source;

    @Option(names = "--last-seen", paramLabel = "FILE",
            description = "The client state, where the checkpoint is kept (default: $XDG_STATE_HOME/buildchain/client-state).")
    Path lastSeen;

    @Override
    public Integer call() throws Exception {
        LogAuditor auditor = new LogAuditor(source.open(), PublicKey.fromArgument(key, "--key"));
        ClientState seen = lastSeen != null ? new ClientState(lastSeen) : ClientState.defaultLocation();
        spec.commandLine().getOut().println(auditor.audit(seen).summary());
        return 0;
    }
}
