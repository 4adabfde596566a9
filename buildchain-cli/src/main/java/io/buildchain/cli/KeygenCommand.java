package io.buildchain.cli;

import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.store.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Create an Ed25519 key (a 32-byte seed in a file readable only by you, mode 0600) and print "
                + "its base32 public key.", "Never overwrites an existing key."})
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "KEY", description = "Where to write the new private key.")
    Path out;

    @Option(names = "--pub-out", paramLabel = "FILE", description = "Also write the public key (base32) to FILE.")
    Path pubOut;

    @Override
    public Integer call() throws Exception {
        SigningKey key = KeyFiles.create(out, new SecureRandom());
        String pub = key.publicKey().base32();
        if (pubOut != null) {
            AtomicFiles.write(pubOut, (pub + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_WRITE_ALL_READ, true);
        }
        System.out.println(pub);
        return 0;
    }
}
