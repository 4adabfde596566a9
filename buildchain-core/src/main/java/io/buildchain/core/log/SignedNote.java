package io.buildchain.core.log;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The frame of the publisher's notes beside a checkpoint ({@link EvidenceNote}, {@link CountedNote}): the origin, the
 * tree size and root of the log the note goes with, one line per release block (its signature, then what the note
 * says of it), then a blank line and one signature line by the publisher's checkpoint request key, the key whose
 * request the checkpoint's own block carries.
 */
final class SignedNote {
    private static final String DASH = "\u2014 ";
    private static final Pattern BLOCK = Pattern.compile("[A-Z2-7]{103}");

    private SignedNote() {
    }

    /** A parsed note: the size of the log it was written for and the value of each block it names, in order. */
    record Entries<T>(long size, Map<String, T> values) {
    }

    /**
     * @param values each block's value, in order
     * @param rest   a value as its line's rest (after the block and a space); empty: the line is the block alone
     */
    static <T> byte[] render(String origin, long size, byte[] root, Map<String, T> values, Function<T, String> rest,
            SigningKey requestKey) {
        StringBuilder text = new StringBuilder(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(root)).append('\n');
        values.forEach((block, value) -> {
            String line = rest.apply(value);
            text.append(block).append(line.isEmpty() ? "" : " ").append(line).append('\n');
        });
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(requestKey.sign(body, 0, body.length));
        return (text + "\n" + DASH + origin + " " + signature + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The size and entries of the note of {@code checkpoint}'s log, after checking its frame and signature. A note
     * for a larger log is used as well (the publisher writes its notes first, so a reader between the writes sees
     * them beside the previous checkpoint); one for a smaller log binds nothing here (empty).
     *
     * @param what   "an evidence note", for messages
     * @param layout "BLOCK_SIGNATURE EVIDENCE_SHA384", for messages
     * @param value  a line's rest (after the block signature and a space; empty without one), or null if malformed
     */
    static <T> Optional<Entries<T>> parse(byte[] note, int maxBytes, String origin, Checkpoint checkpoint, String where,
            String what, String layout, Function<String, T> value) {
        String text = new String(note, StandardCharsets.UTF_8);
        int split = text.indexOf("\n\n");
        if (note.length > maxBytes || split < 0 || !text.endsWith("\n")) {
            throw new FormatException(where + ": expected " + what + " of at most " + maxBytes
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
        Map<String, T> values = new LinkedHashMap<>();
        for (int i = 3; i < lines.length; i++) {
            String block = lines[i].length() < 103 ? "" : lines[i].substring(0, 103);
            String rest = lines[i].length() == 103 ? "" : lines[i].length() > 104 && lines[i].charAt(103) == ' '
                    ? lines[i].substring(104) : null;
            T parsed = rest == null || !BLOCK.matcher(block).matches() || values.containsKey(block) ? null
                    : value.apply(rest);
            if (parsed == null) {
                throw new FormatException(where + ":" + (i + 1) + ": expected '" + layout + "' once a block");
            }
            values.put(block, parsed);
        }
        return Optional.of(new Entries<>(size, values));
    }
}
