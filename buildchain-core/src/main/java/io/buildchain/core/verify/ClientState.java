package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one client has seen of every store it verified, in one file: the only memory a mirror has to get past.
 * Each store has its own entries ({@link TrustedSet}), keyed by its identity: whom the client trusts (pinned signer
 * key or root key) and the store's own first signer key (the origin of its log and its genesis), so two stores
 * under one root never mix. One line per entry, {@code STORE KIND FIELDS...}:
 * <ul>
 * <li>{@code statement DIGEST}: a root statement seen (a later view must show every one);
 * <li>{@code checkpoint SIGNER SIZE ROOT_HEX SIGNED_TIME}: the newest log checkpoint seen per signer key;
 * <li>{@code tail SIGNER PROJECT BRANCH COUNTER BLOCK VERSION SOURCE_TIME}: the newest tail seen per branch and key;
 * <li>{@code evidence SIGNER BLOCK DIGEST}: the evidence digest the publisher's note of that log bound to a release.
 * <li>{@code counted SIGNER BLOCK DIGEST}: the digest of the requests a bound release's evidence counted, as recounted.
 * </ul>
 * Updates are merged into the file under a lock (read, keep the newer of each entry, write to a temporary file,
 * rename), so clients verifying at the same time lose nothing of each other's.
 */
public final class ClientState {
    /** Fields after STORE and KIND, and how many of them name the entry (the rest is its value). */
    private enum Kind {
        statement(1, 1), checkpoint(4, 1), tail(7, 3), evidence(3, 2), counted(3, 2);

        final int fields;
        final int key;

        Kind(int fields, int key) {
            this.fields = fields;
            this.key = key;
        }

        /** True if {@code candidate} should replace {@code existing} (both this kind's values). */
        boolean newer(String[] candidate, String[] existing) {
            return switch (this) {
                case checkpoint -> Long.parseLong(candidate[1]) > Long.parseLong(existing[1]);
                case tail -> Long.compareUnsigned(Long.parseUnsignedLong(candidate[3]),
                        Long.parseUnsignedLong(existing[3])) >= 0;
                default -> false; // statements, evidence and counts are never replaced
            };
        }
    }

    private final Path file;

    public ClientState(Path file) {
        this.file = file;
    }

    /** {@code $XDG_STATE_HOME/buildchain/client-state}, or {@code ~/.local/state/buildchain/client-state}. */
    public static ClientState defaultLocation() {
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return new ClientState(base.resolve("buildchain").resolve("client-state"));
    }

    public Path file() {
        return file;
    }

    /** A store's identity: the trusted key (pinned signer or root) and the store's first signer key. */
    public static String identity(PublicKey trusted, PublicKey firstSigner) {
        return trusted.base32() + "/" + firstSigner.base32();
    }

    /** What this client has seen of {@code store} (an {@link #identity}), read now. */
    public TrustedSet of(String store) throws IOException {
        Map<String, List<String[]>> entries = new LinkedHashMap<>();
        for (String[] line : read()) {
            if (line[0].equals(store)) {
                entries.computeIfAbsent(line[1], k -> new ArrayList<>())
                        .add(java.util.Arrays.copyOfRange(line, 2, line.length));
            }
        }
        return new TrustedSet(this, store, entries);
    }

    /** Merges {@code added} (lines without the store) for {@code store} into the file, under its lock. */
    void merge(String store, List<String[]> added) throws IOException {
        if (added.isEmpty()) {
            return;
        }
        try (DirectoryLock lock = DirectoryLock.acquire(file.resolveSibling(file.getFileName() + ".lock"))) {
            Map<String, String[]> entries = new LinkedHashMap<>();
            for (String[] line : read()) {
                entries.put(key(line), line);
            }
            for (String[] entry : added) {
                String[] line = new String[entry.length + 1];
                line[0] = store;
                System.arraycopy(entry, 0, line, 1, entry.length);
                check(line, "update");
                String key = key(line);
                String[] existing = entries.get(key);
                if (existing == null || Kind.valueOf(line[1]).newer(values(line), values(existing))) {
                    entries.put(key, line);
                }
            }
            StringBuilder text = new StringBuilder();
            for (String[] line : entries.values()) {
                text.append(String.join(" ", line)).append('\n');
            }
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_READ_WRITE, true);
        }
    }

    private static String[] values(String[] line) {
        return java.util.Arrays.copyOfRange(line, 2, line.length);
    }

    private static String key(String[] line) {
        Kind kind = Kind.valueOf(line[1]);
        return String.join(" ", java.util.Arrays.copyOfRange(line, 0, 2 + kind.key));
    }

    private List<String[]> read() throws IOException {
        List<String[]> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        String[] text = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < text.length; i++) {
            if (!text[i].isBlank()) {
                lines.add(check(text[i].trim().split(" "), file + ":" + (i + 1)));
            }
        }
        return lines;
    }

    private String[] check(String[] line, String where) {
        Kind kind = null;
        if (line.length >= 2) {
            for (Kind k : Kind.values()) {
                kind = k.name().equals(line[1]) ? k : kind;
            }
        }
        if (kind == null || line.length != 2 + kind.fields) {
            throw new FormatException(where + ": expected 'STORE statement|checkpoint|tail|evidence|counted FIELDS...' ("
                    + file + " is the client state: remove the line, or the file, to forget it)");
        }
        return line;
    }
}
