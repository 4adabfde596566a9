package io.buildchain.core.store;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.hash.FileHasher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A publisher's store in the original buildchain layout ({@code object/}, {@code block/},
 * {@code tail/PROJECT/BRANCH}, {@code manifest.json}, {@code artifacts/}) plus what we add beside it:
 * {@code quorum/<block signature>.json} (the evidence of each release) and {@code pending/} (the
 * journal that lets an interrupted publish finish), {@code release/} and {@code current/} (see
 * {@link ReleaseViews}). Writes happen under {@link #lock()}.
 */
public final class Store {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private final Path root;

    private Store(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) a store, refusing one whose own top-level paths are links or special files. */
    public static Store open(Path root) throws IOException {
        AtomicFiles.directories(root, AtomicFiles.PUBLIC_DIRECTORY);
        Path normalized = root.toAbsolutePath().normalize();
        StoreLayout.check(normalized);
        return new Store(normalized);
    }

    /** Project and branch names become single path segments under {@code tail/}. */
    public static void checkName(String value, String what) {
        if (!NAME.matcher(value).matches()) {
            throw new FormatException(what + " \"" + value + "\": expected 1-128 characters from A-Z a-z 0-9 . _ + -"
                    + ", starting with a letter or digit (no '/': use '-' for branches such as feature-x)");
        }
    }

    public Path root() {
        return root;
    }

    /** Serialises writers: two publishers on one store never fork a tail. */
    public DirectoryLock lock() throws IOException {
        return DirectoryLock.acquire(root.resolve("lock"));
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    /** Removes staging files and trees an interrupted writer left behind; call with the lock held. */
    public void cleanTmp() throws IOException {
        if (Files.isDirectory(tmp())) {
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp())) {
                for (Path leftover : leftovers) {
                    FileTrees.delete(leftover);
                }
            }
        }
    }

    /** The original layout's {@code manifest.json} and {@code artifacts/}, per release and per branch. */
    public ReleaseViews views() {
        return new ReleaseViews(this);
    }

    public Path objectPath(Digest digest) {
        return root.resolve("object").resolve(digest.base32());
    }

    public Path blockPath(byte[] signature) {
        return root.resolve("block").resolve(io.buildchain.core.encoding.Base32.encode(signature));
    }

    public Path tailPath(String project, String branch) {
        checkName(project, "project");
        checkName(branch, "branch");
        return root.resolve("tail").resolve(project).resolve(branch);
    }

    public Path evidencePath(Block block) {
        return root.resolve("quorum").resolve(block.signatureBase32() + ".json");
    }

    public Digest putObject(byte[] content) throws IOException {
        Digest digest = Digest.of(content);
        Path target = objectPath(digest);
        if (!Files.exists(target)) {
            AtomicFiles.write(target, tmp(), out -> out.write(content), AtomicFiles.ALL_READ, true);
        }
        return digest;
    }

    /**
     * Copies an artifact into {@code object/}, checking on the way that it still hashes to what the
     * manifest says (a file changed after hashing must not be published under the old digest).
     */
    public void importArtifact(Path file, Digest expected, String name) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FormatException(file + ": missing or not a regular file, but the manifest lists \"" + name + "\"");
        }
        if (Files.exists(objectPath(expected))) {
            return;
        }
        Digest[] actual = new Digest[1];
        Path staged = AtomicFiles.stage(tmp(), out -> {
            try (InputStream in = Files.newInputStream(file)) {
                actual[0] = FileHasher.copy(in, out);
            }
        }, AtomicFiles.ALL_READ);
        if (!actual[0].equals(expected)) {
            AtomicFiles.discard(staged);
            throw new VerificationException(file + ": sha384 is " + actual[0] + " but the manifest says " + expected
                    + " for \"" + name + "\" (was the file changed after the manifest was made?)");
        }
        AtomicFiles.commit(staged, objectPath(expected), true);
    }

    public void putBlock(Block block) throws IOException {
        Path target = blockPath(block.signature());
        if (!Files.exists(target)) {
            AtomicFiles.write(target, tmp(), out -> out.write(block.bytes()), AtomicFiles.ALL_READ, true);
        }
    }

    public void putEvidence(Block block, byte[] json) throws IOException {
        AtomicFiles.write(evidencePath(block), tmp(), out -> out.write(json), AtomicFiles.ALL_READ, true);
    }

    public Optional<Block> tail(String project, String branch) throws IOException {
        Path tail = tailPath(project, branch);
        if (!Files.exists(tail)) {
            return Optional.empty();
        }
        return Optional.of(Block.decode(Files.readAllBytes(tail), tail.toString()));
    }

    /** Points {@code tail/PROJECT/BRANCH} at {@code block} (already stored): {@code ../../block/SIG}. */
    public void setTail(String project, String branch, Block block) throws IOException {
        Path link = tailPath(project, branch);
        StoreLayout.requireDirectoryIfPresent(link.getParent());
        AtomicFiles.symlink(link, Path.of("..", "..", "block", block.signatureBase32()), tmp());
    }
}
