package io.buildchain.core.store;

import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The original layout's {@code manifest.json} and {@code artifacts/NAME} links, kept so that names of one
 * release never meet another's (a file {@code x} in one release, a directory {@code x/} in the next):
 * <ul>
 * <li>{@code release/MANIFEST/} holds one release's {@code manifest.json} and {@code artifacts/NAME} links,
 * built whole in {@code tmp/} and renamed into place, never changed after (its name is its manifest's digest);
 * <li>{@code current/PROJECT/BRANCH} links to the newest release of each branch;
 * <li>{@code manifest.json} and {@code artifacts} at the top link to the newest release published.
 * </ul>
 * Each link moves with one atomic rename, so readers see the old release or the new one, never a mixture.
 */
public final class ReleaseViews {
    static final String RELEASES = "release";
    static final String CURRENT = "current";
    private final Store store;

    ReleaseViews(Store store) {
        this.store = store;
    }

    /** Makes {@code release/MANIFEST/} if it is not there yet (a manifest never names both x and x/y). */
    public void prepare(Digest manifestDigest, Manifest manifest) throws IOException {
        Path target = releaseDir(manifestDigest);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path staging = AtomicFiles.newTempName(store.tmp());
        AtomicFiles.directories(staging.resolve("artifacts"), AtomicFiles.PUBLIC_DIRECTORY);
        Files.createSymbolicLink(staging.resolve("manifest.json"), Path.of("../../object/" + manifestDigest.base32()));
        for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
            String name = file.getKey();
            Path link = staging.resolve("artifacts").resolve(name);
            AtomicFiles.directories(link.getParent(), AtomicFiles.PUBLIC_DIRECTORY);
            // From release/MANIFEST/artifacts/NAME back up to the store root: one level per '/' in NAME, plus three.
            int depth = (int) name.chars().filter(c -> c == '/').count() + 3;
            Files.createSymbolicLink(link, Path.of("../".repeat(depth) + "object/" + file.getValue().base32()));
        }
        AtomicFiles.directories(target.getParent(), AtomicFiles.PUBLIC_DIRECTORY);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(target.getParent());
    }

    /** Points {@code current/PROJECT/BRANCH} at a prepared release. */
    public void makeCurrent(String project, String branch, Digest manifestDigest) throws IOException {
        Path projectDir = store.root().resolve(CURRENT).resolve(project);
        StoreLayout.requireDirectoryIfPresent(projectDir);
        AtomicFiles.symlink(projectDir.resolve(branch), Path.of("../../" + RELEASES + "/" + manifestDigest.base32()),
                store.tmp());
    }

    /** Points the top-level {@code manifest.json} and {@code artifacts} at a prepared release. */
    public void makeNewest(Digest manifestDigest) throws IOException {
        Path root = store.root();
        Path artifacts = root.resolve("artifacts");
        if (Files.isDirectory(artifacts, LinkOption.NOFOLLOW_LINKS)) {
            // The layout before release views: one shared tree of links. Move it aside whole, then drop it.
            Path old = AtomicFiles.newTempName(store.tmp());
            AtomicFiles.directories(store.tmp(), AtomicFiles.PUBLIC_DIRECTORY);
            Files.move(artifacts, old, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.delete(old);
        }
        AtomicFiles.symlink(artifacts, Path.of(RELEASES + "/" + manifestDigest.base32() + "/artifacts"), store.tmp());
        AtomicFiles.symlink(root.resolve("manifest.json"), Path.of("object", manifestDigest.base32()), store.tmp());
    }

    public Path releaseDir(Digest manifestDigest) {
        return store.root().resolve(RELEASES).resolve(manifestDigest.base32());
    }
}
