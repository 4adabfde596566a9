package io.buildchain.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Create an Ed25519 key (a 32-byte seed in a file readable only by you, mode 0600) and print "
                + "its base32 public key.", "Never overwrites an existing key."})
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "KEY", description = "Where to write the new private key.")
    Path out;

    @Mixin
    PublicKeyOutput pubOut;

    @Override
    public Integer call() throws Exception {
        pubOut.createKey(out, new java.io.PrintWriter(System.out, true));
        return 0;
    }
}
