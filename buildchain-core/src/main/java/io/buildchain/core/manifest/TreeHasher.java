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
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "buildchain-hash");
            thread.setDaemon(true);
            return thread;
        });
        try {
            // Hashing starts while the walk goes on: on a tree of many small files the walk is a large share.
            List<FileEntry> entries = listFiles(dir, pool);
            if (entries.isEmpty()) {
                throw new FormatException(dir + ": contains no files; a release needs at least one");
            }
            TreeMap<String, Digest> files = new TreeMap<>(ManifestNames.ORDER);
            for (FileEntry entry : entries) {
                files.put(entry.name(), await(entry.digest(), entry.path()));
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

    private record FileEntry(String name, Path path, Future<Digest> digest) {
    }

    private static List<FileEntry> listFiles(Path root, ExecutorService pool) throws IOException {
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
                    entries.add(new FileEntry(name, file, pool.submit(() -> FileHasher.hash(file))));
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
