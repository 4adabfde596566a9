package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.TreeHash;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.TextRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The newest log checkpoint a client accepted per signer key, kept beside last-seen, so that the next
 * checkpoint must be consistent with it (a rolled-back or forked log is refused). One line per log:
 * {@code SIGNER_KEY TREE_SIZE ROOT_HEX}.
 */
public final class SeenCheckpoints {
    private static final String LAYOUT = "SIGNER_KEY TREE_SIZE ROOT_HEX";
    private final Path file;

    SeenCheckpoints(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** A tree head seen before. */
    public record TreeHead(long size, byte[] root) {
    }

    public Optional<TreeHead> get(PublicKey signer) throws IOException {
        String[] r = read().get(signer.base32());
        if (r == null) {
            return Optional.empty();
        }
        if (!r[0].matches("[0-9]{1,18}") || !r[1].matches("[0-9a-f]{" + 2 * TreeHash.SIZE + "}")) {
            throw new FormatException(file + ": expected '" + LAYOUT + "' for " + signer);
        }
        return Optional.of(new TreeHead(Long.parseLong(r[0]), HexFormat.of().parseHex(r[1])));
    }

    public void record(PublicKey signer, Checkpoint checkpoint) throws IOException {
        Map<String, String[]> entries = read();
        entries.put(signer.base32(), new String[] {Long.toString(checkpoint.size()),
            HexFormat.of().formatHex(checkpoint.root())});
        List<String[]> records = new ArrayList<>();
        entries.forEach((key, value) -> records.add(new String[] {key, value[0], value[1]}));
        TextRecords.write(file, records, AtomicFiles.OWNER_READ_WRITE);
    }

    private Map<String, String[]> read() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        for (String[] r : TextRecords.read(file, LAYOUT)) {
            entries.put(r[0], new String[] {r[1], r[2]});
        }
        return entries;
    }
}
