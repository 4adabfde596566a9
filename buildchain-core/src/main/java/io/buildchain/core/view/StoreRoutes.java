package io.buildchain.core.view;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps a request path below a store's base URL to what to answer: a store file in the original layout,
 * a release file by name, or a page. Never anything outside the store: names are checked, and the real
 * path of every file (after symlinks) must lie inside the store.
 */
public final class StoreRoutes {
    private static final Pattern B32_SIGNATURE = Pattern.compile("[A-Z2-7]{103}");
    private static final Pattern B32_DIGEST = Pattern.compile("[A-Z2-7]{77}");
    private static final String BINARY = "application/octet-stream";
    private static final String JSON = "application/json";

    private final Store store;
    private final StoreView view;
    private final ChainPages pages;

    public StoreRoutes(Store store, ChainPages pages) {
        this.store = store;
        this.view = new StoreView(store);
        this.pages = pages;
    }

    /** What to send back. */
    public sealed interface Answer permits StoreFile, Page {
    }

    /**
     * A file from the store.
     *
     * @param immutable    content-addressed: cache forever, with {@code etag}
     * @param downloadName a name for Content-Disposition, or null
     */
    public record StoreFile(Path file, String contentType, boolean immutable, String etag, String downloadName)
            implements Answer {
    }

    /** A rendered page or the stylesheet. */
    public record Page(int status, String contentType, String body) implements Answer {
    }

    /** @param path the decoded path below the base, without a leading '/' */
    public Answer resolve(String path) throws IOException {
        String[] parts = path.split("/", -1);
        try {
            return switch (parts[0]) {
                case "", "index.html" -> parts.length == 1 ? html(200, pages.index(view.branches())) : notFound(path);
                case "style.css" -> parts.length == 1 ? new Page(200, "text/css; charset=utf-8", ChainPages.STYLESHEET)
                        : notFound(path);
                case "tail" -> parts.length == 3 ? file(store.tailPath(parts[1], parts[2]), BINARY, false, null, null, path)
                        : notFound(path);
                case "block" -> parts.length == 2 && B32_SIGNATURE.matcher(parts[1]).matches()
                        ? file(store.root().resolve(path), BINARY, true, parts[1], null, path) : notFound(path);
                case "object" -> parts.length == 2 && B32_DIGEST.matcher(parts[1]).matches()
                        ? file(store.root().resolve(path), BINARY, true, parts[1], null, path) : notFound(path);
                case "quorum" -> parts.length == 2 && parts[1].endsWith(".json")
                        && B32_SIGNATURE.matcher(parts[1].substring(0, parts[1].length() - 5)).matches()
                        ? file(store.root().resolve(path), JSON, true, parts[1], null, path) : notFound(path);
                case "manifest.json" -> parts.length == 1 ? file(store.root().resolve(path), JSON, false, null, null, path)
                        : notFound(path);
                case "chain" -> chain(parts, path);
                case "files" -> releaseFile(parts, path);
                default -> notFound(path);
            };
        } catch (BuildchainException e) {
            return notFound(path);
        }
    }

    private Answer chain(String[] parts, String path) throws IOException {
        if (parts.length == 3) {
            Store.checkName(parts[1], "project");
            Store.checkName(parts[2], "branch");
            var releases = view.releases(parts[1], parts[2]);
            return releases.isEmpty() ? notFound("nothing published for " + parts[1] + "/" + parts[2])
                    : html(200, pages.chain(parts[1], parts[2], releases));
        }
        if (parts.length == 5 && parts[4].equals("divergence")) {
            Store.checkName(parts[1], "project");
            Store.checkName(parts[2], "branch");
            Optional<ReleaseView> release = view.release(parts[1], parts[2], parts[3]);
            return release.isPresent() ? html(200, pages.divergence(release.get())) : notFound(path);
        }
        return notFound(path);
    }

    /** {@code files/BLOCK_SIG/NAME}: a release's file by its manifest name, as a download. */
    private Answer releaseFile(String[] parts, String path) throws IOException {
        if (parts.length < 3) {
            return notFound(path);
        }
        Optional<ReleaseView> release = view.release(parts[1]);
        if (release.isEmpty() || release.get().manifest() == null) {
            return notFound(path);
        }
        String name = String.join("/", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        Digest digest = release.get().manifest().files().get(name);
        if (digest == null) {
            return notFound(path);
        }
        return file(store.objectPath(digest), BINARY, true, digest.base32(), parts[parts.length - 1], path);
    }

    private Answer file(Path file, String contentType, boolean immutable, String etag, String downloadName, String path)
            throws IOException {
        if (!Files.exists(file)) {
            return notFound(path);
        }
        Path real = file.toRealPath();
        if (!real.startsWith(store.root().toRealPath()) || !Files.isRegularFile(real)) {
            return notFound(path);
        }
        return new StoreFile(real, contentType, immutable, etag, downloadName);
    }

    private Answer notFound(String what) {
        return html(404, pages.notFound("Nothing here: " + what));
    }

    private static Page html(int status, String body) {
        return new Page(status, "text/html; charset=utf-8", body);
    }
}
