package io.buildchain.cli;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.store.Store;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "log-key", mixinStandardHelpOptions = true,
        description = {"Print the publisher's checkpoint request key of a store, making it if the store has none yet.",
            "publish asks the signing node to sign each log checkpoint with this key, so a signer started with "
                + "--allow FILE must list it there; run this before the first publish to set the signer up."})
final class LogKeyCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, paramLabel = "STORE", description = "The store directory.")
    Path store;

    @Mixin
    PublicKeyOutput publicKeyOutput;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Store opened = Store.open(store);
        PublicKey key;
        // Under the store lock, as publish makes it: two first uses never make two keys.
        try (var lock = opened.lock()) {
            key = LogWriter.requestKey(opened, spec.commandLine().getErr()::println).publicKey();
        }
        publicKeyOutput.write(key);
        spec.commandLine().getOut().println(key.base32());
        return 0;
    }
}
