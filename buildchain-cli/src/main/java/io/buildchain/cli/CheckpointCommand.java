package io.buildchain.cli;

import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"As the publisher, sign a new log checkpoint over the store's chain without a release, with the "
                + "same signer options as publish.",
            "Clients that verify with --max-age refuse a store whose newest checkpoint is older than they allow (a "
                    + "mirror may be freezing it), so run this on a schedule shorter than the --max-age you tell your "
                    + "users, e.g. every 6 hours from cron or a systemd timer (see docs/client-state.md)."})
final class CheckpointCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, paramLabel = "STORE", description = "The store directory.")
    Path store;

    @ArgGroup(exclusive = true, multiplicity = "1")
    SignerOptions signer;

    @Override
    public Integer call() throws Exception {
        Store opened = Store.open(store);
        Checkpoint checkpoint;
        try (var lock = opened.lock()) {
            opened.cleanTmp();
            checkpoint = new LogWriter(opened, signer.open(), System.err::println, Clock.systemUTC()).refresh();
        }
        System.out.println("checkpoint of " + checkpoint.size() + " blocks signed by block counter "
                + Long.toUnsignedString(checkpoint.block().counter()) + " at "
                + Instant.ofEpochSecond(checkpoint.block().timestamp()));
        return 0;
    }
}
