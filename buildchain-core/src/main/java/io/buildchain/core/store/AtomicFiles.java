package io.buildchain.core.store;

import io.buildchain.core.encoding.Base32;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every file we write goes through here: write a temporary file in a staging directory on the same file
 * system, fsync it, set its mode, rename it into place, fsync the directory. A crash at any point leaves
 * either the old file or the complete new one, never a half-written one.
 */
public final class AtomicFiles {
    public static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_READ = PosixFilePermissions.fromString("r--------");
    public static final Set<PosixFilePermission> ALL_READ = PosixFilePermissions.fromString("r--r--r--");
    public static final Set<PosixFilePermission> OWNER_WRITE_ALL_READ = PosixFilePermissions.fromString("rw-r--r--");
    /** A directory this code makes for world-readable files: 0755 whatever the umask (a store is public data). */
    public static final Set<PosixFilePermission> PUBLIC_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    /** A directory this code makes for owner-only files (keys, client state): 0700 whatever the umask. */
    public static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Staged files not yet committed or discarded: deleted when the JVM is stopped (Ctrl-C, SIGTERM) so an
     * interrupted transfer leaves no partial file behind. Only a SIGKILL or a crash can leave one.
     */
    private static final Set<Path> UNCOMMITTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> UNCOMMITTED.forEach(AtomicFiles::deleteQuietly),
                "buildchain-staging-cleanup"));
    }

    private AtomicFiles() {
    }

    /** Content written by the caller, then fsynced. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code content} to {@code target}, staging next to it. */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode, boolean replace)
            throws IOException {
        write(target, parentOf(target), out -> out.write(content), mode, replace);
    }

    /**
     * Writes to {@code target} through a temporary file in {@code stagingDir} (same file system).
     *
     * @param replace when false, fails with {@link FileAlreadyExistsException} if {@code target} exists
     */
    public static void write(Path target, Path stagingDir, Writer writer, Set<PosixFilePermission> mode,
            boolean replace) throws IOException {
        Path temp = stage(stagingDir, writer, mode);
        commit(temp, target, replace);
    }

    /** Stages {@code writer}'s output in a new fsynced temporary file and returns its path. */
    public static Path stage(Path stagingDir, Writer writer, Set<PosixFilePermission> mode) throws IOException {
        directories(stagingDir, PUBLIC_DIRECTORY);
        Path temp = newTempName(stagingDir);
        UNCOMMITTED.add(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(channel)) {
            writer.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            discard(temp);
            throw e;
        }
        Files.setPosixFilePermissions(temp, mode);
        return temp;
    }

    /** Deletes a staged file that will not be committed. */
    public static void discard(Path staged) throws IOException {
        try {
            Files.deleteIfExists(staged);
        } finally {
            UNCOMMITTED.remove(staged);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The JVM is stopping; nothing more can be done about it.
        }
    }

    /** Moves a staged file into place and makes the rename durable. */
    public static void commit(Path staged, Path target, boolean replace) throws IOException {
        Path dir = parentOf(target);
        directories(dir, Files.getPosixFilePermissions(staged).contains(PosixFilePermission.OTHERS_READ)
                ? PUBLIC_DIRECTORY : PRIVATE_DIRECTORY);
        try {
            if (replace) {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                // A hard link fails atomically if the target exists; rename cannot refuse to replace.
                Files.createLink(target, staged);
                Files.delete(staged);
            }
        } catch (IOException e) {
            discard(staged);
            throw e;
        }
        UNCOMMITTED.remove(staged);
        fsyncDirectory(dir);
    }

    /** Points {@code link} at {@code target} (a relative path), replacing any previous link atomically. */
    public static void symlink(Path link, Path target, Path stagingDir) throws IOException {
        Path dir = parentOf(link);
        directories(dir, PUBLIC_DIRECTORY);
        directories(stagingDir, PUBLIC_DIRECTORY);
        Path temp = newTempName(stagingDir);
        Files.createSymbolicLink(temp, target);
        try {
            Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        fsyncDirectory(dir);
    }

    /**
     * Creates {@code dir} and its missing parents, each one made here with {@code mode} exactly (the umask would
     * otherwise decide); directories that exist are left as they are.
     */
    public static void directories(Path dir, Set<PosixFilePermission> mode) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            directories(parent, mode);
        }
        try {
            Files.createDirectory(absolute);
            Files.setPosixFilePermissions(absolute, mode);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
    }

    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** A fresh name in {@code dir}: 15 random bytes in base32, as the original's {@code tmp/} names. */
    public static Path newTempName(Path dir) {
        byte[] random = new byte[15];
        RANDOM.nextBytes(random);
        return dir.resolve(Base32.encode(random));
    }

    private static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException(file + " has no parent directory");
        }
        return parent;
    }
}
