package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Vote;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The in-toto links and provenance of a release's agreeing builders, kept beside the original layout in
 * {@code release/MANIFEST/in-toto/} as {@code build.KEYID8.link} and {@code build.KEYID8.provenance.json}.
 * Outside the vote: a release without them is still a release, and they are recorded after it is published.
 */
public final class ReleaseAttestations {
    public static final String DIR = "in-toto";
    /** What {@code release/MANIFEST/in-toto/} holds and serve hands out: links, provenance, the layout and its key. */
    private static final Pattern SERVED = Pattern.compile("build\\.[0-9a-f]{8}\\.(link|provenance\\.json)|"
            + Pattern.quote(InTotoExport.LAYOUT) + "|" + Pattern.quote(InTotoExport.LAYOUT_KEY));
    /** More than any layout has functionaries (two files each): a directory listing is bounded. */
    private static final int MAX_SERVED = 512;

    private ReleaseAttestations() {
    }

    public static Path dir(Store store, Digest manifest) {
        return store.views().releaseDir(manifest).resolve(DIR);
    }

    public static boolean served(String name) {
        return SERVED.matcher(name).matches();
    }

    /** The names of the release's in-toto files that serve hands out, sorted; none when there is no directory. */
    public static List<String> served(Store store, Digest manifest) throws IOException {
        Path dir = dir(store, manifest);
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString()).filter(ReleaseAttestations::served).limit(MAX_SERVED)
                    .sorted().toList();
        }
    }

    /** The request's bytes in hex: how a caller names which attestations came with which request. */
    public static String requestKey(byte[] request) {
        return HexFormat.of().formatHex(request);
    }

    /**
     * Checks and stores the attestations that came with the agreeing requests of {@code decision} (keyed by
     * {@link #requestKey}); returns what it wrote. A dissenting builder's attestations are not kept: they do not
     * describe the release. One that does not hold is left out and reported, never fails the published release.
     */
    public static List<Path> record(Store store, QuorumDecision decision, Map<String, BuilderAttestations> byRequest,
            Consumer<String> report) throws IOException {
        List<Path> written = new ArrayList<>();
        if (decision.accepted().isEmpty() || byRequest.isEmpty()) {
            return written;
        }
        Manifest manifest = decision.agreeing().get(0).manifest();
        Digest digest = decision.accepted().get();
        Optional<Digest> recordDigest = ReleaseRecord.entry(manifest);
        if (recordDigest.isEmpty()) {
            report.accept("in-toto: left out: the release has no release record, so no revision for the links");
            return written;
        }
        ReleaseRecord record = ReleaseRecord.of(manifest, Files.readAllBytes(store.objectPath(recordDigest.get())),
                "release record of " + digest);
        ObjectNode products = BuildLink.products(manifest, name -> store.objectPath(manifest.files().get(name)));
        Path dir = dir(store, digest);
        try (DirectoryLock lock = store.lock()) {
            for (Vote vote : decision.agreeing()) {
                BuilderAttestations attestations = byRequest.get(requestKey(vote.request().bytes()));
                if (attestations == null) {
                    continue;
                }
                try {
                    attestations.check(vote.key(), products, record, decision.builderName(vote));
                } catch (BuildchainException e) {
                    report.accept("in-toto: left out: " + e.getMessage());
                    continue;
                }
                Files.createDirectories(dir);
                Path link = dir.resolve(BuildLink.fileName(vote.key()));
                Path provenance = dir.resolve(Provenance.fileName(vote.key()));
                write(store, link, attestations.link());
                write(store, provenance, attestations.provenance());
                written.add(link);
                written.add(provenance);
            }
        }
        return written;
    }

    static void write(Store store, Path target, byte[] content) throws IOException {
        AtomicFiles.write(target, store.tmp(), out -> out.write(content), AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }
}
