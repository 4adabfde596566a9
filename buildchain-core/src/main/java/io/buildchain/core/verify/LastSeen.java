package io.buildchain.core.verify;

import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.TextRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client's memory of the newest tail it accepted per signer key, project and branch, so that a mirror
 * or a compromised server cannot roll a branch back to an older release or fork it. One line per tail:
 * {@code SIGNER_KEY PROJECT BRANCH COUNTER BLOCK_SIGNATURE}. {@link HistoryVerifier} applies it per key. Under a
 * root key, one more line per root remembers the certificate set seen:
 * {@code root:ROOT_KEY - - STATEMENTS NEWEST_SIGNER_KEY}.
 */
public final class LastSeen {
    private final Path file;

    public LastSeen(Path file) {
        this.file = file;
    }

    /** {@code $XDG_STATE_HOME/buildchain/last-seen}, or {@code ~/.local/state/buildchain/last-seen}. */
    public static LastSeen defaultLocation() {
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return new LastSeen(base.resolve("buildchain").resolve("last-seen"));
    }

    public Path file() {
        return file;
    }

    /** A tail accepted before. */
    public record Seen(long counter, String signature) {
    }

    /** The tail of {@code project}/{@code branch} in {@code signer}'s chain accepted before, if any. */
    public Optional<Seen> seen(PublicKey signer, String project, String branch) throws IOException {
        String[] seen = read().get(signer.base32() + " " + project + " " + branch);
        return seen == null ? Optional.empty() : Optional.of(new Seen(Long.parseUnsignedLong(seen[0]), seen[1]));
    }

    /** Every block of {@code signer}'s chain accepted before as a tail of any branch, by counter. */
    public Map<Long, String> seenBlocks(PublicKey signer) throws IOException {
        Map<Long, String> blocks = new HashMap<>();
        read().forEach((key, value) -> {
            if (key.startsWith(signer.base32() + " ")) {
                blocks.put(Long.parseUnsignedLong(value[0]), value[1]);
            }
        });
        return blocks;
    }

    /** The log checkpoints accepted before, kept beside this file. */
    public SeenCheckpoints checkpoints() {
        return new SeenCheckpoints(file.resolveSibling(file.getFileName() + "-checkpoints"));
    }

    /**
     * The checks across keys under a root (nothing for a pinned key): a certificate set older than one seen
     * before, or a tail of this branch by an older key than one seen before, is a rollback; moving forward onto
     * a newly certified key is not.
     *
     * @param tailKey the era of the key that signed the tail
     */
    public void checkKeys(String project, String branch, KeyHistory.Era tailKey, KeyHistory keys) throws IOException {
        if (keys.root().isEmpty()) {
            return;
        }
        Map<String, String[]> entries = read();
        String[] certificates = entries.get(rootKey(keys));
        if (certificates != null && (keys.era(PublicKey.parse(certificates[1], file.toString())).isEmpty()
                || keys.statements() < Integer.parseInt(certificates[0]))) {
            throw new TrustRefusal(TrustRefusal.Cause.ROLLBACK, "the store shows an older certificate set ("
                    + keys.statements() + " statement(s), newest key "
                    + keys.current().map(e -> e.key().base32()).orElse("none") + ") than seen before ("
                    + certificates[0] + ", newest key " + certificates[1] + ") (" + file + ")");
        }
        for (KeyHistory.Era newer : keys.eras().subList(tailKey.number(), keys.eras().size())) {
            if (entries.containsKey(newer.key().base32() + " " + project + " " + branch)) {
                throw new TrustRefusal(TrustRefusal.Cause.ROLLBACK, "tail " + project + "/" + branch + " is signed by key #"
                        + tailKey.number() + " " + tailKey.key() + ", but a tail by the newer key #" + newer.number() + " "
                        + newer.key() + " was seen before (" + file + ")");
            }
        }
    }

    /** Records {@code tail}, and under a root the certificate set it was verified with. */
    public void record(String project, String branch, Block tail, KeyHistory keys) throws IOException {
        Map<String, String[]> entries = read();
        entries.put(key(tail, project, branch),
                new String[] {Long.toUnsignedString(tail.counter()), tail.signatureBase32()});
        if (keys.root().isPresent() && keys.current().isPresent()) {
            entries.put(rootKey(keys), new String[] {Integer.toString(keys.statements()),
                keys.current().get().key().base32()});
        }
        List<String[]> records = new ArrayList<>();
        entries.forEach((key, value) -> records.add(new String[] {key, value[0], value[1]}));
        TextRecords.write(file, records, AtomicFiles.OWNER_READ_WRITE);
    }

    private static String rootKey(KeyHistory keys) {
        return "root:" + keys.root().orElseThrow() + " - -";
    }

    private static String key(Block tail, String project, String branch) {
        return tail.publicKey().base32() + " " + project + " " + branch;
    }

    private Map<String, String[]> read() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        for (String[] r : TextRecords.read(file, "SIGNER_KEY PROJECT BRANCH COUNTER BLOCK_SIGNATURE")) {
            entries.put(r[0] + " " + r[1] + " " + r[2], new String[] {r[3], r[4]});
        }
        return entries;
    }
}
