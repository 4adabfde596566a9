package io.buildchain.core.verify;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A bounded local cache in front of another {@link StoreReader} (the HTTP one): content-addressed files
 * ({@code object/DIGEST}, {@code block/SIGNATURE}) are kept by name and checked against their name again
 * on every read (a poisoned entry is deleted and fetched again); what moves (tails, log checkpoints) is
 * kept with its ETag and asked for with {@code If-None-Match}. The verifier still checks everything it
 * reads; the cache only saves requests.
 */
public final class CachingStoreReader implements StoreReader {
    /** Larger objects stream through uncached. */
    static final int ENTRY_MAX = 8 << 20;
    static final long DEFAULT_BUDGET = 256L << 20;
    private static final Pattern OBJECT = Pattern.compile("object/[A-Z2-7]{77}");
    private static final Pattern BLOCK = Pattern.compile("block/[A-Z2-7]{103}");
    private static final Pattern MUTABLE = Pattern.compile("tail/[^/]+/[^/]+|log/[A-Z2-7]{52}/(checkpoint|evidence|counted)");

    private final StoreReader origin;
    private final Path dir;
    private final long budget;
    private long used = -1;

    public CachingStoreReader(StoreReader origin, Path dir, long budget) {
        this.origin = origin;
        this.dir = dir;
        this.budget = budget;
    }

    /** {@code $XDG_CACHE_HOME/buildchain}, or {@code ~/.cache/buildchain}. */
    public static Path defaultLocation() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("buildchain");
    }

    /** {@code origin} behind the default cache location and budget. */
    public static StoreReader wrap(StoreReader origin) {
        return new CachingStoreReader(origin, defaultLocation(), DEFAULT_BUDGET);
    }

    @Override
    public byte[] read(String path, int maxBytes) throws IOException {
        if (isContentAddressed(path)) {
            byte[] cached = cached(path, maxBytes);
            if (cached != null) {
                return cached;
            }
            byte[] fetched = origin.read(path, maxBytes);
            keep(path, fetched);
            return fetched;
        }
        if (MUTABLE.matcher(path).matches()) {
            return readMutable(path, maxBytes);
        }
        return origin.read(path, maxBytes);
    }

    @Override
    public InputStream open(String path, long maxBytes) throws IOException {
        if (!OBJECT.matcher(path).matches()) {
            return origin.open(path, maxBytes);
        }
        // The caller's bound holds for cached copies too: a larger one is not served from here.
        int entryMax = (int) Math.min(ENTRY_MAX, maxBytes);
        byte[] cached = cached(path, entryMax);
        if (cached != null) {
            return new ByteArrayInputStream(cached);
        }
        InputStream in = origin.open(path, maxBytes);
        byte[] head = in.readNBytes(entryMax + 1);
        if (head.length > entryMax) {
            return new SequenceInputStream(new ByteArrayInputStream(head), in);
        }
        in.close();
        keep(path, head);
        return new ByteArrayInputStream(head);
    }

    @Override
    public boolean serves(String path, long maxBytes) throws IOException {
        return origin.serves(path, maxBytes);
    }

    @Override
    public String describe(String path) {
        return origin.describe(path);
    }

    static boolean isContentAddressed(String path) {
        return OBJECT.matcher(path).matches() || BLOCK.matcher(path).matches();
    }

    /**
     * True if {@code content} is what {@code path} names: its SHA-384, or a 400-byte block carrying that
     * signature, valid for the key inside it (the name alone covers only the signature bytes).
     */
    static boolean matchesName(String path, byte[] content) {
        String name = path.substring(path.indexOf('/') + 1);
        if (path.startsWith("object/")) {
            return Digest.of(content).base32().equals(name);
        }
        if (content.length != Block.SIZE || !Base32.encode(Arrays.copyOf(content, 64)).equals(name)) {
            return false;
        }
        try {
            Block.decode(content, path).verifySignature(path);
            return true;
        } catch (BuildchainException e) {
            return false;
        }
    }

    /** The cached copy if it still matches its name; a poisoned one is deleted (and then fetched again). */
    private byte[] cached(String path, int maxBytes) throws IOException {
        Path file = dir.resolve(path);
        if (!Files.isRegularFile(file) || Files.size(file) > maxBytes) {
            return null;
        }
        byte[] content = Files.readAllBytes(file);
        if (!matchesName(path, content)) {
            Files.deleteIfExists(file);
            used = -1;
            return null;
        }
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        return content;
    }

    private void keep(String path, byte[] content) throws IOException {
        if (content.length <= ENTRY_MAX && matchesName(path, content)) {
            store(dir.resolve(path), content);
        }
    }

    /** Tails and checkpoints: a conditional request, answered from the copy on 304. */
    private byte[] readMutable(String path, int maxBytes) throws IOException {
        Path file = dir.resolve("mutable").resolve(HexFormat.of().formatHex(
                Digest.of(origin.describe(path).getBytes(StandardCharsets.UTF_8)).bytes(), 0, 24));
        String etag = null;
        byte[] copy = null;
        if (Files.isRegularFile(file) && Files.size(file) <= maxBytes + 1024) {
            byte[] entry = Files.readAllBytes(file);
            int newline = indexOf(entry, (byte) '\n');
            if (newline > 0) {
                etag = new String(entry, 0, newline, StandardCharsets.UTF_8);
                copy = Arrays.copyOfRange(entry, newline + 1, entry.length);
            }
        }
        Fetched fetched = origin.readIfChanged(path, maxBytes, copy == null ? null : etag);
        if (fetched.notModified()) {
            return copy;
        }
        byte[] bytes = fetched.bytes();
        if (fetched.etag() != null && !fetched.etag().contains("\n")) {
            byte[] tag = (fetched.etag() + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] entry = Arrays.copyOf(tag, tag.length + bytes.length);
            System.arraycopy(bytes, 0, entry, tag.length, bytes.length);
            store(file, entry);
        }
        if (path.startsWith("tail/") && bytes.length == Block.SIZE) {
            // The tail is a block too: keep it by signature, so a later proof about it costs no request.
            keep("block/" + Base32.encode(Arrays.copyOf(bytes, 64)), bytes);
        }
        return bytes;
    }

    /** Keeps an entry; a cache that cannot be written (read-only home, full disk) only costs requests. */
    private void store(Path file, byte[] content) {
        try {
            Files.createDirectories(dir);
            Path staging = dir.resolve("tmp");
            long before = Files.isRegularFile(file) ? Files.size(file) : 0;
            AtomicFiles.write(file, staging, out -> out.write(content), AtomicFiles.OWNER_READ_WRITE, true);
            if (used >= 0) {
                used += content.length - before;
            }
            if (used < 0 || used > budget) {
                evict();
            }
        } catch (IOException e) {
            used = -1;
        }
    }

    /** Drops the least recently used entries until the cache is within its budget. */
    private void evict() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("object", "block", "mutable")) {
            Path d = dir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
                    entries.forEach(files::add);
                }
            }
        }
        long total = 0;
        List<Entry> entries = new ArrayList<>();
        for (Path f : files) {
            Entry entry = new Entry(f, Files.size(f), Files.getLastModifiedTime(f));
            total += entry.size();
            entries.add(entry);
        }
        entries.sort(Comparator.comparing(Entry::lastUsed));
        for (Entry entry : entries) {
            if (total <= budget) {
                break;
            }
            Files.deleteIfExists(entry.file());
            total -= entry.size();
        }
        used = total;
    }

    private record Entry(Path file, long size, FileTime lastUsed) {
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
