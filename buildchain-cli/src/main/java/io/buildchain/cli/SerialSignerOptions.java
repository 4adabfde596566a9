package io.buildchain.cli;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.serial.SerialSigner;
import java.io.IOException;
import picocli.CommandLine.Option;

/** A signing node reached over a serial line. */
final class SerialSignerOptions {
    @Option(names = "--port", required = true, paramLabel = "TTY", description = "Serial port to the signing node.")
    String port;

    @Option(names = "--baud", defaultValue = "57600", paramLabel = "BAUD", description = "Line rate (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--expect-key", required = true, paramLabel = "SIGNER_PUB",
            description = "The signing node's pinned public key (base32, or a file holding it).")
    String expectKey;

    SerialSigner open() throws IOException {
        return new SerialSigner(port, baud, PublicKey.fromArgument(expectKey, "--expect-key"),
                line -> System.err.println("buildchain: " + line));
    }
}
