package io.buildchain.core.log;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The publisher's note of every release's evidence, {@code log/SIGNER_KEY/evidence}, beside the checkpoint: which
 * {@code quorum/BLOCK.json} each release of the log has and its SHA-384, so that evidence, and the requests it counted,
 * cannot be taken away (a missing or shortened file would otherwise read as "nothing counted"). The note names the
 * checkpoint it goes with (size and root) and is signed by the publisher's checkpoint request key: the key whose
 * request the checkpoint's own block carries, so the signed chain names who may sign it. Text, then a blank line and
 * one signature line, as a checkpoint ({@link SignedNote}):
 * <pre>
 * buildchain.io/evidence/SIGNER_KEY
 * TREE_SIZE
 * ROOT_BASE64
 * BLOCK_SIGNATURE EVIDENCE_SHA384   (one line per release with evidence, by counter)
 *
 * — buildchain.io/evidence/SIGNER_KEY SIGNATURE_BASE64
 * </pre>
 * The requests each release counted are in a second note beside it ({@link CountedNote}): this one keeps its format.
 *
 * @param size the tree size of the log the note is for
 * @param evidence the evidence digest of each release block it names, by counter
 */
public record EvidenceNote(long size, byte[] root, Map<String, Digest> evidence) {
    public static final String FILE = "evidence";
    /** About 180 bytes a release: room for some 90 000 releases. */
    public static final int MAX_BYTES = 16 << 20;
    private static final String ORIGIN = "buildchain.io/evidence/";
    private static final Pattern DIGEST = Pattern.compile("[A-Z2-7]{77}");

    /** The note for {@code signer}'s log, signed with the publisher's checkpoint request key. */
    public byte[] render(PublicKey signer, SigningKey requestKey) {
        return SignedNote.render(ORIGIN + signer.base32(), size, root, evidence, Digest::base32, requestKey);
    }

    /**
     * Parses the note of {@code checkpoint}'s log and checks it is signed by the key whose request the checkpoint's
     * block carries; empty for a note of a smaller log ({@link SignedNote#parse}).
     */
    public static Optional<EvidenceNote> parse(byte[] note, Checkpoint checkpoint, String where) {
        return SignedNote.parse(note, MAX_BYTES, ORIGIN + checkpoint.block().publicKey().base32(), checkpoint, where,
                "an evidence note", "BLOCK_SIGNATURE EVIDENCE_SHA384",
                rest -> DIGEST.matcher(rest).matches() ? Digest.parse(rest, where) : null)
                .map(entries -> new EvidenceNote(entries.size(), checkpoint.root(), entries.values()));
    }
}
