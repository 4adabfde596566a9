package io.buildchain.core.root;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.encoding.Base32;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The root's word that {@code signer} may sign the blocks of a store from now on, succeeding the key
 * named in {@code follows} whose last block in the store it names (none for a store's first key):
 *
 * <pre>
 * buildchain signer certificate v1
 * root ROOT_KEY
 * signer SIGNER_KEY
 * follows none | follows PREVIOUS_KEY COUNTER BLOCK_SIGNATURE | follows PREVIOUS_KEY 0
 * signature ROOT_SIGNATURE
 * </pre>
 *
 * Counter 0 (no block) says the previous key never signed a block in the store.
 */
public record SignerCertificate(PublicKey root, PublicKey signer, Optional<Predecessor> follows, String signature)
        implements RootStatement {
    static final String HEADER = "buildchain signer certificate v1";

    /** The key this one succeeds and its last block: the point where the history passes to the new key. */
    public record Predecessor(PublicKey key, long lastCounter, Optional<String> lastBlock) {
        String encode() {
            return key + " " + Long.toUnsignedString(lastCounter) + lastBlock.map(b -> " " + b).orElse("");
        }

        public String describe() {
            return key + (lastBlock.isPresent() ? " after its block counter " + Long.toUnsignedString(lastCounter)
                    + " " + lastBlock.get() : " (which signed no block)");
        }
    }

    public static SignerCertificate sign(SigningKey root, PublicKey signer, Optional<Predecessor> follows) {
        String body = body(root.publicKey(), signer, follows);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        return new SignerCertificate(root.publicKey(), signer, follows, Base32.encode(root.sign(bytes, 0, bytes.length)));
    }

    @Override
    public String body() {
        return body(root, signer, follows);
    }

    @Override
    public String describe() {
        return "certificate for signer " + signer;
    }

    private static String body(PublicKey root, PublicKey signer, Optional<Predecessor> follows) {
        return HEADER + "\nroot " + root + "\nsigner " + signer + "\nfollows "
                + follows.map(Predecessor::encode).orElse("none") + "\n";
    }

    static SignerCertificate read(StatementText text) {
        text.header(HEADER);
        PublicKey root = text.key(text.fields("root", 1)[0], "root");
        PublicKey signer = text.key(text.fields("signer", 1)[0], "signer");
        String[] follows = text.fields("follows", 1, 2, 3);
        Optional<Predecessor> predecessor;
        if (follows.length == 1) {
            if (!follows[0].equals("none")) {
                throw text.fail("'follows' takes 'none', 'KEY 0' or 'KEY COUNTER BLOCK'");
            }
            predecessor = Optional.empty();
        } else {
            PublicKey key = text.key(follows[0], "follows");
            long counter = follows.length == 2 ? text.counter(follows[1], "follows counter", 0)
                    : text.counter(follows[1], "follows counter", 1);
            if (follows.length == 2 && counter != 0) {
                throw text.fail("'follows KEY COUNTER' needs the block after the counter (only 0 stands alone)");
            }
            predecessor = Optional.of(new Predecessor(key, counter,
                    follows.length == 3 ? Optional.of(text.blockName(follows[2], "follows block")) : Optional.empty()));
        }
        String signature = text.fields("signature", 1)[0];
        text.signature(signature, "signature");
        return new SignerCertificate(root, signer, predecessor, signature);
    }
}
