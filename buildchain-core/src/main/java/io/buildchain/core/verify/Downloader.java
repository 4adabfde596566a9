package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import io.buildchain.core.manifest.ManifestNames;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes verified files of a release, never outside the target directory and never half-written. */
public final class Downloader {
    private final ChainVerifier verifier;
    private final ChainVerifier.Release release;

    public Downloader(ChainVerifier verifier, ChainVerifier.Release release) {
        this.verifier = verifier;
        this.release = release;
    }

    /** The file in {@code targetDir} that manifest name {@code name} maps to, checked to stay inside it. */
    public static Path targetFor(Path targetDir, String name) throws IOException {
        ManifestNames.check(name);
        Path root = targetDir.toAbsolutePath().normalize();
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new FormatException("file name \"" + name + "\" leads outside " + root);
        }
        // An existing symlink on the way could redirect the write elsewhere.
        for (Path p = target.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new FormatException(p + ": is a symbolic link; refusing to write \"" + name + "\" through it");
            }
        }
        if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FormatException(target + ": exists and is not a regular file");
        }
        return target;
    }

    /**
     * Fetches {@code name} (never past its signed size, see {@link ChainVerifier#copyFile}), checks its size and
     * digest, then moves it into {@code target} (replacing it).
     */
    public void download(String name, Path target) throws IOException {
        release.digestOf(name); // refuses an unknown name before anything is created
        Staging staging = new Staging();
        try {
            staging.stage(name, target);
            staging.commit();
        } catch (IOException | RuntimeException e) {
            staging.discard();
            throw e;
        }
    }

    /** Files fetched and verified beside their targets, moved into place only once every one of them passed. */
    private final class Staging {
        private final List<Path[]> staged = new ArrayList<>();
        /** Each directory made for a target, with the topmost one made for it. */
        private final List<Path[]> created = new ArrayList<>();

        void stage(String name, Path target) throws IOException {
            Path dir = target.toAbsolutePath().getParent();
            Path firstCreated = dir;
            while (firstCreated.getParent() != null && !Files.exists(firstCreated.getParent(), LinkOption.NOFOLLOW_LINKS)) {
                firstCreated = firstCreated.getParent();
            }
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                created.add(new Path[] {dir, firstCreated});
            }
            Files.createDirectories(dir);
            // The staging file is deleted if the transfer fails (wrong size, stalled, wrong digest) or is interrupted.
            staged.add(new Path[] {AtomicFiles.stage(dir, out -> verifier.copyFile(release, name, out),
                    AtomicFiles.OWNER_WRITE_ALL_READ), target});
        }

        void commit() throws IOException {
            for (Path[] file : staged) {
                AtomicFiles.commit(file[0], file[1], true);
            }
        }

        void discard() throws IOException {
            for (Path[] file : staged) {
                AtomicFiles.discard(file[0]);
            }
            for (int i = created.size() - 1; i >= 0; i--) {
                removeEmptyDirectories(created.get(i)[0], created.get(i)[1]);
            }
        }
    }

    /**
     * Writes {@code name} to {@code out} only once it is completely verified: it is staged in
     * {@code stagingDir} first (deleted afterwards, or on a refusal or interrupt), so a refused file writes nothing.
     */
    public void downloadTo(String name, OutputStream out, Path stagingDir) throws IOException {
        Path staged = AtomicFiles.stage(stagingDir, staging -> verifier.copyFile(release, name, staging),
                AtomicFiles.OWNER_READ_WRITE);
        try {
            Files.copy(staged, out);
            out.flush();
        } finally {
            AtomicFiles.discard(staged);
        }
    }

    /** Removes the directories this download made, from {@code dir} up to {@code top}, while they are empty. */
    private static void removeEmptyDirectories(Path dir, Path top) {
        for (Path p = dir; p != null && p.startsWith(top); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty (another file landed there) or not ours to remove
            }
        }
    }

    /**
     * Every file of the release below {@code targetDir}, with its relative name: all are fetched and verified
     * first, so a refusal leaves nothing behind (its release record included).
     */
    public int downloadAll(Path targetDir) throws IOException {
        Staging staging = new Staging();
        try {
            for (String name : release.manifest().files().keySet()) {
                staging.stage(name, targetFor(targetDir, name));
            }
            staging.commit();
        } catch (IOException | RuntimeException e) {
            staging.discard();
            throw e;
        }
        return release.manifest().files().size();
    }
}
