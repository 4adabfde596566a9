package io.buildchain.cli;

import io.buildchain.core.crypto.KeyFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pubkey", mixinStandardHelpOptions = true, description = "Print the base32 public key of a private key file.")
final class PubkeyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "KEY", description = "Private key file (from 'buildchain keygen').")
    Path key;

    @Override
    public Integer call() throws Exception {
        System.out.println(KeyFiles.read(key).publicKey().base32());
        return 0;
    }
}
