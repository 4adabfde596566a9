package io.buildchain.core.manifest;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.hash.FileHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hashes regular files, in parallel, into manifest entries: every file below a directory (optionally
 * selected by a {@link NameFilter}), or a list of files named by their base names.
 *
 * <p>Listing and hashing share the worker threads from the first file: a directory is listed by one task,
 * which forks a task per subdirectory and per batch of files, so neither a deep tree nor one flat directory
 * of many small files waits for a single walking thread.
 */
public final class TreeHasher {
    /** Files per hashing task: large enough to amortise a task, small enough to spread a flat directory. */
    private static final int BATCH = 32;
    /**
     * Bytes per hashing task: a task of a few large files ends at this size, so that 32 files of 32 MiB are
     * 32 tasks for the threads to share, not one task on one thread.
     */
    private static final long BATCH_BYTES = 1 << 20;

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
        return manifest(dir, NameFilter.ALL, time);
    }

    /** A manifest of the files under {@code dir} that {@code filter} selects; fails when it selects none. */
    public Manifest manifest(Path dir, NameFilter filter, long time) throws IOException {
        return new Manifest(time, hashTree(dir, filter));
    }

    /**
     * A manifest of exactly these files, each named by its base name (as a release engineer passes
     * {@code target/*.jar}); two files with the same base name are refused, naming both.
     */
    public Manifest manifestOfFiles(List<Path> files, long time) throws IOException {
        if (files.isEmpty()) {
            throw new FormatException("no files given; a release needs at least one");
        }
        Map<String, Path> byName = new HashMap<>();
        Run run = new Run(NameFilter.ALL);
        NextBatch batch = new NextBatch();
        List<Batch> tasks = new ArrayList<>();
        for (Path file : files) {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(file.toString(), null, "no such file or directory");
            }
            if (attrs.isDirectory()) {
                throw new FormatException(file + ": is a directory; give one directory, or only files");
            }
            checkRegular(file, attrs);
            Path base = file.getFileName();
            String name = checkedName(file, base == null ? file.toString() : base.toString());
            Path other = byName.putIfAbsent(name, file);
            if (other != null) {
                throw new FormatException(other + " and " + file + ": both have the base name " + ManifestNames.quote(name)
                        + ", and a manifest names the files it is given by their base names");
            }
            if (batch.add(new Entry(name, file), attrs.size())) {
                tasks.add(batch.take(run));
            }
        }
        if (!batch.isEmpty()) {
            tasks.add(batch.take(run));
        }
        return new Manifest(time, run.execute(threads, new RecursiveAction() {
            @Override
            protected void compute() {
                tasks.forEach(TreeHasher::started);
                joinNewestFirst(tasks);
            }
        }));
    }

    public TreeMap<String, Digest> hashTree(Path dir) throws IOException {
        return hashTree(dir, NameFilter.ALL);
    }

    public TreeMap<String, Digest> hashTree(Path dir, NameFilter filter) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new FormatException(dir + ": not a directory");
        }
        Run run = new Run(filter);
        TreeMap<String, Digest> files = run.execute(threads, new Listing(run, dir, ""));
        if (files.isEmpty()) {
            throw new FormatException(dir + (filter.acceptsAll() ? ": contains no files; a release needs at least one"
                    : ": no file matches --include/--exclude; a release needs at least one"));
        }
        return files;
    }

    private static void checkRegular(Path file, BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) {
            throw new FormatException(file + ": is a symbolic link; a manifest lists regular files "
                    + "only (copy the target in, or leave it out of the artifacts directory)");
        }
        if (!attrs.isRegularFile()) {
            throw new FormatException(file + ": is not a regular file");
        }
    }

    private static String checkedName(Path file, String name) {
        if (name.indexOf('\uFFFD') >= 0) {
            throw new FormatException(file + ": file name is not valid UTF-8 (or the JVM is not running in a "
                    + "UTF-8 locale; set LC_ALL=C.UTF-8)");
        }
        ManifestNames.check(name);
        return name;
    }

    /** One file to hash; {@code digest} is set by the task that hashes it. */
    static final class Entry {
        final String name;
        final Path path;
        Digest digest;

        Entry(String name, Path path) {
            this.name = name;
            this.path = path;
        }
    }

    /** The state of one hashing run: the filter, every hashed entry, and the first failure. */
    private static final class Run {
        final NameFilter filter;
        final ConcurrentLinkedQueue<Entry[]> done = new ConcurrentLinkedQueue<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(NameFilter filter) {
            this.filter = filter;
        }

        /** Runs {@code root} and its forks on {@code threads} workers; rethrows the first failure as it was thrown. */
        TreeMap<String, Digest> execute(int threads, RecursiveAction root) throws IOException {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                pool.invoke(root);
            } finally {
                pool.shutdownNow();
            }
            Throwable first = failure.get();
            if (first instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (first instanceof RuntimeException r) {
                throw r;
            }
            if (first != null) {
                throw new BuildchainException("hashing failed: " + first, first);
            }
            TreeMap<String, Digest> files = new TreeMap<>(ManifestNames.ORDER);
            for (Entry[] batch : done) {
                for (Entry entry : batch) {
                    if (entry != null) {
                        files.put(entry.name, entry.digest);
                    }
                }
            }
            return files;
        }

        boolean failed() {
            return failure.get() != null;
        }

        void fail(Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Hashes a batch of files on whichever worker takes it. */
    private static final class Batch extends RecursiveAction {
        private final Run run;
        private final Entry[] entries;
        private final int count;

        Batch(Run run, Entry[] entries, int count) {
            this.run = run;
            this.entries = entries;
            this.count = count;
        }

        @Override
        protected void compute() {
            try {
                for (int i = 0; i < count && !run.failed(); i++) {
                    entries[i].digest = FileHasher.hash(entries[i].path);
                }
                run.done.add(count == entries.length ? entries : Arrays.copyOf(entries, count));
            } catch (IOException e) {
                run.fail(new UncheckedIOException(e));
            } catch (RuntimeException | Error e) {
                run.fail(e);
            }
        }
    }

    /**
     * Gathers entries into hashing tasks of at most {@value #BATCH} files or about {@value #BATCH_BYTES} bytes,
     * whichever comes first.
     */
    static final class NextBatch {
        private Entry[] entries = new Entry[BATCH];
        private int count;
        private long bytes;

        /** Adds one entry of {@code size} bytes; true when the batch being gathered is now full. */
        boolean add(Entry entry, long size) {
            entries[count++] = entry;
            bytes += size;
            return count == BATCH || bytes >= BATCH_BYTES;
        }

        boolean isEmpty() {
            return count == 0;
        }

        /** The batch gathered so far, as a task; the next one starts empty. */
        Batch take(Run run) {
            Batch batch = new Batch(run, entries, count);
            entries = new Entry[BATCH];
            count = 0;
            bytes = 0;
            return batch;
        }
    }

    /** Lists one directory: forks a listing per subdirectory and a {@link Batch} per {@value #BATCH} files. */
    private static final class Listing extends RecursiveAction {
        private final Run run;
        private final Path dir;
        private final String prefix;

        Listing(Run run, Path dir, String prefix) {
            this.run = run;
            this.dir = dir;
            this.prefix = prefix;
        }

        @Override
        protected void compute() {
            List<RecursiveAction> forked = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                NextBatch batch = new NextBatch();
                for (Path child : children) {
                    if (run.failed()) {
                        break;
                    }
                    BasicFileAttributes attrs = Files.readAttributes(child, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    String name = prefix + child.getFileName().toString();
                    if (attrs.isDirectory()) {
                        forked.add(started(new Listing(run, child, name + "/")));
                        continue;
                    }
                    checkRegular(child, attrs);
                    if (!run.filter.accepts(name)) {
                        continue;
                    }
                    if (batch.add(new Entry(checkedName(child, name), child), attrs.size())) {
                        forked.add(started(batch.take(run)));
                    }
                }
                if (!batch.isEmpty()) {
                    batch.take(run).compute();
                }
            } catch (IOException e) {
                run.fail(new UncheckedIOException(e));
            } catch (RuntimeException | Error e) {
                run.fail(e);
            }
            joinNewestFirst(forked);
        }

    }

    private static RecursiveAction started(RecursiveAction task) {
        task.fork();
        return task;
    }

    /**
     * Joins from the newest fork: that one is still on top of this worker's own queue, so the worker runs it
     * itself while the others steal the oldest. Joining the oldest first waits on a task another worker stole,
     * and left one thread hashing and the other waiting (--threads 2 was barely faster than --threads 1).
     */
    private static void joinNewestFirst(List<? extends RecursiveAction> forked) {
        for (int i = forked.size() - 1; i >= 0; i--) {
            forked.get(i).join();
        }
    }
}
