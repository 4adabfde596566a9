package io.buildchain.core.log;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 */
public final class EvidenceNote {
    public static final String FILE = "evidence";
    /** About 180 bytes a release: room for some 90 000 releases. */
    public static final int MAX_BYTES = 16 << 20;
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

    /** The note for {@code signer}'s log, signed with the publisher's checkpoint request key. */
    public byte[] render(PublicKey signer, SigningKey requestKey) {
        List<String> entries = new ArrayList<>();
        evidence.forEach((block, digest) -> entries.add(block + " " + digest.base32()));
        return SignedNote.render(origin(signer), size, root, entries, requestKey);
    }

    /**
     * Parses the note of {@code checkpoint}'s log and checks it is signed by the key whose request the checkpoint's
     * block carries; empty for a note of a smaller log ({@link SignedNote#parse}).
     */
    public static Optional<EvidenceNote> parse(byte[] note, Checkpoint checkpoint, String where) {
        Optional<SignedNote.Lines> lines = SignedNote.parse(note, MAX_BYTES, origin(checkpoint.block().publicKey()),
                checkpoint, where, "an evidence note");
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Digest> evidence = new LinkedHashMap<>();
        for (int i = 0; i < lines.get().entries().size(); i++) {
            String line = lines.get().entries().get(i);
            if (!ENTRY.matcher(line).matches() || evidence.containsKey(line.substring(0, 103))) {
                throw new FormatException(SignedNote.line(where, i) + ": expected 'BLOCK_SIGNATURE EVIDENCE_SHA384' once a block");
            }
            evidence.put(line.substring(0, 103), Digest.parse(line.substring(104), where));
        }
        return Optional.of(new EvidenceNote(lines.get().size(), checkpoint.root(), evidence));
    }
}
