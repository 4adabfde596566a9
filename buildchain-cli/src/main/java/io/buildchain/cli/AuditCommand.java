package io.buildchain.cli;

import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.LogAuditor;
import io.buildchain.core.verify.StoreReader;
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
            "verify --url trusts the log's consistency instead of walking; this is the walk that backs that trust. With "
                    + "--root, every signer key the root certified in the store is audited."})
final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Whose log to audit (one of):%n")
    PinnedStoreOptions.Pin pin;

    @ArgGroup(exclusive = true, multiplicity = "1")
    StoreSource source;

    @Option(names = "--last-seen", paramLabel = "FILE",
            description = "The client state, where the checkpoint is kept (default: $XDG_STATE_HOME/buildchain/client-state).")
    Path lastSeen;

    @Override
    public Integer call() throws Exception {
        StoreReader store = source.open();
        ClientState seen = lastSeen != null ? new ClientState(lastSeen) : ClientState.defaultLocation();
        // Under --root, every key the root certified in the store, each as if it were pinned.
        LogAuditor.auditEach(store, pin.trust().history(store), seen).forEach(spec.commandLine().getOut()::println);
        return 0;
    }
}
