package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.KeyList;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** Which signing node a publisher uses. */
final class SignerOptions {
    @Option(names = "--signer-key", paramLabel = "SIGNER_KEY",
            description = "Sign with this local signer key (software signing node, for development and tests).")
    Path signerKey;

    @Option(names = "--signer-state", paramLabel = "DIR", description = "The local signer's state directory.")
    Path signerState;

    @Option(names = "--signer-allow", paramLabel = "BUILDER_KEYS_FILE",
            description = "The local signer signs only for these builder keys.")
    Path signerAllow;

    BlockSigner open() throws IOException {
        if (signerKey == null || signerState == null) {
            throw new FormatException("no signer: give --signer-key KEY and --signer-state DIR");
        }
        return new LocalSigner(KeyFiles.read(signerKey), signerState,
                signerAllow == null ? null : KeyList.read(signerAllow), Clock.systemUTC());
    }
}
