package io.buildchain.core.root;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;

/**
 * Whom a client trusts to have signed a store's blocks: one pinned signer key ({@code --key}), or the
 * offline root key with the certificates and revocations the store holds ({@code --root}). The verifier,
 * the downloader, the pages and Jenkins take this one value and ask it for the store's {@link KeyHistory}.
 */
public sealed interface SignerTrust {
    /** The keys this trust accepts for the blocks of {@code store}. */
    KeyHistory history(StoreReader store) throws IOException;

    /** For summaries: "pinned key X" or "root X". */
    String describe();

    /** The key the client gave: the pinned signer key or the root key. */
    PublicKey trustedKey();

    static SignerTrust pinned(PublicKey key) {
        return new PinnedKey(key);
    }

    static SignerTrust root(PublicKey root) {
        return new Root(root);
    }

    record PinnedKey(PublicKey key) implements SignerTrust {
        @Override
        public KeyHistory history(StoreReader store) {
            return KeyHistory.pinned(key);
        }

        @Override
        public String describe() {
            return "pinned signer key " + key;
        }

        @Override
        public PublicKey trustedKey() {
            return key;
        }
    }

    record Root(PublicKey root) implements SignerTrust {
        @Override
        public KeyHistory history(StoreReader store) throws IOException {
            return KeyHistory.certified(root, RootStatements.read(store), store);
        }

        @Override
        public String describe() {
            return "root " + root;
        }

        @Override
        public PublicKey trustedKey() {
            return root;
        }
    }
}
