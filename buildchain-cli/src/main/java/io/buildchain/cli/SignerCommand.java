package io.buildchain.cli;

import io.buildchain.core.chain.SignerState;
import io.buildchain.core.chain.SigningNode;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.serial.KeyBirth;
import io.buildchain.serial.SerialLine;
import io.buildchain.serial.SignerDaemon;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "signer", mixinStandardHelpOptions = true,
        description = {"Run the networkless signing node on a serial line (pihsm's protocol: 224-byte requests in, "
                + "400-byte blocks out, silence on invalid input).",
            "Its Ed25519 key is born now from the hardware RNG mixed with the OS CSPRNG and lives only in memory: "
                    + "a restart means a new key. The public key and genesis are printed on standard output (and the key to "
                    + "--pub-out): certify it with 'buildchain root certify' on the offline root machine. "
                    + "Every genesis and block is kept in --state (pihsm's chain store); SIGTERM finishes the request in "
                    + "flight and exits."})
final class SignerCommand implements Callable<Integer> {
    @Option(names = "--port", required = true, paramLabel = "TTY", description = "Serial port, e.g. /dev/ttyAMA0.")
    String port;

    @Option(names = "--baud", defaultValue = "57600", paramLabel = "BAUD", description = "Line rate (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "Audit chain and tail (no secrets).")
    Path state;

    @Option(names = "--allow", paramLabel = "BUILDER_KEYS_FILE",
            description = "Sign only for these builder keys; others get silence and a log line.")
    Path allow;

    @Option(names = "--hwrng", defaultValue = "/dev/hwrng", paramLabel = "PATH",
            description = "Hardware RNG device (default: ${DEFAULT-VALUE}); used when present.")
    Path hwrng;

    @Mixin
    PublicKeyOutput pubOut;

    @Option(names = "--genesis-out", paramLabel = "FILE",
            description = "Also write the genesis signature (base32, one line) to FILE, replacing it atomically.")
    Path genesisOut;

    @Override
    public Integer call() throws Exception {
        Consumer<String> log = line -> System.err.println(Instant.now() + " signer: " + line);
        KeyList allowList = allow == null ? null : KeyList.read(allow);
        SigningKey key = KeyBirth.generate(hwrng, new SecureRandom(), log);
        try (SignerState signerState = SignerState.open(state);
                SerialLine line = SerialLine.open(port, baud)) {
            SigningNode node = SigningNode.start(key, signerState, allowList, Clock.systemUTC());
            SignerDaemon daemon = new SignerDaemon(line, node, log);
            daemon.dropStaleInput();
            pubOut.write(key.publicKey());
            if (genesisOut != null) {
                PublicKeyOutput.writeLine(genesisOut, node.genesis().signatureBase32());
            }
            System.out.println("signer public key: " + key.publicKey());
            System.out.println("genesis: " + node.genesis().signatureBase32());
            System.out.flush();
            if (allowList != null) {
                log.accept("allow-list: " + allowList.size() + " builder key(s) from " + allow);
            }
            Signal.handle(new Signal("TERM"), signal -> daemon.stop());
            Signal.handle(new Signal("INT"), signal -> daemon.stop());
            daemon.serve();
        }
        return 0;
    }
}
