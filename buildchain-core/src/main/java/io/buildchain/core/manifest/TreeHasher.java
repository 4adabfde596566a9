package io.buildchain.core.manifest;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.hash.FileHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Hashes every regular file below a directory, in parallel, into manifest entries. */
public final class TreeHasher {
    private final int threads;

    public TreeHasher(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = threads;
    }

    public static TreeHasher forThisMachine() {
        return new TreeHasher(Runtime.getRuntime().availableProcessors());
    }

    /** A manifest of every file under {@code dir}; fails on symlinks, special files and empty trees. */
    public Manifest manifest(Path dir, long time) throws IOException {
        return new Manifest(time, hashTree(dir));
    }

    public TreeMap<String, Digest> hashTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new FormatException(dir + ": not a directory");
        }
        List<FileEntry> entries = listFiles(dir);
        if (entries.isEmpty()) {
            throw new FormatException(dir + ": contains no files; a release needs at least one");
        }
        // Largest first, so one big file at the end does not leave the other threads idle.
        entries.sort(Comparator.comparingLong(FileEntry::size).reversed());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, entries.size()), runnable -> {
            Thread thread = new Thread(runnable, "buildchain-hash");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Digest>> digests = new ArrayList<>(entries.size());
            for (FileEntry entry : entries) {
                digests.add(pool.submit(() -> FileHasher.hash(entry.path())));
            }
            TreeMap<String, Digest> files = new TreeMap<>(ManifestNames.ORDER);
            for (int i = 0; i < entries.size(); i++) {
                files.put(entries.get(i).name(), await(digests.get(i), entries.get(i).path()));
            }
            return files;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Digest await(Future<Digest> digest, Path path) throws IOException {
        try {
            return digest.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildchainException("interrupted while hashing " + path);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new BuildchainException("hashing " + path + " failed: " + e.getCause(), e.getCause());
        }
    }

    private record FileEntry(String name, Path path, long size) {
    }

    private static List<FileEntry> listFiles(Path root) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = relativeName(root, file);
                    if (attrs.isSymbolicLink()) {
                        throw new FormatException(file + ": is a symbolic link; a manifest lists regular files "
                                + "only (copy the target in, or leave it out of the artifacts directory)");
                    }
                    if (!attrs.isRegularFile()) {
                        throw new FormatException(file + ": is not a regular file");
                    }
                    ManifestNames.check(name);
                    entries.add(new FileEntry(name, file, attrs.size()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    throw new UncheckedIOException(exc);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return entries;
    }

    private static String relativeName(Path root, Path file) {
        String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (name.indexOf('\uFFFD') >= 0) {
            throw new FormatException(file + ": file name is not valid UTF-8 (or the JVM is not running in a "
                    + "UTF-8 locale; set LC_ALL=C.UTF-8)");
        }
        return name;
    }
}
