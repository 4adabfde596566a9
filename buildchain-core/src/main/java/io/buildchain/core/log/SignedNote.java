package io.buildchain.core.log;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The frame of the publisher's notes beside a checkpoint ({@link EvidenceNote}, {@link CountedNote}): the origin, the
 * tree size and root of the log the note goes with, one entry a line, then a blank line and one signature line by the
 * publisher's checkpoint request key, the key whose request the checkpoint's own block carries.
 */
final class SignedNote {
    private static final String DASH = "\u2014 ";

    private SignedNote() {
    }

    /** A parsed note: the size of the log it was written for and its entry lines. */
    record Lines(long size, List<String> entries) {
    }

    static byte[] render(String origin, long size, byte[] root, List<String> entries, SigningKey requestKey) {
        StringBuilder text = new StringBuilder(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(root)).append('\n');
        entries.forEach(entry -> text.append(entry).append('\n'));
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(requestKey.sign(body, 0, body.length));
        return (text + "\n" + DASH + origin + " " + signature + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The size and entry lines of the note of {@code checkpoint}'s log, after checking its frame and signature. A note for a
     * larger log is used as well (the publisher writes its notes first, so a reader between the writes sees them beside
     * the previous checkpoint); one for a smaller log binds nothing here (empty).
     *
     * @param what "an evidence note", for messages
     */
    static Optional<Lines> parse(byte[] note, int maxBytes, String origin, Checkpoint checkpoint, String where,
            String what) {
        String text = new String(note, StandardCharsets.UTF_8);
        int split = text.indexOf("\n\n");
        if (note.length > maxBytes || split < 0 || !text.endsWith("\n")) {
            throw new FormatException(where + ": expected an " + what + " of at most " + maxBytes
                    + " bytes: text, a blank line and a signature line");
        }
        String[] lines = text.substring(0, split).split("\n", -1);
        String signatureLine = text.substring(split + 2, text.length() - 1);
        String prefix = DASH + origin + " ";
        PublicKey signer = checkpoint.block().publicKey();
        if (lines.length < 3 || !lines[0].equals(origin) || !signatureLine.startsWith(prefix)) {
            throw new FormatException(where + ": not " + what + " of signer " + signer);
        }
        byte[] body = text.substring(0, split + 1).getBytes(StandardCharsets.UTF_8);
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureLine.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new FormatException(where + ": signature is not base64");
        }
        PublicKey publisher = checkpoint.block().request().publicKey();
        if (signature.length != 64 || !publisher.verify(signature, 0, body, 0, body.length)) {
            throw new VerificationException(where + ": not signed by the publisher's key " + publisher
                    + ", whose request signs the checkpoint");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,17}")) {
            throw new FormatException(where + ": tree size \"" + lines[1] + "\" is not a decimal number");
        }
        long size = Long.parseLong(lines[1]);
        if (size < checkpoint.size()) {
            return Optional.empty();
        }
        if (size == checkpoint.size() && !lines[2].equals(Base64.getEncoder().encodeToString(checkpoint.root()))) {
            throw new VerificationException(where + ": the note is for another log of " + size + " blocks than the "
                    + "checkpoint it is served with (a fork)");
        }
        return Optional.of(new Lines(size, Arrays.asList(lines).subList(3, lines.length)));
    }

    /** {@code where}'s line number of entry {@code index}, for messages. */
    static String line(String where, int index) {
        return where + ":" + (index + 4);
    }
}
