package io.buildchain.core.view;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.manifest.ManifestNames;
import io.buildchain.core.log.Tiles;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * Maps a request path below a store's base URL to what to answer: a store file in the original layout,
 * a release file by name, or a page. Never anything outside the store: names are checked, and the real
 * path of every file (after symlinks) must lie inside the store.
 */
public final class StoreRoutes {
    private static final Pattern B32_SIGNATURE = Pattern.compile("[A-Z2-7]{103}");
    private static final Pattern B32_DIGEST = Pattern.compile("[A-Z2-7]{77}");
    private static final Pattern B32_KEY = Pattern.compile("[A-Z2-7]{52}");
    private static final int MUTABLE_ETAG_MAX = 64 * 1024;
    private static final String BINARY = "application/octet-stream";
    private static final String JSON = "application/json";
    private static final Pattern IN_TOTO_FILE = Pattern.compile("build\\.[0-9a-f]{8}\\.(link|provenance\\.json)");
    private static final String TEXT = "text/plain; charset=us-ascii";

    /** Objects reachable from a branch's tail, keyed by store, branch and tail; computing them walks the chain. */
    private static final Map<String, Set<Digest>> REACHABLE = new ConcurrentHashMap<>();
    private static final int REACHABLE_CACHE_LIMIT = 256;

    private final Store store;
    private final StoreView view;
    private final ChainPages pages;
    private final BiPredicate<String, String> scope;

    /** Routes over the whole store, as {@code buildchain serve} shows it. */
    public StoreRoutes(Store store, ChainPages pages) {
        this(store, pages, null);
    }

    /**
     * Routes over the branches {@code scope} allows (project, branch), as a Jenkins job shows the branches it
     * publishes in a store shared by all jobs: their tails, pages, evidence, and only the objects their releases
     * name. Blocks are served by signature, as walking a chain back passes through other branches' blocks; a
     * block names digests and keys, never content.
     *
     * @param scope null for the whole store
     */
    public StoreRoutes(Store store, ChainPages pages, BiPredicate<String, String> scope) {
        this.store = store;
        this.view = new StoreView(store);
        this.pages = pages;
        this.scope = scope;
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
                case "", "index.html" -> parts.length == 1 ? html(200, pages.index(branchRows())) : notFound(path);
                case "style.css" -> parts.length == 1 ? new Page(200, "text/css; charset=utf-8", ChainPages.STYLESHEET)
                        : notFound(path);
                case "copy.js" -> parts.length == 1 ? new Page(200, "text/javascript; charset=utf-8",
                        ChainPages.COPY_SCRIPT) : notFound(path);
                case "submissions" -> parts.length == 1 || (parts.length == 2 && parts[1].isEmpty())
                        ? html(200, pages.submissions(PendingSubmissions.read(store, view, scope))) : notFound(path);
                case "tail" -> parts.length == 3 && allows(parts[1], parts[2])
                        ? mutable(store.tailPath(parts[1], parts[2]), BINARY, path) : notFound(path);
                case "log" -> logFile(parts, path);
                case "block" -> parts.length == 2 && B32_SIGNATURE.matcher(parts[1]).matches()
                        ? file(store.root().resolve(path), BINARY, true, parts[1], null, path) : notFound(path);
                case "object" -> parts.length == 2 && B32_DIGEST.matcher(parts[1]).matches() && objectInScope(parts[1])
                        ? file(store.root().resolve(path), BINARY, true, parts[1], null, path) : notFound(path);
                case "quorum" -> parts.length == 2 && parts[1].endsWith(".json")
                        && B32_SIGNATURE.matcher(parts[1].substring(0, parts[1].length() - 5)).matches()
                        && releaseInScope(parts[1].substring(0, parts[1].length() - 5))
                        ? file(store.root().resolve(path), JSON, true, parts[1], null, path) : notFound(path);
                case "manifest.json" -> parts.length == 1 && scope == null ? file(store.root().resolve(path), JSON, false, null, null, path)
                        : notFound(path);
                case "artifacts" -> artifact(parts, path);
                // Keys and block names only, never content: served in every scope, as blocks are.
                case "root" -> parts.length == 2 && parts[1].equals("statements")
                        ? mutable(store.root().resolve(path), TEXT, path) : notFound(path);
                case "signer" -> parts.length == 2 && parts[1].equals("last")
                        ? mutable(store.root().resolve(path), BINARY, path) : notFound(path);
                case "chain" -> chain(parts, path);
                case "files" -> releaseFile(parts, path);
                // release/MANIFEST/in-toto/: the agreeing builders' in-toto links and provenance (docs/in-toto.md).
                case "release" -> parts.length == 4 && B32_DIGEST.matcher(parts[1]).matches()
                        && parts[2].equals(ReleaseAttestations.DIR) && IN_TOTO_FILE.matcher(parts[3]).matches()
                        && objectInScope(parts[1]) ? mutable(store.root().resolve(path), JSON, path) : notFound(path);
                default -> notFound(path);
            };
        } catch (BuildchainException e) {
            return notFound(path);
        }
    }

    /** Each branch the scope allows with its releases and the number of submissions waiting for it. */
    private List<ChainPages.BranchRow> branchRows() throws IOException {
        Map<String, Integer> waiting = new HashMap<>();
        for (PendingSubmissions.Branch branch : PendingSubmissions.read(store, view, scope)) {
            waiting.put(branch.project() + "/" + branch.branch(),
                    branch.releases().stream().mapToInt(w -> w.entries().size()).sum());
        }
        List<ChainPages.BranchRow> rows = new ArrayList<>();
        for (StoreView.BranchSummary b : view.branches()) {
            if (allows(b.project(), b.branch())) {
                rows.add(new ChainPages.BranchRow(b.project(), b.branch(), view.releases(b.project(), b.branch()),
                        waiting.getOrDefault(b.project() + "/" + b.branch(), 0)));
            }
        }
        return rows;
    }

    /**
     * {@code chain/P/B} (the releases), {@code chain/P/B/blocks} (every block behind them), {@code
     * chain/P/B/history.json}, a release by version ({@code chain/P/B/release/VERSION}) or by block ({@code
     * chain/P/B/BLOCK_SIG}), and its divergence ({@code chain/P/B/BLOCK_SIG/divergence}).
     */
    private Answer chain(String[] parts, String path) throws IOException {
        if (parts.length < 4 || parts.length > 5 || !allows(parts[1], parts[2])) {
            return parts.length == 3 && allows(parts[1], parts[2]) ? branch(parts[1], parts[2]) : notFound(path);
        }
        String project = parts[1];
        String branch = parts[2];
        Store.checkName(project, "project");
        Store.checkName(branch, "branch");
        List<ReleaseView> releases = view.releases(project, branch);
        if (releases.isEmpty()) {
            return notFound(path);
        }
        if (parts.length == 4 && parts[3].equals("blocks")) {
            return html(200, pages.blocks(project, branch, releases, view.keyHistory()));
        }
        if (parts.length == 4 && parts[3].equals("history.json")) {
            return new Page(200, JSON, ChainPages.history(project, branch, releases));
        }
        Optional<ReleaseView> release = parts.length == 5 && parts[3].equals("release")
                ? view.releaseByVersion(project, branch, parts[4])
                : B32_SIGNATURE.matcher(parts[3]).matches() && (parts.length == 4 || parts[4].equals("divergence"))
                        ? view.release(project, branch, parts[3]) : Optional.empty();
        if (release.isPresent() && release.get().checkpoint()) {
            return notFound("block " + parts[3] + " signs a log checkpoint, not a release; the blocks of " + project
                    + "/" + branch + " are listed at chain/" + project + "/" + branch + "/blocks");
        }
        if (release.isEmpty() || !release.get().isRelease()) {
            return notFound(path);
        }
        if (parts.length == 5 && parts[4].equals("divergence")) {
            return html(200, pages.divergence(release.get()));
        }
        return html(200, pages.release(release.get(), view.keyHistory(), releases.get(0).block().publicKey()));
    }

    private Answer branch(String project, String branch) throws IOException {
        Store.checkName(project, "project");
        Store.checkName(branch, "branch");
        List<ReleaseView> releases = view.releases(project, branch);
        if (releases.isEmpty()) {
            return notFound("nothing published for " + project + "/" + branch);
        }
        int waiting = PendingSubmissions.read(store, view, (p, b) -> p.equals(project) && b.equals(branch)).stream()
                .mapToInt(w -> w.releases().stream().mapToInt(r -> r.entries().size()).sum()).sum();
        return html(200, pages.chain(project, branch, releases, view.keyHistory(), waiting));
    }

    /** {@code files/BLOCK_SIG/NAME}: a release's file by its manifest name, as a download. */
    private Answer releaseFile(String[] parts, String path) throws IOException {
        if (parts.length < 3) {
            return notFound(path);
        }
        Optional<ReleaseView> release = view.release(parts[1]);
        if (release.isEmpty() || release.get().manifest() == null || !releaseInScope(release.get())) {
            return notFound(path);
        }
        String name = String.join("/", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        Digest digest = release.get().manifest().files().get(name);
        if (digest == null) {
            return notFound(path);
        }
        return file(store.objectPath(digest), BINARY, true, digest.base32(), parts[parts.length - 1], path);
    }

    /**
     * {@code artifacts/NAME}: whatever the store's {@code artifacts/} holds (the original layout's links to the
     * newest release's objects), as a download. Not content-addressed, so never cached as immutable; store-wide,
     * so not served in a scoped view.
     */
    private Answer artifact(String[] parts, String path) throws IOException {
        if (parts.length < 2 || scope != null) {
            return notFound(path);
        }
        ManifestNames.check(path.substring("artifacts/".length()));
        return file(store.root().resolve(path), BINARY, false, null, parts[parts.length - 1], path);
    }

    /**
     * {@code log/SIGNER_KEY/checkpoint}, {@code .../evidence} and {@code .../tile/...}: the log of a signer's chain. Like
     * blocks, it is served to every scope, as it names blocks by hash only.
     */
    private Answer logFile(String[] parts, String path) throws IOException {
        if (parts.length < 3 || !B32_KEY.matcher(parts[1]).matches()) {
            return notFound(path);
        }
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        // The evidence note (issue 26) names blocks and evidence digests only, as the checkpoint names a tree; the note
        // of counted requests names blocks, builder keys, counters and times, so that a job's view can be recounted.
        if (rest.equals("checkpoint") || rest.equals(io.buildchain.core.log.EvidenceNote.FILE)
                || rest.equals(io.buildchain.core.log.CountedNote.FILE)) {
            return mutable(store.root().resolve(path), "text/plain; charset=utf-8", path);
        }
        return Tiles.PATH.matcher(rest).matches()
                ? file(store.root().resolve(path), BINARY, true, "tile-" + parts[1] + "-" + rest.replace('/', '.'), null, path)
                : notFound(path);
    }

    /** A small file that moves: its ETag is a digest of its content, so a client's copy costs one 304. */
    private Answer mutable(Path file, String contentType, String path) throws IOException {
        Answer answer = file(file, contentType, false, null, null, path);
        if (!(answer instanceof StoreFile checked) || Files.size(checked.file()) > MUTABLE_ETAG_MAX) {
            return answer;
        }
        String etag = Digest.of(Files.readAllBytes(checked.file())).base32();
        return new StoreFile(checked.file(), contentType, false, etag, null);
    }

    private boolean allows(String project, String branch) {
        return scope == null || scope.test(project, branch);
    }

    private boolean releaseInScope(String blockSignature) throws IOException {
        if (scope == null) {
            return true;
        }
        Optional<ReleaseView> release = view.release(blockSignature);
        return release.isPresent() && releaseInScope(release.get());
    }

    /** A release belongs to the branch its quorum evidence names; one without evidence to no scope. */
    private boolean releaseInScope(ReleaseView release) {
        return scope == null || (release.evidence() != null && allows(release.project(), release.branch()));
    }

    private boolean objectInScope(String digest) throws IOException {
        if (scope == null) {
            return true;
        }
        for (StoreView.BranchSummary branch : view.branches()) {
            if (allows(branch.project(), branch.branch()) && reachable(branch).contains(Digest.parse(digest, "object"))) {
                return true;
            }
        }
        return false;
    }

    private Set<Digest> reachable(StoreView.BranchSummary branch) throws IOException {
        String key = store.root() + "\n" + branch.project() + "\n" + branch.branch() + "\n" + branch.tail().signatureBase32();
        Set<Digest> cached = REACHABLE.get(key);
        if (cached == null) {
            cached = view.reachableObjects(branch.project(), branch.branch());
            if (REACHABLE.size() >= REACHABLE_CACHE_LIMIT) {
                REACHABLE.clear();
            }
            REACHABLE.put(key, cached);
        }
        return cached;
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
