package io.buildchain.core.log;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.quorum.RequestLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The publisher's note of the requests each release's evidence counted, {@code log/SIGNER_KEY/counted}, written with
 * the {@link EvidenceNote} and signed the same way ({@link SignedNote}). A Jenkins job's view of a shared store serves
 * only its own releases' evidence; with this note a client still knows what another job's earlier release on the same
 * chain counted (the newest request of each builder key), so a request replayed from it counts zero, without being
 * shown that release. Keys, counters and times only: no project, branch, manifest or file.
 * <pre>
 * buildchain.io/counted/SIGNER_KEY
 * TREE_SIZE
 * ROOT_BASE64
 * BLOCK_SIGNATURE BUILDER_KEY:COUNTER:TIMESTAMP ...   (one line per release the evidence note binds, by counter;
 *                                                       the block alone when its evidence counted no valid request,
 *                                                       no line when its evidence does not parse)
 *
 * — buildchain.io/counted/SIGNER_KEY SIGNATURE_BASE64
 * </pre>
 * A separate file, so that the evidence note keeps the format clients that predate this one parse.
 *
 * @param size the tree size of the log the note is for
 * @param counted what each release block it names counted: the newest request of each builder key in its evidence
 */
public record CountedNote(long size, byte[] root, Map<String, List<RequestLedger.Counted>> counted) {
    public static final String FILE = "counted";
    /** About 300 bytes a release of three builders: room for some 50 000 releases. */
    public static final int MAX_BYTES = 16 << 20;
    private static final Pattern COUNTED = Pattern.compile("([A-Z2-7]{52}):(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,19})");

    /** {@code buildchain.io/counted/SIGNER_KEY}, the note's first line. */
    public static String origin(PublicKey signer) {
        return "buildchain.io/counted/" + signer.base32();
    }

    /** The note for {@code signer}'s log, signed with the publisher's checkpoint request key. */
    public byte[] render(PublicKey signer, SigningKey requestKey) {
        return SignedNote.render(origin(signer), size, root, counted, requests -> String.join(" ", requests.stream()
                .map(RequestLedger.Counted::render).toList()), requestKey);
    }

    /**
     * Parses the note of {@code checkpoint}'s log and checks it is signed by the key whose request the checkpoint's
     * block carries; empty for a note of a smaller log ({@link SignedNote#parse}).
     */
    public static Optional<CountedNote> parse(byte[] note, Checkpoint checkpoint, String where) {
        return SignedNote.parse(note, MAX_BYTES, origin(checkpoint.block().publicKey()), checkpoint, where,
                "a note of counted requests", "BLOCK_SIGNATURE BUILDER_KEY:COUNTER:TIMESTAMP ...",
                rest -> requests(rest, where))
                .map(entries -> new CountedNote(entries.size(), checkpoint.root(), entries.values()));
    }

    /** The requests of a line's rest, or null if it is malformed or names a key twice. */
    private static List<RequestLedger.Counted> requests(String rest, String where) {
        List<RequestLedger.Counted> requests = new ArrayList<>();
        for (String field : rest.isEmpty() ? new String[0] : rest.split(" ", -1)) {
            Matcher m = COUNTED.matcher(field);
            if (!m.matches() || requests.stream().anyMatch(r -> r.key().base32().equals(m.group(1)))) {
                return null;
            }
            try {
                requests.add(new RequestLedger.Counted(PublicKey.parse(m.group(1), where),
                        Long.parseUnsignedLong(m.group(2)), Long.parseUnsignedLong(m.group(3))));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return requests;
    }
}
