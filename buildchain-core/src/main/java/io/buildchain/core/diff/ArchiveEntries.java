package io.buildchain.core.diff;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipExtraField;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Lists the entries of zip/jar and tar(.gz/.xz/.bz2/.zst) archives with every fact that makes two builds
 * differ: content, size, mode (zip external attributes included), owner, time, order, compression method,
 * extra fields and the archive comment. Zip is read through its central directory (where the modes are);
 * everything read counts against a {@link ReadBounds}.
 */
public final class ArchiveEntries {
    private ArchiveEntries() {
    }

    /**
     * One archive entry.
     *
     * @param position   its place in the archive (central directory order for zip, stream order for tar)
     * @param sha256     of the content; null for directories
     * @param time       seconds; for {@code localTime} the wall-clock fields of a zip (DOS) time read as if UTC
     * @param localTime  a zip DOS time, which records no zone; false for tar and zip extended timestamps (UTC)
     * @param mode       Unix permission bits, or -1 when the archive does not record them
     * @param attributes zip: external attributes and host system; empty for tar
     * @param owner      "uid/gid user/group" for tar entries, empty for zip
     * @param method     zip compression method, empty for tar
     * @param extra      zip extra field ids, tar PAX header names
     */
    public record Entry(String name, int position, boolean directory, long size, byte[] sha256, long time,
            boolean localTime, int mode, String attributes, String owner, String method, long compressedSize,
            String extra) {

        boolean sameContent(Entry other) {
            return size == other.size && java.util.Arrays.equals(sha256, other.sha256);
        }
    }

    /** An archive's entries in archive order; {@code problem} says why the listing stopped early, if it did. */
    public record Listing(String kind, List<Entry> entries, String comment, String problem) {
        Map<String, Entry> byName() {
            Map<String, Entry> map = new HashMap<>();
            for (Entry entry : entries) {
                map.put(entry.name(), entry);
            }
            return map;
        }
    }

    /** The bytes of an archive: a file, or an entry of an outer archive held in memory. */
    record Source(Path file, byte[] bytes) {
        static Source of(Path file) {
            return new Source(file, null);
        }

        static Source of(byte[] bytes) {
            return new Source(null, bytes);
        }

        long size() throws IOException {
            return bytes != null ? bytes.length : Files.size(file);
        }

        InputStream open() throws IOException {
            return bytes != null ? new ByteArrayInputStream(bytes) : new BufferedInputStream(Files.newInputStream(file), 65536);
        }

        SeekableByteChannel channel() throws IOException {
            return bytes != null ? new SeekableInMemoryByteChannel(bytes) : Files.newByteChannel(file);
        }
    }

    /** The archive kind a file name suggests, if it is one we can list. */
    public static Optional<String> kind(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".zip", ".jar", ".war", ".ear", ".aar", ".apk", ".whl", ".nupkg", ".hpi",
            ".jpi"}) {
            if (lower.endsWith(ext)) {
                return Optional.of("zip");
            }
        }
        if (lower.endsWith(".tar")) {
            return Optional.of("tar");
        }
        if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
            return Optional.of("tar.gz");
        }
        if (lower.endsWith(".tar.xz") || lower.endsWith(".txz")) {
            return Optional.of("tar.xz");
        }
        if (lower.endsWith(".tar.bz2") || lower.endsWith(".tbz2")) {
            return Optional.of("tar.bz2");
        }
        if (lower.endsWith(".tar.zst") || lower.endsWith(".tzst")) {
            return Optional.of("tar.zst");
        }
        return Optional.empty();
    }

    /** Lists a whole archive file within the bounds one archive of its size gets. */
    public static Listing list(Path archive, String kind) throws IOException {
        long size = Files.size(archive);
        return list(Source.of(archive), kind, ReadBounds.forInputs(size, 0));
    }

    /** Lists entries until the end or a bound; a bound reached is reported in {@link Listing#problem}. */
    static Listing list(Source source, String kind, ReadBounds bounds) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, Integer> nextCopy = new HashMap<>();
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[65536];
        if (kind.equals("zip")) {
            try (SeekableByteChannel channel = source.channel(); ZipFile zip = openZip(channel)) {
                for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                    bounds.countEntry();
                    bounds.countName(entry.getName());
                    byte[] digest = null;
                    long size = 0;
                    if (!entry.isDirectory()) {
                        try (InputStream in = bounds.counting(zip.getInputStream(entry))) {
                            for (int n; (n = in.read(buffer)) > 0; size += n) {
                                sha256.update(buffer, 0, n);
                            }
                        }
                        digest = sha256.digest();
                    }
                    entries.add(zipEntry(entry, unique(names, nextCopy, entry.getName()), entries.size(), size, digest));
                }
                return new Listing(kind, entries, zipComment(channel), null);
            } catch (ReadBounds.ExceededException e) {
                return new Listing(kind, entries, "", e.getMessage());
            }
        }
        try (InputStream file = source.open(); TarArchiveInputStream tar = openTar(file, kind, bounds)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                bounds.countEntry();
                bounds.countName(entry.getName());
                byte[] digest = null;
                long size = 0;
                if (!entry.isDirectory()) {
                    for (int n; (n = tar.read(buffer)) > 0; size += n) {
                        if (entry.isSparse()) {
                            // The zeros of a sparse entry's holes are made by the reader, not read through the
                            // counted stream: a 129-byte tar.gz declares a hole of 1000 MB.
                            bounds.countInflated(n);
                        }
                        sha256.update(buffer, 0, n);
                    }
                    digest = sha256.digest();
                }
                entries.add(tarEntry(entry, unique(names, nextCopy, entry.getName()), entries.size(), size, digest));
            }
            return new Listing(kind, entries, "", null);
        } catch (ReadBounds.ExceededException e) {
            return new Listing(kind, entries, "", e.getMessage());
        }
    }

    /**
     * The bytes of the named entries (names as {@link #list} gives them), each kept only if it fits
     * {@code limit(name)} and the bounds' memory; entries that do not fit are left out of the map.
     */
    static Map<String, byte[]> contents(Source source, String kind, Set<String> wanted,
            java.util.function.ToLongFunction<String> limit, ReadBounds bounds) throws IOException {
        Map<String, byte[]> contents = new HashMap<>();
        if (wanted.isEmpty()) {
            return contents;
        }
        Set<String> names = new HashSet<>();
        Map<String, Integer> nextCopy = new HashMap<>();
        if (kind.equals("zip")) {
            try (SeekableByteChannel channel = source.channel(); ZipFile zip = openZip(channel)) {
                for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                    String name = unique(names, nextCopy, entry.getName());
                    if (wanted.contains(name) && !entry.isDirectory()) {
                        try (InputStream in = bounds.counting(zip.getInputStream(entry))) {
                            keep(contents, name, in, limit.applyAsLong(name), bounds);
                        }
                    }
                }
            } catch (ReadBounds.ExceededException e) {
                // What was read so far is what we can show.
            }
            return contents;
        }
        try (InputStream file = source.open(); TarArchiveInputStream tar = openTar(file, kind, bounds)) {
            for (TarArchiveEntry entry; contents.size() < wanted.size() && (entry = tar.getNextEntry()) != null; ) {
                String name = unique(names, nextCopy, entry.getName());
                if (wanted.contains(name) && !entry.isDirectory()) {
                    keep(contents, name, tar, limit.applyAsLong(name), bounds);
                }
            }
        } catch (ReadBounds.ExceededException e) {
            // What was read so far is what we can show.
        }
        return contents;
    }

    private static void keep(Map<String, byte[]> contents, String name, InputStream in, long limit, ReadBounds bounds)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        long cap = Math.min(limit, Integer.MAX_VALUE - 16);
        for (int n; (n = in.read(buffer)) > 0; ) {
            if (out.size() + (long) n > cap || !bounds.hold(n)) {
                return;
            }
            out.write(buffer, 0, n);
        }
        contents.put(name, out.toByteArray());
    }

    private static ZipFile openZip(SeekableByteChannel channel) throws IOException {
        return ZipFile.builder().setSeekableByteChannel(channel).setIgnoreLocalFileHeader(true).get();
    }

    /**
     * A tar reader over the decompressed stream, which is what counts against the expansion bound (a tar.bz2 of
     * a few hundred bytes inflates to hundreds of megabytes of headers and zeros).
     */
    private static TarArchiveInputStream openTar(InputStream in, String kind, ReadBounds bounds) throws IOException {
        InputStream tar = switch (kind) {
            case "tar" -> in;
            case "tar.gz" -> new GzipCompressorInputStream(in, true);
            case "tar.xz" -> new XZCompressorInputStream(in, false, ReadBounds.MAX_XZ_KIB);
            case "tar.bz2" -> new Bzip2Streams(in, bounds);
            case "tar.zst" -> new ZstdInputStream(in);
            default -> throw new IllegalArgumentException("unknown archive kind " + kind);
        };
        return new TarArchiveInputStream(bounds.counting(tar));
    }

    /**
     * bzip2 streams one after another, as pbzip2 and lbzip2 write them, each decoded by a decoder of its own that
     * is charged against the bounds: commons-compress's own concatenation starts a decoder (1 MiB) for each of
     * any number of 37-byte streams. Bytes after the last stream that do not start another are ignored, as
     * bzip2 itself ignores them.
     */
    private static final class Bzip2Streams extends InputStream {
        private static final byte[] MAGIC = {'B', 'Z', 'h'};
        private final InputStream in;
        private final ReadBounds bounds;
        private InputStream current;

        Bzip2Streams(InputStream in, ReadBounds bounds) throws IOException {
            this.in = in.markSupported() ? in : new BufferedInputStream(in);
            this.bounds = bounds;
            bounds.countDecoder();
            current = new BZip2CompressorInputStream(this.in, false);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            while (current != null) {
                int n = current.read(buffer, off, len);
                if (n != -1) {
                    return n;
                }
                current = anotherStream() ? new BZip2CompressorInputStream(in, false) : null;
            }
            return -1;
        }

        private boolean anotherStream() throws IOException {
            in.mark(MAGIC.length);
            byte[] start = in.readNBytes(MAGIC.length);
            in.reset();
            if (!java.util.Arrays.equals(start, MAGIC)) {
                return false;
            }
            bounds.countDecoder();
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * {@code name}, or for its k-th repetition the first free {@code name#c} (c = 2, 3, ...). Each name's next
     * copy number is remembered: an archive of thousands of entries of one name must not cost a scan per copy.
     */
    private static String unique(Set<String> names, Map<String, Integer> nextCopy, String name) {
        if (names.add(name)) {
            return name;
        }
        int copy = nextCopy.getOrDefault(name, 2);
        String unique = name + "#" + copy;
        while (!names.add(unique)) {
            unique = name + "#" + ++copy;
        }
        nextCopy.put(name, copy + 1);
        return unique;
    }

    private static Entry zipEntry(ZipArchiveEntry entry, String name, int position, long size, byte[] digest) {
        boolean unix = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX;
        X5455_ExtendedTimestamp extended = entry.getExtraField(X5455_ExtendedTimestamp.HEADER_ID)
                instanceof X5455_ExtendedTimestamp x && x.isBit0_modifyTimePresent() ? x : null;
        long time;
        if (extended != null) {
            time = extended.getModifyTime().getValue();
        } else {
            // commons-compress turned the DOS fields into an instant in our zone; turn them back.
            time = LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(entry.getTime()), ZoneId.systemDefault())
                    .toEpochSecond(ZoneOffset.UTC);
        }
        TreeSet<String> ids = new TreeSet<>();
        for (ZipExtraField field : entry.getExtraFields(true)) {
            ids.add(String.format("0x%04x", field.getHeaderId().getValue()));
        }
        String attributes = String.format("0x%08x (%s)", entry.getExternalAttributes(), unix ? "unix"
                : entry.getPlatform() == ZipArchiveEntry.PLATFORM_FAT ? "fat" : "host " + (entry.getVersionMadeBy() >> 8));
        return new Entry(name, position, entry.isDirectory(), size, digest, time, extended == null,
                unix ? entry.getUnixMode() & 07777 : -1, attributes, "", method(entry.getMethod()),
                entry.getCompressedSize(), String.join(" ", ids));
    }

    private static Entry tarEntry(TarArchiveEntry entry, String name, int position, long size, byte[] digest) {
        return new Entry(name, position, entry.isDirectory(), size, digest, entry.getModTime().getTime() / 1000, false,
                entry.getMode() & 07777, "", entry.getLongUserId() + "/" + entry.getLongGroupId() + " "
                        + entry.getUserName() + "/" + entry.getGroupName(), "", size,
                String.join(" ", new TreeSet<>(entry.getExtraPaxHeaders().keySet())));
    }

    private static String method(int method) {
        return switch (method) {
            case ZipEntry.STORED -> "stored";
            case ZipEntry.DEFLATED -> "deflated";
            default -> "method " + method;
        };
    }

    /** The archive comment from the end-of-central-directory record (the last 64 KiB + 22 bytes at most). */
    private static String zipComment(SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        int tail = (int) Math.min(size, 65535 + 22);
        ByteBuffer buffer = ByteBuffer.allocate(tail);
        channel.position(size - tail);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // fill
        }
        byte[] bytes = buffer.array();
        for (int i = tail - 22; i >= 0; i--) {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4b && bytes[i + 2] == 5 && bytes[i + 3] == 6) {
                int length = (bytes[i + 20] & 0xff) | (bytes[i + 21] & 0xff) << 8;
                return new String(bytes, i + 22, Math.min(length, tail - i - 22), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
