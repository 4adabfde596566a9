package io.buildchain.core.root;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.encoding.Base32;
import java.nio.charset.StandardCharsets;

/**
 * The root's word that {@code signer} is compromised from the block {@code fromBlock} (counter
 * {@code fromCounter}) on, that block included: every block by the key with that counter or a higher
 * one is refused, and so is every tail that depends on one.
 *
 * <pre>
 * buildchain signer revocation v1
 * root ROOT_KEY
 * signer SIGNER_KEY
 * from COUNTER BLOCK_SIGNATURE
 * signature ROOT_SIGNATURE
 * </pre>
 */
public record Revocation(PublicKey root, PublicKey signer, long fromCounter, String fromBlock, String signature)
        implements RootStatement {
    static final String HEADER = "buildchain signer revocation v1";

    public static Revocation sign(SigningKey root, PublicKey signer, long fromCounter, String fromBlock) {
        String body = body(root.publicKey(), signer, fromCounter, fromBlock);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        return new Revocation(root.publicKey(), signer, fromCounter, fromBlock,
                Base32.encode(root.sign(bytes, 0, bytes.length)));
    }

    @Override
    public String body() {
        return body(root, signer, fromCounter, fromBlock);
    }

    @Override
    public String describe() {
        return "revocation of signer " + signer + " from block counter " + Long.toUnsignedString(fromCounter);
    }

    private static String body(PublicKey root, PublicKey signer, long fromCounter, String fromBlock) {
        return HEADER + "\nroot " + root + "\nsigner " + signer + "\nfrom " + Long.toUnsignedString(fromCounter) + " "
                + fromBlock + "\n";
    }

    static Revocation read(StatementText text) {
        text.header(HEADER);
        PublicKey root = text.key(text.fields("root", 1)[0], "root");
        PublicKey signer = text.key(text.fields("signer", 1)[0], "signer");
        String[] from = text.fields("from", 2);
        long counter = text.counter(from[0], "from counter", 1);
        String block = text.blockName(from[1], "from block");
        String signature = text.fields("signature", 1)[0];
        text.signature(signature, "signature");
        return new Revocation(root, signer, counter, block, signature);
    }
}
