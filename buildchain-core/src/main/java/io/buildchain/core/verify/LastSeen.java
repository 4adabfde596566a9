package io.buildchain.core.verify;

import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
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
 * {@code SIGNER_KEY PROJECT BRANCH COUNTER BLOCK_SIGNATURE}. {@link HistoryVerifier} applies it.
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

    public void record(String project, String branch, Block tail) throws IOException {
        Map<String, String[]> entries = read();
        entries.put(key(tail, project, branch),
                new String[] {Long.toUnsignedString(tail.counter()), tail.signatureBase32()});
        List<String[]> records = new ArrayList<>();
        entries.forEach((key, value) -> records.add(new String[] {key, value[0], value[1]}));
        TextRecords.write(file, records, AtomicFiles.OWNER_READ_WRITE);
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
