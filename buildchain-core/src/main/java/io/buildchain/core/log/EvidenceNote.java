package io.buildchain.core.log;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The publisher's note of every release's evidence, {@code log/SIGNER_KEY/evidence}, beside the checkpoint: which
 * {@code quorum/BLOCK.json} each release of the log has and its SHA-384, so that evidence, and the requests it counted,
 * cannot be taken away (a missing or shortened file would otherwise read as "nothing counted"). The note names the
 * checkpoint it goes with (size and root) and is signed by the publisher's checkpoint request key: the key whose
 * request the checkpoint's own block carries, so the signed chain names who may sign it. Text, then a blank line and
 * one signature line, as a checkpoint:
 * <pre>
 * buildchain.io/evidence/SIGNER_KEY
 * TREE_SIZE
 * ROOT_BASE64
 * BLOCK_SIGNATURE EVIDENCE_SHA384   (one line per release with evidence, by counter)
 *
 * — buildchain.io/evidence/SIGNER_KEY SIGNATURE_BASE64
 * </pre>
 */
public final class EvidenceNote {
    public static final String FILE = "evidence";
    /** About 180 bytes a release: room for some 90 000 releases. */
    public static final int MAX_BYTES = 16 << 20;
    private static final String DASH = "\u2014 ";
    private static final Pattern ENTRY = Pattern.compile("[A-Z2-7]{103} [A-Z2-7]{77}");

    private final long size;
    private final byte[] root;
    private final Map<String, Digest> evidence;

    public EvidenceNote(long size, byte[] root, Map<String, Digest> evidence) {
        this.size = size;
        this.root = root.clone();
        this.evidence = new LinkedHashMap<>(evidence);
    }

    public static String origin(PublicKey signer) {
        return "buildchain.io/evidence/" + signer.base32();
    }

    /** The evidence digest of each release block it names. */
    public Map<String, Digest> evidence() {
        return evidence;
    }

    private byte[] body(PublicKey signer) {
        StringBuilder text = new StringBuilder(origin(signer)).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(root)).append('\n');
        evidence.forEach((block, digest) -> text.append(block).append(' ').append(digest.base32()).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The note for {@code signer}'s log, signed with the publisher's checkpoint request key. */
    public byte[] render(PublicKey signer, SigningKey requestKey) {
        byte[] body = body(signer);
        String signature = Base64.getEncoder().encodeToString(requestKey.sign(body, 0, body.length));
        return (new String(body, StandardCharsets.UTF_8) + "\n" + DASH + origin(signer) + " " + signature + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses the note of {@code checkpoint}'s log and checks it is signed by the key whose request the checkpoint's
     * block carries. A note for a larger log is used as well (the publisher writes the note first, so a reader between
     * the two writes sees it beside the previous checkpoint); one for a smaller log binds nothing here (empty).
     */
    public static java.util.Optional<EvidenceNote> parse(byte[] note, Checkpoint checkpoint, String where) {
        PublicKey signer = checkpoint.block().publicKey();
        String text = new String(note, StandardCharsets.UTF_8);
        int split = text.indexOf("\n\n");
        if (note.length > MAX_BYTES || split < 0 || !text.endsWith("\n")) {
            throw new FormatException(where + ": expected an evidence note of at most " + MAX_BYTES
                    + " bytes: text, a blank line and a signature line");
        }
        String[] lines = text.substring(0, split).split("\n", -1);
        String signatureLine = text.substring(split + 2, text.length() - 1);
        String prefix = DASH + origin(signer) + " ";
        if (lines.length < 3 || !lines[0].equals(origin(signer)) || !signatureLine.startsWith(prefix)) {
            throw new FormatException(where + ": not the evidence note of signer " + signer);
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
            return java.util.Optional.empty();
        }
        if (size == checkpoint.size() && !lines[2].equals(Base64.getEncoder().encodeToString(checkpoint.root()))) {
            throw new VerificationException(where + ": the note is for another log of " + size + " blocks than the "
                    + "checkpoint it is served with (a fork)");
        }
        Map<String, Digest> evidence = new LinkedHashMap<>();
        for (int i = 3; i < lines.length; i++) {
            if (!ENTRY.matcher(lines[i]).matches() || evidence.containsKey(lines[i].substring(0, 103))) {
                throw new FormatException(where + ":" + (i + 1) + ": expected 'BLOCK_SIGNATURE EVIDENCE_SHA384' once a block");
            }
            evidence.put(lines[i].substring(0, 103), Digest.parse(lines[i].substring(104), where));
        }
        return java.util.Optional.of(new EvidenceNote(size, checkpoint.root(), evidence));
    }
}
