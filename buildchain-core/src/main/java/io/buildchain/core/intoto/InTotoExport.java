package io.buildchain.core.intoto;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.store.Store;
import io.buildchain.core.view.ReleaseView;
import io.buildchain.core.view.StoreView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes what {@code in-toto-verify} needs for one release of a store, in a new directory: {@code root.layout} (the
 * owner's signed layout), {@code layout-key.pub} (the root key in securesystemslib's format), the agreeing builders'
 * links {@code build.KEYID8.link} with their SLSA provenance {@code build.KEYID8.provenance.json}, and the
 * release's files under {@code files/}. Only links of the layout's functionaries that describe exactly this
 * release are exported; the directory appears whole or not at all.
 */
public final class InTotoExport {
    public static final String LAYOUT = "root.layout";
    public static final String LAYOUT_KEY = "layout-key.pub";
    public static final String FILES = "files";

    /**
     * @param builders the builders whose links were exported, by keyid
     * @param leftOut  why a functionary's link and provenance in the store were not exported, one line each
     */
    public record Result(Path out, ReleaseView release, List<String> builders, List<String> leftOut, int threshold,
            String command) {
    }

    private InTotoExport() {
    }

    /** @param version the release of that version, or the branch's newest */
    public static Result export(Store store, String project, String branch, Optional<String> version, byte[] layoutJson,
            PublicKey owner, Path out) throws IOException {
        SignedMetadata layout = Layout.check(layoutJson, owner, project, branch, "layout");
        ReleaseView release = find(store, project, branch, version);
        Manifest manifest = release.manifest();
        if (Files.exists(out)) {
            throw new FormatException(out + ": already exists (give a new directory)");
        }
        Path staging = AtomicFiles.newTempName(out.toAbsolutePath().getParent());
        try {
            Path files = staging.resolve(FILES);
            for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
                Path target = files.resolve(file.getKey()).normalize();
                Files.createDirectories(target.getParent());
                Files.copy(store.objectPath(file.getValue()), target);
            }
            // Hashing the copies checks them against the manifest; links must name exactly these digests.
            Links links = links(store, release, layout, files);
            for (Map.Entry<PublicKey, BuilderAttestations> held : links.held().entrySet()) {
                Files.write(staging.resolve(BuildLink.fileName(held.getKey())), held.getValue().link());
                Files.write(staging.resolve(Provenance.fileName(held.getKey())), held.getValue().provenance());
            }
            Files.write(staging.resolve(LAYOUT), layoutJson);
            Files.write(staging.resolve(LAYOUT_KEY), layoutKey(owner));
            Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
            return result(out, release, layout, links, "cd " + out.resolve(FILES) + " && ");
        } finally {
            if (Files.exists(staging)) {
                FileTrees.delete(staging);
            }
        }
    }

    /**
     * Puts the layout, checked as {@link #export} checks it, and the root key as its layout key beside the release's
     * links in the store ({@code release/MANIFEST/in-toto/}), where {@code serve} hands them out with the links and
     * the files: what a user needs to run in-toto-verify from the store alone. Again with a renewed layout, it
     * replaces the one there.
     */
    public static Result intoStore(Store store, String project, String branch, Optional<String> version,
            byte[] layoutJson, PublicKey owner) throws IOException {
        // The layout-key.pub served beside it must be the key users pin: a certified store's root, no other.
        Optional<PublicKey> root = new StoreView(store).keyHistory().flatMap(KeyHistory::root);
        if (root.isPresent() && !root.get().equals(owner)) {
            throw new FormatException("--root " + owner + ": not this store's root key " + root.get()
                    + ", which its users pin");
        }
        SignedMetadata layout = Layout.check(layoutJson, owner, project, branch, "layout");
        ReleaseView release = find(store, project, branch, version);
        Manifest manifest = release.manifest();
        Links links = links(store, release, layout, null);
        Path dir = ReleaseAttestations.dir(store, manifest.digest());
        try (DirectoryLock lock = store.lock()) {
            Files.createDirectories(dir);
            ReleaseAttestations.write(store, dir.resolve(LAYOUT), layoutJson);
            ReleaseAttestations.write(store, dir.resolve(LAYOUT_KEY), layoutKey(owner));
        }
        return result(dir, release, layout, links, "");
    }

    /** The layout's functionaries' attestations in the store that hold for the release, and why the others do not. */
    private record Links(Map<PublicKey, BuilderAttestations> held, List<String> builders, List<String> leftOut) {
    }

    /** @param files the release's files, hashed for the products; null to hash the store's objects */
    private static Links links(Store store, ReleaseView release, SignedMetadata layout, Path files) throws IOException {
        Manifest manifest = release.manifest();
        var products = BuildLink.products(manifest, files != null ? files::resolve
                : name -> store.objectPath(manifest.files().get(name)));
        Path dir = ReleaseAttestations.dir(store, manifest.digest());
        Links links = new Links(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
        for (Map.Entry<String, PublicKey> builder : Layout.builders(layout, "layout").entrySet()) {
            Path link = dir.resolve(BuildLink.fileName(builder.getValue()));
            Path provenance = dir.resolve(Provenance.fileName(builder.getValue()));
            if (!Files.isRegularFile(link) || !Files.isRegularFile(provenance)) {
                continue;
            }
            BuilderAttestations attestations = new BuilderAttestations(
                    SignedBuildInfo.readBounded(link, BuilderAttestations.MAX_BYTES),
                    SignedBuildInfo.readBounded(provenance, BuilderAttestations.MAX_BYTES));
            try {
                attestations.check(builder.getValue(), products, release.record(),
                        ReleaseAttestations.DIR + "/" + BuildLink.STEP + "." + new InTotoKey(builder.getValue()).prefix());
            } catch (BuildchainException e) {
                links.leftOut().add(e.getMessage());
                continue;
            }
            links.held().put(builder.getValue(), attestations);
            links.builders().add(builder.getKey());
        }
        return links;
    }

    private static Result result(Path out, ReleaseView release, SignedMetadata layout, Links links, String cd) {
        int threshold = Layout.buildStep(layout).path("threshold").asInt();
        String command = cd + "in-toto-verify --layout ../" + LAYOUT + " --layout-keys ../" + LAYOUT_KEY
                + " --key-types ed25519 --link-dir " + Layout.LINK_DIR_FROM_FILES;
        return new Result(out, release, links.builders(), links.leftOut(), threshold, command);
    }

    /** The root key as in-toto's {@code --layout-keys} reads it (securesystemslib's JSON key format). */
    static byte[] layoutKey(PublicKey owner) throws IOException {
        return Json.MAPPER.writeValueAsBytes(new InTotoKey(owner).publicJson());
    }

    private static ReleaseView find(Store store, String project, String branch, Optional<String> version)
            throws IOException {
        for (ReleaseView release : new StoreView(store).releases(project, branch)) {
            if (release.manifest() != null && (version.isEmpty()
                    || (release.record() != null && version.get().equals(release.record().version())))) {
                if (release.record() == null) {
                    throw new FormatException(project + "/" + branch + ": the release carries no release record (no "
                            + "revision)");
                }
                return release;
            }
        }
        throw new FormatException(project + "/" + branch + ": no release" + version.map(v -> " " + v).orElse("")
                + " in the store (among its newest " + StoreView.MAX_RELEASES + ")");
    }
}
