package io.buildchain.core.crypto;

import io.buildchain.core.TextFiles;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.encoding.FixedBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 public key (32 bytes), shown to people in base32 (52 characters). */
public final class PublicKey extends FixedBytes<PublicKey> {
    public static final int LENGTH = 32;

    private PublicKey(byte[] bytes) {
        super(bytes, LENGTH, "Ed25519 public key");
    }

    public static PublicKey wrap(byte[] bytes) {
        return new PublicKey(bytes);
    }

    public static PublicKey wrap(byte[] source, int offset) {
        return new PublicKey(Arrays.copyOfRange(source, offset, offset + LENGTH));
    }

    /** Lenient, as for a key a person typed (lower case and padding accepted). */
    public static PublicKey parse(String base32, String what) {
        return new PublicKey(Base32.decodeLength(base32, LENGTH, what));
    }

    /**
     * A key given on the command line: the base32 key itself, or a file whose first word is one
     * (as written by {@code buildchain keygen --pub-out}).
     */
    public static PublicKey fromArgument(String argument, String what) throws IOException {
        Path file = Path.of(argument);
        if (argument.length() != Base32.encodedLength(LENGTH) && Files.isRegularFile(file)) {
            String text = TextFiles.readUtf8(file, "a base32 public key (such as keygen's --pub-out file; a private key "
                    + "is 32 raw bytes and never goes here)").trim();
            String first = text.isEmpty() ? "" : text.split("\\s+")[0];
            return parse(first, what + " (file " + file + ")");
        }
        return parse(argument, what);
    }

    /** Ed25519 verification (RFC 8032, no prehash, no context) of {@code signature} over the message. */
    public boolean verify(byte[] signature, int signatureOffset, byte[] message, int offset, int length) {
        return Ed25519.verify(signature, signatureOffset, bytes(), 0, message, offset, length);
    }
}
