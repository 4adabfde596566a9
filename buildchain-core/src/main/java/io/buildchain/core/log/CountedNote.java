package io.buildchain.core.log;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.quorum.RequestLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *                                                       a release whose evidence counted no valid request has none)
 *
 * — buildchain.io/counted/SIGNER_KEY SIGNATURE_BASE64
 * </pre>
 * A separate file, so that the evidence note keeps the format clients that predate this one parse.
 */
public final class CountedNote {
    public static final String FILE = "counted";
    /** About 300 bytes a release of three builders: room for some 50 000 releases. */
    public static final int MAX_BYTES = 16 << 20;
    private static final Pattern BLOCK = Pattern.compile("[A-Z2-7]{103}");
    private static final Pattern COUNTED = Pattern.compile("([A-Z2-7]{52}):(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,19})");

    private final long size;
    private final byte[] root;
    private final Map<String, List<RequestLedger.Counted>> counted;

    public CountedNote(long size, byte[] root, Map<String, List<RequestLedger.Counted>> counted) {
        this.size = size;
        this.root = root.clone();
        this.counted = new LinkedHashMap<>(counted);
    }

    public static String origin(PublicKey signer) {
        return "buildchain.io/counted/" + signer.base32();
    }

    /** What each release block it names counted: the newest request of each builder key in its evidence. */
    public Map<String, List<RequestLedger.Counted>> counted() {
        return counted;
    }

    /** The note for {@code signer}'s log, signed with the publisher's checkpoint request key. */
    public byte[] render(PublicKey signer, SigningKey requestKey) {
        List<String> entries = new ArrayList<>();
        counted.forEach((block, requests) -> {
            StringBuilder line = new StringBuilder(block);
            requests.forEach(r -> line.append(' ').append(r.key().base32()).append(':')
                    .append(Long.toUnsignedString(r.counter())).append(':').append(Long.toUnsignedString(r.timestamp())));
            entries.add(line.toString());
        });
        return SignedNote.render(origin(signer), size, root, entries, requestKey);
    }

    /**
     * Parses the note of {@code checkpoint}'s log and checks it is signed by the key whose request the checkpoint's
     * block carries; empty for a note of a smaller log ({@link SignedNote#parse}).
     */
    public static Optional<CountedNote> parse(byte[] note, Checkpoint checkpoint, String where) {
        Optional<SignedNote.Lines> lines = SignedNote.parse(note, MAX_BYTES, origin(checkpoint.block().publicKey()),
                checkpoint, where, "a note of counted requests");
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<RequestLedger.Counted>> counted = new LinkedHashMap<>();
        for (int i = 0; i < lines.get().entries().size(); i++) {
            String[] fields = lines.get().entries().get(i).split(" ", -1);
            List<RequestLedger.Counted> requests = new ArrayList<>();
            for (int f = 1; f < fields.length; f++) {
                var m = COUNTED.matcher(fields[f]);
                if (!m.matches() || requests.stream().anyMatch(r -> r.key().base32().equals(m.group(1)))) {
                    requests = null;
                    break;
                }
                try {
                    requests.add(new RequestLedger.Counted(PublicKey.parse(m.group(1), where),
                            Long.parseUnsignedLong(m.group(2)), Long.parseUnsignedLong(m.group(3))));
                } catch (NumberFormatException e) {
                    requests = null;
                    break;
                }
            }
            if (requests == null || !BLOCK.matcher(fields[0]).matches() || counted.containsKey(fields[0])) {
                throw new FormatException(SignedNote.line(where, i) + ": expected 'BLOCK_SIGNATURE "
                        + "BUILDER_KEY:COUNTER:TIMESTAMP ...' once a block, each key once");
            }
            counted.put(fields[0], requests);
        }
        return Optional.of(new CountedNote(lines.get().size(), checkpoint.root(), counted));
    }
}
