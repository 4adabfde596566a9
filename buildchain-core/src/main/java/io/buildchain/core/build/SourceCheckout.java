package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The exact revision a build node builds: fetched once from a git URL (or the current checkout), then checked out
 * afresh for every build, with the same file modes whatever the node's umask (0644, 0755 for executables and
 * directories), so that the source tree itself never differs between builds.
 *
 * @param revision the full commit id
 * @param tree     the commit's tree id: the same sources whatever the history
 * @param time     the commit time, the release's source time
 */
public record SourceCheckout(Path repository, String revision, String tree, long time) {
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    /**
     * Clones {@code url} (a URL or a local repository) into {@code repository} without a work tree and resolves
     * {@code rev} to its commit.
     */
    public static SourceCheckout fetch(String url, String rev, Path repository) throws IOException {
        if (rev.startsWith("-") || url.startsWith("-")) {
            throw new FormatException("--git " + url + " --rev " + rev + ": a URL and revision may not start with '-'");
        }
        repository = repository.toAbsolutePath();
        Commands.answer(List.of("git", "clone", "--quiet", "--bare", "--", url, repository.toString()), null,
                GIT_TIMEOUT);
        String revision = git(repository, "rev-parse", "--verify", "--end-of-options", rev + "^{commit}");
        String tree = git(repository, "rev-parse", "--verify", revision + "^{tree}");
        String time = git(repository, "log", "-1", "--format=%ct", revision);
        if (!OBJECT_ID.matcher(revision).matches() || !OBJECT_ID.matcher(tree).matches()) {
            throw new FormatException("git printed \"" + revision + "\" for revision " + rev);
        }
        try {
            return new SourceCheckout(repository, revision, tree, Long.parseLong(time));
        } catch (NumberFormatException e) {
            throw new FormatException("git printed \"" + time + "\" as the commit time of " + revision);
        }
    }

    /** The top of the git checkout that holds {@code dir}, to build its HEAD. */
    public static String topLevel(Path dir) throws IOException {
        return Commands.answer(List.of("git", "-C", dir.toString(), "rev-parse", "--show-toplevel"), null, GIT_TIMEOUT);
    }

    /** A fresh work tree of the revision in {@code dir} (which must not exist), with normalised modes. */
    public void checkoutInto(Path dir) throws IOException {
        dir = dir.toAbsolutePath();
        Commands.answer(List.of("git", "--git-dir", repository.toString(), "--work-tree", dir.toString(), "-c",
                "core.hooksPath=/dev/null", "checkout", "--quiet", "--force", revision, "--", "."),
                createdEmpty(dir), GIT_TIMEOUT);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) throws IOException {
                Files.setPosixFilePermissions(d, EXECUTABLE);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()) {
                    boolean executable = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                            .contains(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(file, executable ? EXECUTABLE : FILE);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path createdEmpty(Path dir) throws IOException {
        Files.createDirectory(dir);
        return dir;
    }

    private static String git(Path repository, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "--git-dir", repository.toString()));
        command.addAll(List.of(args));
        return Commands.answer(command, null, GIT_TIMEOUT);
    }
}
