package io.buildchain.cli;

import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.KeyList;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Which signing node a publisher uses: one on a serial line, or a local key (development and tests). */
final class SignerOptions {
    @ArgGroup(exclusive = false, heading = "Signing node on a serial line:%n")
    SerialSignerOptions serial;

    @ArgGroup(exclusive = false, heading = "Local software signer (development and tests):%n")
    Local local;

    static final class Local {
        @Option(names = "--signer-key", required = true, paramLabel = "SIGNER_KEY", description = "The signer's private key.")
        Path key;

        @Option(names = "--signer-state", required = true, paramLabel = "DIR", description = "The signer's state directory.")
        Path state;

        @Option(names = "--signer-allow", paramLabel = "BUILDER_KEYS_FILE",
                description = "The local signer signs only for these builder keys.")
        Path allow;
    }

    BlockSigner open() throws IOException {
        if (serial != null) {
            return serial.open();
        }
        return localSigner(local.key, local.state, local.allow);
    }

    /** A software signing node from its key file, state directory and optional allow-list file. */
    static LocalSigner localSigner(Path key, Path state, Path allow) throws IOException {
        return new LocalSigner(KeyFiles.read(key), state, allow == null ? null : KeyList.read(allow), Clock.systemUTC());
    }
}
