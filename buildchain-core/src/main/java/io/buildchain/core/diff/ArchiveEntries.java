package io.buildchain.core.diff;

import io.buildchain.core.hash.Digest;
import io.buildchain.core.hash.FileHasher;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** Lists the entries of zip/jar and tar(.gz/.xz/.bz2) archives with what makes two builds differ. */
public final class ArchiveEntries {
    private ArchiveEntries() {
    }

    /**
     * One archive entry.
     *
     * @param mode  Unix permission bits, or -1 when the archive does not record them
     * @param owner "uid/gid user/group" for tar entries, empty for zip
     */
    public record Entry(long size, Digest digest, Instant modified, int mode, String owner, boolean directory) {
    }

    /** The archive kind a file name suggests, if it is one we can list. */
    public static Optional<String> kind(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".zip", ".jar", ".war", ".ear", ".aar", ".apk", ".whl", ".nupkg", ".hpi"}) {
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
        return Optional.empty();
    }

    /** Entries by name; a name that repeats inside the archive gets a "#2" suffix. */
    public static SortedMap<String, Entry> list(Path archive, String kind) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
                ArchiveInputStream<? extends ArchiveEntry> in = open(file, kind)) {
            SortedMap<String, Entry> entries = new TreeMap<>();
            ArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                // Streamed zip entries may not declare their size up front, so count it.
                long[] size = {0};
                Digest digest = entry.isDirectory() ? null : FileHasher.copy(in, new OutputStream() {
                    @Override
                    public void write(int b) {
                        size[0]++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        size[0] += len;
                    }
                });
                String name = entry.getName();
                int copy = 1;
                while (entries.containsKey(name)) {
                    name = entry.getName() + "#" + (++copy);
                }
                entries.put(name, new Entry(size[0], digest, entry.getLastModifiedDate().toInstant(),
                        mode(entry), owner(entry), entry.isDirectory()));
            }
            return entries;
        }
    }

    private static ArchiveInputStream<? extends ArchiveEntry> open(InputStream in, String kind) throws IOException {
        return switch (kind) {
            case "zip" -> new ZipArchiveInputStream(in);
            case "tar" -> new TarArchiveInputStream(in);
            case "tar.gz" -> new TarArchiveInputStream(new GzipCompressorInputStream(in, true));
            case "tar.xz" -> new TarArchiveInputStream(new XZCompressorInputStream(in));
            case "tar.bz2" -> new TarArchiveInputStream(new BZip2CompressorInputStream(in, true));
            default -> throw new IllegalArgumentException("unknown archive kind " + kind);
        };
    }

    private static int mode(ArchiveEntry entry) {
        if (entry instanceof TarArchiveEntry tar) {
            return tar.getMode() & 07777;
        }
        if (entry instanceof ZipArchiveEntry zip && zip.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX) {
            return zip.getUnixMode() & 07777;
        }
        return -1;
    }

    private static String owner(ArchiveEntry entry) {
        if (entry instanceof TarArchiveEntry tar) {
            return tar.getLongUserId() + "/" + tar.getLongGroupId() + " " + tar.getUserName() + "/" + tar.getGroupName();
        }
        return "";
    }
}
