package io.buildchain.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Whole directory trees. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code root} and everything below it; symlinks are removed, never followed. */
    public static void delete(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The bytes of the regular files in {@code root}'s tree (symlinks not followed). */
    public static long size(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            long total = 0;
            for (Path path : walk.toList()) {
                if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(path);
                }
            }
            return total;
        }
    }
}
