package io.buildchain.core.chain;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.SigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A software signing node with exactly the serial signer's semantics, for development and tests. Its
 * state directory is opened (and locked) only for the duration of one signature.
 */
public final class LocalSigner implements BlockSigner {
    private final SigningKey key;
    private final Path stateDir;
    private final KeyList allowList;
    private final Clock clock;

    /** @param allowList builder keys to sign for, or null for any self-signed request */
    public LocalSigner(SigningKey key, Path stateDir, KeyList allowList, Clock clock) {
        this.key = key;
        this.stateDir = stateDir;
        this.allowList = allowList;
        this.clock = clock;
    }

    /** Signs, or throws with the reason the node refused. */
    public SigningNode.Outcome handle(SignedRequest request) throws IOException {
        try (SignerState state = SignerState.open(stateDir)) {
            return SigningNode.start(key, state, allowList, clock).handle(request.bytes());
        }
    }

    @Override
    public Block sign(SignedRequest request) throws IOException {
        SigningNode.Outcome outcome = handle(request);
        if (outcome instanceof SigningNode.Outcome.Refused refused) {
            throw new SignerRefusedException(refused.reason());
        }
        Block block = outcome instanceof SigningNode.Outcome.Signed s ? s.block()
                : ((SigningNode.Outcome.Repeated) outcome).block();
        return BlockSigner.checkReply(block.bytes(), request, key.publicKey());
    }

    @Override
    public java.util.Optional<io.buildchain.core.crypto.PublicKey> key() {
        return java.util.Optional.of(key.publicKey());
    }

    @Override
    public String describe() {
        return "local signer " + key.publicKey() + " (state " + stateDir + ")";
    }
}
