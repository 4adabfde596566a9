package io.buildchain.cli;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.root.SignerTrust;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.Durations;
import java.util.Optional;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What an end user gives to read a store: the pinned signer key or root, where the store is, which chain, client state. */
final class PinnedStoreOptions {
    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Whom to trust for the signer's blocks (one of):%n")
    Pin pin;

    /** Whom to trust for the signer's blocks: exactly one of --key and --root. */
    static final class Pin {
        @Option(names = "--key", required = true, paramLabel = "SIGNER_PUB",
                description = "The pinned signer public key (base32), or a file holding it.")
        String key;

        @Option(names = "--root", required = true, paramLabel = "ROOT_PUB",
                description = "Instead of --key: the offline root public key (base32, or a file holding it); accepts "
                        + "the signer keys it certified in the store's root/statements, across signer restarts.")
        String root;

        SignerTrust trust() throws IOException {
            return key != null ? SignerTrust.pinned(PublicKey.fromArgument(key, "--key"))
                    : SignerTrust.root(PublicKey.fromArgument(root, "--root"));
        }
    }

    // A heading gives the group its own section: without one, picocli lists a mixin's group options twice.
    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Where the store is (one of):%n")
    StoreSource source;

    @Mixin
    ChainOptions chain;

    @Option(names = "--last-seen", paramLabel = "FILE",
            description = "The client state: what you saw of each store before (root statements, log checkpoints, "
                    + "each branch's newest release), so a mirror cannot wind you back (default: "
                    + "$XDG_STATE_HOME/buildchain/client-state). See docs/client-state.md.")
    Path lastSeen;

    @Option(names = "--no-last-seen", description = "Do not read or update the client state: no rollback, withheld-log "
            + "or hidden-revocation protection.")
    boolean noLastSeen;

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "Refuse a store whose newest signed time (its log checkpoint, or its tail) is older than "
                    + "DURATION: 90s, 45m, 12h, 7d (a mirror may be freezing it). Without it the summary prints the age. "
                    + "The publisher keeps it fresh with 'buildchain checkpoint'.")
    String maxAge;

    @Option(names = "--allow-unbound-release", description = "Accept a release without a release record "
            + "(.buildchain/release.json), as stores in the original format have: nothing signed then says which "
            + "project and branch it is for, so a mirror can show it under another branch. Refused by default.")
    boolean allowUnbound;

    @Option(names = "--max-object-mib", paramLabel = "MIB", defaultValue = "1024",
            description = "Read no file of a release without a release record past this size (default: "
                    + "${DEFAULT-VALUE} MiB); raise it for larger files. A release record's signed sizes bound its "
                    + "files exactly. Over HTTP a transfer is also abandoned after 20 s without data, or below "
                    + "1 KiB/s over 10 s.")
    long maxObjectMib;

    ChainVerifier verifier() throws IOException {
        if (maxObjectMib <= 0 || maxObjectMib > Long.MAX_VALUE >> 20) {
            throw new io.buildchain.core.FormatException("--max-object-mib " + maxObjectMib + ": expected a positive "
                    + "number of MiB");
        }
        return new ChainVerifier(source.open(), pin.trust(), maxObjectMib << 20);
    }

    /** What the user asked for: the client state (null with --no-last-seen), unbound releases, the age limit. */
    ChainVerifier.Options options(boolean checkFiles, KeyList trusted, int quorum) {
        ClientState state = noLastSeen ? null : lastSeen != null ? new ClientState(lastSeen) : ClientState.defaultLocation();
        return new ChainVerifier.Options(checkFiles, trusted, quorum, state, allowUnbound
                ? ChainVerifier.UnboundReleases.ALLOW : ChainVerifier.UnboundReleases.REFUSE,
                maxAge == null ? Optional.empty() : Optional.of(Durations.parse(maxAge, "--max-age")));
    }
}
