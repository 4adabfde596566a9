package io.buildchain.core.store;

import io.buildchain.core.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The store's own top-level paths and what each must be. A symlink or special file planted at one of them
 * (say {@code object} pointing at another directory) would make every write land outside the store, so the
 * store refuses to work through one.
 */
public final class StoreLayout {
    static final List<String> DIRECTORIES = List.of("object", "block", "tail", "quorum", "pending", "tmp",
            "submissions", ReleaseViews.RELEASES, ReleaseViews.CURRENT, "log", "log-requests");
    private static final Pattern B32_DIGEST = Pattern.compile("[A-Z2-7]{77}");
    private static final Pattern MANIFEST_LINK = Pattern.compile("object/" + B32_DIGEST.pattern());
    private static final Pattern ARTIFACTS_LINK = Pattern.compile(ReleaseViews.RELEASES + "/" + B32_DIGEST.pattern()
            + "/artifacts");

    private StoreLayout() {
    }

    /** Refuses a store whose top-level paths are not what we write there. */
    static void check(Path root) throws IOException {
        for (String name : DIRECTORIES) {
            requireDirectoryIfPresent(root.resolve(name));
        }
        requireRegularFileIfPresent(root.resolve("lock"));
        requireOwnLinkIfPresent(root.resolve("manifest.json"), MANIFEST_LINK, false);
        // A directory here is the layout before release views; the next publish replaces it with a link.
        requireOwnLinkIfPresent(root.resolve("artifacts"), ARTIFACTS_LINK, true);
    }

    /** {@code dir} is absent or a real directory (not a symlink to one). */
    public static void requireDirectoryIfPresent(Path dir) throws IOException {
        BasicFileAttributes attributes = attributes(dir);
        if (attributes != null && !attributes.isDirectory()) {
            throw refused(dir, attributes, "a directory");
        }
    }

    /** {@code file} is absent or a regular file (not a symlink, FIFO, device or directory). */
    public static void requireRegularFileIfPresent(Path file) throws IOException {
        BasicFileAttributes attributes = attributes(file);
        if (attributes != null && !attributes.isRegularFile()) {
            throw refused(file, attributes, "a regular file");
        }
    }

    private static void requireOwnLinkIfPresent(Path link, Pattern target, boolean directoryAllowed) throws IOException {
        BasicFileAttributes attributes = attributes(link);
        if (attributes == null || (directoryAllowed && attributes.isDirectory())) {
            return;
        }
        if (!attributes.isSymbolicLink() || !target.matcher(Files.readSymbolicLink(link).toString()).matches()) {
            throw refused(link, attributes, "a link into the store (" + target.pattern().replace("[A-Z2-7]{77}", "DIGEST")
                    + ")");
        }
    }

    private static BasicFileAttributes attributes(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static FormatException refused(Path path, BasicFileAttributes attributes, String expected) throws IOException {
        String found = attributes.isSymbolicLink() ? "a symbolic link to " + Files.readSymbolicLink(path)
                : attributes.isDirectory() ? "a directory"
                : attributes.isRegularFile() ? "a regular file"
                : "a special file (FIFO, socket or device)";
        return new FormatException(path + ": is " + found + ", expected " + expected
                + "; refusing to work through it (remove it if you did not make it)");
    }
}
