package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A client's memory of the newest tail it accepted per signer key, project and branch, so that a mirror
 * or a compromised server cannot roll a branch back to an older release or fork it. One line per tail:
 * {@code SIGNER_KEY PROJECT BRANCH COUNTER BLOCK_SIGNATURE}.
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

    /**
     * Fails if {@code tail} is older than, or not a descendant of, the tail seen before.
     *
     * @param ancestors signatures (base32) of every block walked back from {@code tail}
     */
    public void check(String project, String branch, Block tail, Set<String> ancestors) throws IOException {
        String[] seen = read().get(key(tail, project, branch));
        if (seen == null) {
            return;
        }
        long seenCounter = Long.parseUnsignedLong(seen[0]);
        String seenSignature = seen[1];
        String where = project + "/" + branch;
        if (Long.compareUnsigned(tail.counter(), seenCounter) < 0) {
            throw new VerificationException("rollback: tail " + where + " is at counter "
                    + Long.toUnsignedString(tail.counter()) + ", but counter " + seenCounter
                    + " was seen before (" + file + ")");
        }
        if (!seenSignature.equals(tail.signatureBase32()) && !ancestors.contains(seenSignature)) {
            throw new VerificationException("fork: tail " + where + " does not descend from block " + seenSignature
                    + " (counter " + seenCounter + ") seen before (" + file + ")");
        }
    }

    public void record(String project, String branch, Block tail) throws IOException {
        Map<String, String[]> entries = read();
        entries.put(key(tail, project, branch),
                new String[] {Long.toUnsignedString(tail.counter()), tail.signatureBase32()});
        StringBuilder out = new StringBuilder();
        entries.forEach((key, value) -> out.append(key).append(' ').append(value[0]).append(' ').append(value[1])
                .append('\n'));
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE, true);
    }

    private static String key(Block tail, String project, String branch) {
        return tail.publicKey().base32() + " " + project + " " + branch;
    }

    private Map<String, String[]> read() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return entries;
        }
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] parts = lines[i].trim().split(" ");
            if (parts.length != 5) {
                throw new FormatException(file + ":" + (i + 1) + ": expected 'KEY PROJECT BRANCH COUNTER SIGNATURE'");
            }
            entries.put(parts[0] + " " + parts[1] + " " + parts[2], new String[] {parts[3], parts[4]});
        }
        return entries;
    }
}
