package io.buildchain.core.log;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A signed tree head in the C2SP signed-note checkpoint format: origin line, tree size, base64 root hash,
 * then a blank line and signature lines. Ours is signed by a block of the signer's own chain whose
 * request carries SHA-384 of the note text, so no new key is pinned: the signature line holds the
 * 4-byte key ID and the 400-byte block, under signature type 0xff ("buildchain-block").
 */
public final class Checkpoint {
    /** A checkpoint note is small; anything larger is refused before parsing. */
    public static final int MAX_BYTES = 16 * 1024;
    private static final int MAX_SIGNATURES = 16;
    private static final String ORIGIN_PREFIX = "buildchain.io/log/";
    private static final byte[] SIGNATURE_TYPE = "\u00ffbuildchain-block".getBytes(StandardCharsets.ISO_8859_1);
    private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");
    private static final String DASH = "\u2014 ";

    private final PublicKey signer;
    private final long size;
    private final byte[] root;
    private final Block block;

    private Checkpoint(PublicKey signer, long size, byte[] root, Block block) {
        this.signer = signer;
        this.size = size;
        this.root = root.clone();
        this.block = block;
    }

    /** The origin line that names the log of {@code signer}'s chain. */
    public static String origin(PublicKey signer) {
        return ORIGIN_PREFIX + signer.base32();
    }

    /** The note text a checkpoint block signs (its request carries SHA-384 of these bytes). */
    public static byte[] body(PublicKey signer, long size, byte[] root) {
        return (origin(signer) + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A checkpoint signed by {@code block}, which must carry the digest of {@link #body}. */
    public static Checkpoint signed(PublicKey signer, long size, byte[] root, Block block) {
        Checkpoint checkpoint = new Checkpoint(signer, size, root, block);
        checkpoint.verify(signer, "new checkpoint");
        return checkpoint;
    }

    public long size() {
        return size;
    }

    public byte[] root() {
        return root.clone();
    }

    public Block block() {
        return block;
    }

    public byte[] render() {
        byte[] signature = new byte[4 + Block.SIZE];
        System.arraycopy(keyId(signer), 0, signature, 0, 4);
        System.arraycopy(block.bytes(), 0, signature, 4, Block.SIZE);
        String note = new String(body(signer, size, root), StandardCharsets.UTF_8) + "\n" + DASH + origin(signer) + " "
                + Base64.getEncoder().encodeToString(signature) + "\n";
        return note.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a checkpoint note of {@code signer}'s log and checks its signature: strict about every line,
     * bounded in size and signature count; signatures from other keys (witnesses) are skipped.
     */
    public static Checkpoint parse(byte[] note, PublicKey signer, String where) {
        if (note.length > MAX_BYTES) {
            throw new FormatException(where + ": a checkpoint is at most " + MAX_BYTES + " bytes, got " + note.length);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(note)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(where + ": a checkpoint is UTF-8 text");
        }
        if (text.chars().anyMatch(c -> c < 0x20 && c != '\n')) {
            throw new FormatException(where + ": control character in checkpoint");
        }
        int split = text.indexOf("\n\n");
        // At least one signature line after the blank line: "...\n\n" alone is no note.
        if (split < 0 || !text.endsWith("\n") || split + 2 >= text.length()) {
            throw new FormatException(where + ": expected note text, a blank line and signature lines");
        }
        String[] lines = text.substring(0, split).split("\n", -1);
        if (lines.length != 3) {
            throw new FormatException(where + ": expected 3 lines (origin, size, root) before the signatures, got "
                    + lines.length);
        }
        if (!lines[0].equals(origin(signer))) {
            throw new VerificationException(where + ": checkpoint of log \"" + lines[0] + "\", expected \""
                    + origin(signer) + "\"");
        }
        if (!SIZE.matcher(lines[1]).matches()) {
            throw new FormatException(where + ": tree size \"" + lines[1] + "\" is not a decimal number");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new FormatException(where + ": tree size " + lines[1] + " is too large");
        }
        byte[] root = decodeBase64(lines[2], where + ": root hash");
        if (root.length != TreeHash.SIZE || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw new FormatException(where + ": root hash is not 32 bytes in canonical base64");
        }
        String[] signatures = text.substring(split + 2, text.length() - 1).split("\n", -1);
        if (signatures.length > MAX_SIGNATURES) {
            throw new FormatException(where + ": more than " + MAX_SIGNATURES + " signature lines");
        }
        byte[] keyId = keyId(signer);
        Block block = null;
        for (String line : signatures) {
            String[] parts = line.startsWith(DASH) ? line.substring(DASH.length()).split(" ", -1) : new String[0];
            if (parts.length != 2 || parts[0].isEmpty()) {
                throw new FormatException(where + ": signature line \"" + line + "\" is not \"\u2014 NAME BASE64\"");
            }
            byte[] signature = decodeBase64(parts[1], where + ": signature");
            if (!parts[0].equals(origin(signer)) || signature.length < 4 || !Arrays.equals(signature, 0, 4, keyId, 0, 4)) {
                continue;
            }
            if (signature.length != 4 + Block.SIZE || block != null) {
                throw new FormatException(where + ": expected one signature of 4 + " + Block.SIZE + " bytes by "
                        + origin(signer));
            }
            block = Block.decode(Arrays.copyOfRange(signature, 4, signature.length), where + " signature block");
        }
        if (block == null) {
            throw new VerificationException(where + ": checkpoint carries no signature by signer " + signer);
        }
        Checkpoint checkpoint = new Checkpoint(signer, size, root, block);
        checkpoint.verify(signer, where);
        return checkpoint;
    }

    /** The signing block: the pinned key, valid signatures, this note's digest, and later than every leaf. */
    private void verify(PublicKey pinned, String where) {
        if (!block.publicKey().equals(pinned)) {
            throw new VerificationException(where + ": checkpoint signed by " + block.publicKey() + ", not by the pinned key "
                    + pinned);
        }
        block.verifySignature(where + " signature block");
        block.request().verifySignature("request inside " + where + " signature block");
        if (!block.digest().equals(Digest.of(body(signer, size, root)))) {
            throw new VerificationException(where + ": signature block signs " + block.digest()
                    + ", not this checkpoint's text");
        }
        if (Long.compareUnsigned(block.counter(), size) <= 0) {
            throw new VerificationException(where + ": checkpoint of size " + size + " is signed by block counter "
                    + Long.toUnsignedString(block.counter()) + ", which would be inside its own tree");
        }
    }

    /** C2SP key ID: SHA-256(name || 0x0A || type || public key)[:4]. */
    static byte[] keyId(PublicKey signer) {
        var sha = TreeHash.sha256();
        sha.update(origin(signer).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update(SIGNATURE_TYPE);
        return Arrays.copyOf(sha.digest(signer.bytes()), 4);
    }

    private static byte[] decodeBase64(String value, String what) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new FormatException(what + " is not base64");
        }
    }
}
