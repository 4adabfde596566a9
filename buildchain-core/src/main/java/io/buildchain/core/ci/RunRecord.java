package io.buildchain.core.ci;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.store.Store;
import io.buildchain.core.store.TextRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What one CI run (a Jenkins build) recorded, kept in a directory of the run: each builder's manifest,
 * signed request, the node it ran on and a copy of its output files, then the blocks signed and the
 * releases published. A submission is staged under {@code id.partial} and renamed into place only when
 * complete and checked, so a crash never leaves a half-recorded one.
 *
 * <pre>
 * submissions/ID/manifest.json, request, node, files/..., and buildinfo + buildinfo.sig when recorded,
 *                                  request.link + request.provenance.json (in-toto) when recorded,
 *                                  source (the output's path on the node, until files/ is fetched)
 * blocks/BLOCK_SIGNATURE           (400 bytes)
 * releases                         (PROJECT BRANCH BLOCK_SIGNATURE per line)
 * </pre>
 */
public final class RunRecord {
    private final Path dir;

    public RunRecord(Path dir) {
        this.dir = dir;
    }

    /** One recorded builder submission; its buildinfo, when there is one, is its builder's for its manifest. */
    public record Entry(String id, String node, byte[] manifestBytes, Manifest manifest, SignedRequest request,
            Path files, Optional<SignedBuildInfo> buildinfo) {
        public Submission submission() {
            return new Submission(id + " (" + node + ")", manifestBytes, request.bytes(), Optional.of(files), buildinfo);
        }
    }

    /** A release this run published. */
    public record Release(String project, String branch, String block) {
    }

    public boolean isEmpty() {
        return !Files.isDirectory(dir);
    }

    /**
     * Reserves {@code id} for a submission and returns the directory its output files are copied into.
     * Refuses an id already used in this run.
     */
    public Path reserve(String id) throws IOException {
        Store.checkName(id, "id");
        Path submissions = dir.resolve("submissions");
        Files.createDirectories(submissions);
        if (Files.exists(submissions.resolve(id))) {
            throw duplicate(id);
        }
        try {
            Files.createDirectory(staging(id));
        } catch (FileAlreadyExistsException e) {
            throw duplicate(id);
        }
        Path files = staging(id).resolve("files");
        Files.createDirectory(files);
        return files;
    }

    /** Checks and records the builder's manifest and request for a reserved id. */
    public Entry record(String id, String node, byte[] manifest, byte[] request) throws IOException {
        return record(id, node, manifest, request, Optional.empty());
    }

    /** As {@link #record(String, String, byte[], byte[])}, with the builder's signed buildinfo. */
    public Entry record(String id, String node, byte[] manifest, byte[] request, Optional<SignedBuildInfo> buildinfo)
            throws IOException {
        Path staged = staging(id);
        if (!Files.isDirectory(staged)) {
            throw new FormatException("id \"" + id + "\" was not reserved in " + dir);
        }
        Entry entry = check(id, node, manifest, request, staged.resolve("files"), buildinfo);
        AtomicFiles.write(staged.resolve("manifest.json"), manifest, AtomicFiles.OWNER_WRITE_ALL_READ, false);
        AtomicFiles.write(staged.resolve(REQUEST), request, AtomicFiles.OWNER_WRITE_ALL_READ, false);
        if (buildinfo.isPresent()) {
            AtomicFiles.write(staged.resolve(BUILDINFO), buildinfo.get().bytes(), AtomicFiles.OWNER_WRITE_ALL_READ, false);
            AtomicFiles.write(staged.resolve(BUILDINFO + ".sig"), buildinfo.get().signature(),
                    AtomicFiles.OWNER_WRITE_ALL_READ, false);
        }
        AtomicFiles.write(staged.resolve("node"), node.getBytes(StandardCharsets.UTF_8),
                AtomicFiles.OWNER_WRITE_ALL_READ, false);
        Path target = dir.resolve("submissions").resolve(id);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(target.getParent());
        return new Entry(id, node, entry.manifestBytes(), entry.manifest(), entry.request(), target.resolve("files"),
                buildinfo);
    }

    /**
     * Where the builder's output stays until the vote (a path on its node), for a reserved id: only manifests,
     * requests and buildinfos travel to the run at manifest time; the files of one agreeing builder are fetched
     * into {@link Entry#files()} when a release is published.
     */
    public void recordSource(String id, String path) throws IOException {
        Path staged = staging(id);
        if (!Files.isDirectory(staged)) {
            throw new FormatException("id \"" + id + "\" was not reserved in " + dir);
        }
        AtomicFiles.write(staged.resolve(SOURCE), path.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_WRITE_ALL_READ,
                false);
    }

    /**
     * Keeps the in-toto link and provenance the builder signed on its node, for a reserved id (before {@link
     * #record}). They are checked when a release is published ({@code ReleaseAttestations.record}), against the
     * files, which are not here yet.
     */
    public void recordAttestations(String id, BuilderAttestations attestations) throws IOException {
        Path staged = staging(id);
        if (!Files.isDirectory(staged)) {
            throw new FormatException("id \"" + id + "\" was not reserved in " + dir);
        }
        if (attestations.link().length > BuilderAttestations.MAX_BYTES
                || attestations.provenance().length > BuilderAttestations.MAX_BYTES) {
            throw new FormatException(id + ": in-toto link or provenance over " + BuilderAttestations.MAX_BYTES + " bytes");
        }
        attestations.writeBeside(staged.resolve(REQUEST));
    }

    /**
     * The in-toto attestations recorded with this run's submissions, keyed by {@code ReleaseAttestations.requestKey}.
     * Read after the block is signed, so a pair that does not read (one file of two, one over the bound) is left out
     * with a line to {@code report}, as one that does not hold is: evidence outside the vote never fails a release.
     */
    public Map<String, BuilderAttestations> attestations(Consumer<String> report) throws IOException {
        Map<String, BuilderAttestations> byRequest = new HashMap<>();
        for (Entry entry : entries()) {
            try {
                BuilderAttestations.readBeside(dir.resolve("submissions").resolve(entry.id()).resolve(REQUEST))
                        .ifPresent(a -> byRequest.put(ReleaseAttestations.requestKey(entry.request().bytes()), a));
            } catch (BuildchainException e) {
                report.accept("in-toto: left out: " + e.getMessage());
            }
        }
        return byRequest;
    }

    /** The output's path on the entry's node, when its files were left there; empty when they were copied. */
    public Optional<String> sourceOf(Entry entry) throws IOException {
        Path source = dir.resolve("submissions").resolve(entry.id()).resolve(SOURCE);
        return Files.isRegularFile(source) ? Optional.of(Files.readString(source, StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /**
     * Checks the files that arrived in {@link Entry#files()} against the entry's manifest: exactly its files, each
     * with its digest (the output may have changed on the node since it was hashed).
     */
    public static void checkArrived(Entry entry) throws IOException {
        var arrived = TreeHasher.forThisMachine().hashTree(entry.files());
        if (!arrived.equals(entry.manifest().files())) {
            var differing = new java.util.TreeSet<>(arrived.keySet());
            differing.addAll(entry.manifest().files().keySet());
            differing.removeIf(name -> java.util.Objects.equals(arrived.get(name), entry.manifest().files().get(name)));
            throw new VerificationException("the output of " + entry.id() + " on " + entry.node() + " no longer matches "
                    + "its manifest: " + String.join(", ", differing.stream().limit(5).toList())
                    + (differing.size() > 5 ? " and " + (differing.size() - 5) + " more" : ""));
        }
    }

    /** Drops a reservation whose recording failed. */
    public void abandon(String id) throws IOException {
        if (Files.exists(staging(id))) {
            FileTrees.delete(staging(id));
        }
    }

    public List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        Path submissions = dir.resolve("submissions");
        if (!Files.isDirectory(submissions)) {
            return entries;
        }
        for (Path entry : sorted(submissions, p -> !p.getFileName().toString().endsWith(".partial"))) {
            String id = entry.getFileName().toString();
            Optional<SignedBuildInfo> buildinfo = Files.exists(entry.resolve(BUILDINFO))
                    ? Optional.of(SignedBuildInfo.read(entry.resolve(BUILDINFO))) : Optional.empty();
            entries.add(check(id, Files.readString(entry.resolve("node"), StandardCharsets.UTF_8),
                    Files.readAllBytes(entry.resolve("manifest.json")), Files.readAllBytes(entry.resolve(REQUEST)),
                    entry.resolve("files"), buildinfo));
        }
        return entries;
    }

    /** The submission recorded under {@code idOrDigest}: its id, or its manifest's digest (base32). */
    public Entry find(String idOrDigest) throws IOException {
        List<Entry> entries = entries();
        for (Entry entry : entries) {
            if (entry.id().equals(idOrDigest) || entry.manifest().digest().toString().equals(idOrDigest)) {
                return entry;
            }
        }
        throw new FormatException("no manifest \"" + idOrDigest + "\" was recorded in this run"
                + (entries.isEmpty() ? " (run buildchainManifest first)"
                        : "; recorded: " + String.join(", ", entries.stream().map(Entry::id).toList())));
    }

    public List<Submission> submissions() throws IOException {
        return entries().stream().map(Entry::submission).toList();
    }

    /**
     * The submissions that vote in a publish: those whose request no block of this run carries. A request that
     * {@code buildchainSign} had signed alone (outside any quorum) is spent: counted, it would stand as a dissenting
     * builder beside the manifests the release is made of.
     */
    public List<Entry> votes() throws IOException {
        List<Block> signed = blocks();
        return entries().stream().filter(e -> signed.stream().noneMatch(b -> b.carries(e.request()))).toList();
    }

    public void recordBlock(Block block) throws IOException {
        Path blocks = dir.resolve("blocks");
        Files.createDirectories(blocks);
        AtomicFiles.write(blocks.resolve(block.signatureBase32()), block.bytes(), AtomicFiles.ALL_READ, true);
    }

    public List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        Path dirOfBlocks = dir.resolve("blocks");
        if (Files.isDirectory(dirOfBlocks)) {
            for (Path file : sorted(dirOfBlocks, Files::isRegularFile)) {
                blocks.add(Block.decode(Files.readAllBytes(file), file.toString()));
            }
        }
        return blocks;
    }

    public void recordRelease(String project, String branch, Block block) throws IOException {
        recordBlock(block);
        Files.createDirectories(dir);
        try (DirectoryLock lock = DirectoryLock.acquire(dir.resolve("lock"))) {
            List<String[]> records = TextRecords.read(dir.resolve("releases"), RELEASE_LAYOUT);
            records.add(new String[] {project, branch, block.signatureBase32()});
            TextRecords.write(dir.resolve("releases"), records, AtomicFiles.OWNER_WRITE_ALL_READ);
        }
    }

    public List<Release> releases() throws IOException {
        return TextRecords.read(dir.resolve("releases"), RELEASE_LAYOUT).stream()
                .map(r -> new Release(r[0], r[1], r[2])).toList();
    }

    /** Frees the copies of output files once a release is in the store and archived. */
    public void dropFiles() throws IOException {
        for (Entry entry : entries()) {
            if (Files.exists(entry.files())) {
                FileTrees.delete(entry.files());
            }
        }
    }

    private static final String RELEASE_LAYOUT = "PROJECT BRANCH BLOCK";
    private static final String BUILDINFO = "buildinfo";
    private static final String SOURCE = "source";
    private static final String REQUEST = "request";

    private static Entry check(String id, String node, byte[] manifest, byte[] request, Path files,
            Optional<SignedBuildInfo> buildinfo) {
        Manifest parsed = Manifest.parseCanonical(manifest, id + "/manifest.json");
        SignedRequest signed = SignedRequest.decode(request, id + "/request");
        signed.verifySignature(id + "/request");
        Digest digest = parsed.digest();
        if (!signed.digest().equals(digest)) {
            throw new FormatException(id + "/request: signs manifest " + signed.digest() + ", not this manifest ("
                    + digest + ")");
        }
        Entry entry = new Entry(id, node, manifest, parsed, signed, files, buildinfo);
        entry.submission().checkedBuildInfo();
        return entry;
    }

    private Path staging(String id) {
        return dir.resolve("submissions").resolve(id + ".partial");
    }

    private static FormatException duplicate(String id) {
        return new FormatException("id \"" + id + "\" is already recorded in this run; give each buildchainManifest "
                + "its own id (e.g. the agent's name)");
    }

    private static List<Path> sorted(Path parent, Predicate<Path> filter) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent)) {
            stream.forEach(p -> {
                if (filter.test(p)) {
                    paths.add(p);
                }
            });
        }
        paths.sort(null);
        return paths;
    }
}
