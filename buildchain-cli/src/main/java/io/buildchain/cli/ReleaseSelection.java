package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.verify.ChainVerifier;
import picocli.CommandLine.Option;

/** Which release of the branch to verify or download: the tail by default, or an earlier one. */
final class ReleaseSelection {
    @Option(names = "--release", paramLabel = "VERSION",
            description = "An earlier release of the branch, by the version its release record names.")
    String version;

    @Option(names = "--block", paramLabel = "BLOCK_SIGNATURE",
            description = "An earlier release of the branch, by its block's base32 signature.")
    String block;

    ChainVerifier.Selector selector() {
        if (version != null && block != null) {
            throw new FormatException("--release and --block: give one of them");
        }
        return version == null && block == null ? ChainVerifier.Selector.TAIL
                : new ChainVerifier.Selector(block, version);
    }
}
