package io.buildchain.core.submit;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.intoto.BuildLink;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.hash.FileHasher;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.ManifestNames;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.store.Store;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Where remote build nodes' submissions wait for the publisher: {@code submissions/PROJECT/BRANCH/
 * MANIFEST_DIGEST/BUILDER_KEY/} holding manifest.json, request.bin and artifacts/. An upload is authenticated
 * from its first two entries before anything is written, then staged in
 * {@code submissions/tmp/} and renamed into place only once it is whole and checked, so a broken upload
 * leaves nothing behind. Accepting a submission is not publishing: that still needs the quorum and the signer.
 */
public final class SubmissionInbox {
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    private static final int MAX_FILES = 100_000;
    private final Store store;
    private final Path root;
    private final KeyList trusted;
    private static final int MAX_MANIFEST_BYTES = 64 << 20;
    private static final String LOCK_SUFFIX = ".lock";
    private final long maxBytes;
    private final UploadLimits limits;

    public SubmissionInbox(Store store, KeyList trusted, long maxBytes) {
        this(store, trusted, maxBytes, UploadLimits.defaults(maxBytes));
    }

    /** @param limits how many uploads run at once and how many bytes they stage together */
    public SubmissionInbox(Store store, KeyList trusted, long maxBytes, UploadLimits limits) {
        this.store = store;
        this.root = store.root().resolve("submissions");
        this.trusted = trusted;
        this.maxBytes = maxBytes;
        this.limits = limits;
    }

    /** Artifact bytes staged by uploads in progress right now. */
    public long stagedBytes() {
        return limits.stagedBytes();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * What was accepted.
     *
     * @param agreeing the distinct trusted operators whose waiting submissions are for this manifest, counted by
     *                 {@link Quorum#count} (operator names, or the key for a key that is its own operator)
     */
    public record Accepted(String project, String branch, Digest manifest, PublicKey builder, int files, boolean replaced,
            List<String> agreeing) {
    }

    /**
     * Reads one package from {@code upload}, checks it, and files it; throws with a status on refusal.
     * manifest.json and request.bin come first and are authenticated (signature, trusted key) in memory;
     * only then is any artifact staged, within {@link UploadLimits}.
     */
    public Accepted accept(String project, String branch, InputStream upload) throws IOException {
        Store.checkName(project, "project");
        Store.checkName(branch, "branch");
        try (UploadLimits.Slot slot = limits.enter()) {
            UploadPace paced = new UploadPace(upload);
            TarArchiveInputStream tar = new TarArchiveInputStream(new LimitedStream(paced, maxBytes));
            Authenticated head = authenticate(readHead(tar));
            paced.headReceived();
            try (Staging owned = stage()) {
                Path staging = owned.dir;
                Files.write(staging.resolve(SubmissionPackage.MANIFEST), head.manifestBytes());
                Files.write(staging.resolve(SubmissionPackage.REQUEST), head.request().bytes());
                Map<String, Digest> artifacts = extractArtifacts(tar, staging, head, slot);
                checkArtifacts(head.manifest(), artifacts);
                checkRelease(project, branch, staging, head);
                Path target = root.resolve(project).resolve(branch).resolve(head.digest().base32())
                        .resolve(head.request().publicKey().base32());
                // Filing is serialised with other uploads and with the publisher taking submissions: none is lost.
                try (DirectoryLock lock = lock()) {
                    boolean replaced = Files.exists(target);
                    if (replaced) {
                        SignedRequest waiting = SignedRequest.decode(Files.readAllBytes(
                                target.resolve(SubmissionPackage.REQUEST)), "waiting request");
                        SignedRequest incoming = head.request();
                        if (waiting.equals(incoming)) {
                            return new Accepted(project, branch, head.digest(), incoming.publicKey(), artifacts.size(),
                                    true, agreeing(project, branch, head.digest()));
                        }
                        if (Long.compareUnsigned(incoming.counter(), waiting.counter()) < 0) {
                            throw new SubmissionRejectedException(409, "a newer request of this builder (counter "
                                    + Long.toUnsignedString(waiting.counter()) + ") for this manifest is already waiting");
                        }
                        FileTrees.delete(target);
                    }
                    Files.createDirectories(target.getParent());
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    AtomicFiles.fsyncDirectory(target.getParent());
                    return new Accepted(project, branch, head.digest(), head.request().publicKey(), artifacts.size(),
                            replaced, agreeing(project, branch, head.digest()));
                }
            }
        }
    }

    /**
     * A staging directory {@code submissions/tmp/NAME} owned by this upload through a lock on {@code NAME.lock},
     * which the kernel releases if the process dies: {@link #collectLeftovers} then knows it is dead.
     */
    private final class Staging implements AutoCloseable {
        final Path dir;
        private final Path lockFile;
        private final FileChannel channel;

        Staging(Path dir, Path lockFile, FileChannel channel) {
            this.dir = dir;
            this.lockFile = lockFile;
            this.channel = channel;
        }

        @Override
        public void close() throws IOException {
            try {
                if (Files.exists(dir)) {
                    FileTrees.delete(dir);
                }
                Files.deleteIfExists(lockFile);
            } finally {
                channel.close();
            }
        }
    }

    /** A new staging directory, locked before it exists (under the inbox lock, so a collector never sees it bare). */
    private Staging stage() throws IOException {
        try (DirectoryLock lock = lock()) {
            Path dir = AtomicFiles.newTempName(root.resolve("tmp"));
            Files.createDirectories(dir.getParent());
            Path lockFile = dir.resolveSibling(dir.getFileName() + LOCK_SUFFIX);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                channel.lock();
                Files.createDirectory(dir);
            } catch (IOException | RuntimeException e) {
                channel.close();
                Files.deleteIfExists(lockFile);
                throw e;
            }
            return new Staging(dir, lockFile, channel);
        }
    }

    /**
     * Removes what uploads and publishes of dead processes left in {@code submissions/tmp/}: every entry whose
     * lock no live process holds. Run by {@code serve} at start and by {@code publish}; live uploads stay.
     *
     * @return the bytes removed
     */
    public static long collectLeftovers(Store store) throws IOException {
        Path tmp = store.root().resolve("submissions").resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        long removed = 0;
        try (DirectoryLock lock = DirectoryLock.acquire(store.root().resolve("submissions").resolve("lock"));
                Stream<Path> entries = Files.list(tmp)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().endsWith(LOCK_SUFFIX)) {
                    continue;
                }
                Path lockFile = entry.resolveSibling(entry.getFileName() + LOCK_SUFFIX);
                if (Files.exists(lockFile) && isLive(lockFile)) {
                    continue;
                }
                removed += FileTrees.size(entry);
                FileTrees.delete(entry);
                Files.deleteIfExists(lockFile);
            }
            try (Stream<Path> locks = Files.list(tmp)) {
                for (Path orphan : locks.filter(p -> p.getFileName().toString().endsWith(LOCK_SUFFIX)).toList()) {
                    Path owned = orphan.resolveSibling(orphan.getFileName().toString().replace(LOCK_SUFFIX, ""));
                    if (!Files.exists(owned) && !isLive(orphan)) {
                        Files.deleteIfExists(orphan);
                    }
                }
            }
        }
        return removed;
    }

    /** True if some process (this one included) holds the lock on {@code lockFile}. */
    private static boolean isLive(Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** Who has submitted {@code manifest} so far, by the quorum's own counting rule. */
    private List<String> agreeing(String project, String branch, Digest manifest) throws IOException {
        List<Quorum.Ballot> ballots = new ArrayList<>();
        for (Submission submission : pending(project, branch)) {
            SignedRequest request = SignedRequest.decode(submission.request(), submission.source());
            if (request.signatureValid() && trusted.contains(request.publicKey())) {
                ballots.add(new Quorum.Ballot(request.publicKey(), request.digest()));
            }
        }
        return Quorum.count(ballots, trusted).operatorsOf(manifest, trusted);
    }

    /** The submissions waiting for a branch, as the publisher takes them. */
    public List<Submission> pending(String project, String branch) throws IOException {
        Path dir = root.resolve(project).resolve(branch);
        List<Submission> submissions = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return submissions;
        }
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            for (Path builder : walk.filter(p -> dir.relativize(p).getNameCount() == 2).sorted().toList()) {
                PublicKey key = PublicKey.parse(builder.getFileName().toString(), builder.toString());
                Submission submission = new Submission(trusted.label(key).orElse(key.base32().substring(0, 12)),
                        Files.readAllBytes(builder.resolve(SubmissionPackage.MANIFEST)),
                        Files.readAllBytes(builder.resolve(SubmissionPackage.REQUEST)),
                        Optional.of(builder.resolve("artifacts")));
                Path buildinfo = builder.resolve(SubmissionPackage.BUILDINFO);
                if (Files.exists(buildinfo)) {
                    submission = submission.withBuildInfo(SignedBuildInfo.read(buildinfo,
                            builder.resolve(SubmissionPackage.BUILDINFO_SIGNATURE)));
                }
                submissions.add(submission);
            }
        }
        return submissions;
    }

    /** The in-toto attestations that came with the submissions {@link #pending} returns, by request. */
    public Map<String, BuilderAttestations> attestations(String project, String branch) throws IOException {
        Map<String, BuilderAttestations> out = new HashMap<>();
        for (Submission submission : pending(project, branch)) {
            Path builder = submission.artifacts().orElseThrow().getParent();
            if (Files.exists(builder.resolve(SubmissionPackage.IN_TOTO_LINK))) {
                out.put(ReleaseAttestations.requestKey(submission.request()), new BuilderAttestations(
                        Files.readAllBytes(builder.resolve(SubmissionPackage.IN_TOTO_LINK)),
                        Files.readAllBytes(builder.resolve(SubmissionPackage.IN_TOTO_PROVENANCE))));
            }
        }
        return out;
    }

    private DirectoryLock lock() throws IOException {
        return DirectoryLock.acquire(root.resolve("lock"));
    }

    /**
     * Removes, once published, exactly the submissions {@link #pending} returned for the branch (their requests
     * are in the evidence); one that arrived or was replaced meanwhile stays for the next publish.
     */
    public void consume(String project, String branch, List<Submission> taken) throws IOException {
        Path dir = root.resolve(project).resolve(branch);
        try (DirectoryLock lock = lock()) {
            for (Submission submission : taken) {
                Optional<Path> artifacts = submission.artifacts();
                Path builder = artifacts.map(Path::getParent).orElse(null);
                if (builder == null || !builder.startsWith(dir) || dir.relativize(builder).getNameCount() != 2
                        || !Files.isRegularFile(builder.resolve(SubmissionPackage.REQUEST))
                        || !java.util.Arrays.equals(Files.readAllBytes(builder.resolve(SubmissionPackage.REQUEST)),
                                submission.request())) {
                    continue;
                }
                Path doomed = AtomicFiles.newTempName(root.resolve("tmp"));
                Files.createDirectories(doomed.getParent());
                Files.move(builder, doomed, StandardCopyOption.ATOMIC_MOVE);
                FileTrees.delete(doomed);
                deleteIfEmpty(builder.getParent());
            }
            deleteIfEmpty(dir);
            deleteIfEmpty(dir.getParent());
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // Other submissions still wait there.
        }
    }

    /** manifest.json and request.bin, which must open the package, read into memory within their bounds. */
    private Map<String, byte[]> readHead(TarArchiveInputStream tar) {
        Map<String, byte[]> head = new HashMap<>();
        try {
            while (head.size() < 2) {
                TarArchiveEntry entry = tar.getNextEntry();
                if (entry == null) {
                    break;
                }
                String name = entry.getName();
                boolean manifest = name.equals(SubmissionPackage.MANIFEST);
                if (!manifest && !name.equals(SubmissionPackage.REQUEST) || !entry.isFile()) {
                    throw new SubmissionRejectedException(400, "entry \"" + name + "\" before manifest.json and "
                            + "request.bin: they come first, and are checked before any artifact is stored");
                }
                int bound = manifest ? MAX_MANIFEST_BYTES : SignedRequest.SIZE;
                byte[] content = tar.readNBytes(bound + 1);
                if (content.length > bound) {
                    throw new SubmissionRejectedException(413, name + " is larger than " + bound + " bytes");
                }
                if (head.put(name, content) != null) {
                    throw new SubmissionRejectedException(400, "entry \"" + name + "\" appears twice");
                }
            }
        } catch (SubmissionRejectedException e) {
            throw e;
        } catch (IOException e) {
            throw new SubmissionRejectedException(400, "upload broken or not a tar: " + e.getMessage());
        }
        if (head.size() < 2) {
            throw new SubmissionRejectedException(400, "a submission needs manifest.json and request.bin");
        }
        return head;
    }

    /** What the head of a package proved: a trusted builder signed this manifest. */
    private record Authenticated(byte[] manifestBytes, Manifest manifest, SignedRequest request, Digest digest) {
    }

    private Authenticated authenticate(Map<String, byte[]> head) throws IOException {
        byte[] manifestBytes = head.get(SubmissionPackage.MANIFEST);
        Manifest manifest;
        SignedRequest request;
        try {
            manifest = Manifest.parseCanonical(manifestBytes, "manifest.json");
            request = SignedRequest.decode(head.get(SubmissionPackage.REQUEST), "request.bin");
        } catch (BuildchainException e) {
            throw new SubmissionRejectedException(400, e.getMessage());
        }
        if (!request.signatureValid()) {
            throw new SubmissionRejectedException(400, "request.bin: signature does not verify");
        }
        if (!trusted.contains(request.publicKey())) {
            throw new SubmissionRejectedException(403, "builder key " + request.publicKey() + " is not trusted here");
        }
        // Freshness: a request the store already counted (or an older one of its builder) is a replay.
        Optional<String> replayed = RequestLedger.read(store).staleness(request);
        if (replayed.isPresent()) {
            throw new SubmissionRejectedException(409, replayed.get());
        }
        Digest digest = Digest.of(manifestBytes);
        if (!request.digest().equals(digest)) {
            throw new SubmissionRejectedException(400, "request.bin signs manifest " + request.digest()
                    + ", not this manifest.json (" + digest + ")");
        }
        return new Authenticated(manifestBytes, manifest, request, digest);
    }

    /**
     * The artifacts after the head: only names the manifest lists, each charged to the staging limit first. A
     * buildinfo and its signature are read into memory within their bound and checked as soon as both are in:
     * before any artifact when they come first, else right after they arrive.
     */
    private Map<String, Digest> extractArtifacts(TarArchiveInputStream tar, Path staging, Authenticated head,
            UploadLimits.Slot slot) {
        Manifest manifest = head.manifest();
        Map<String, Digest> artifacts = new HashMap<>();
        Map<String, byte[]> buildinfo = new HashMap<>();
        Set<String> inToto = new HashSet<>();
        try {
            TarArchiveEntry entry;
            int count = 0;
            while ((entry = tar.getNextEntry()) != null) {
                if (++count > MAX_FILES) {
                    throw new SubmissionRejectedException(413, "more than " + MAX_FILES + " files");
                }
                String name = entry.getName();
                if (entry.isDirectory() && name.startsWith(SubmissionPackage.ARTIFACTS)) {
                    continue;
                }
                if (!entry.isFile()) {
                    throw new SubmissionRejectedException(400, "entry \"" + name + "\" is not a regular file");
                }
                if (name.equals(SubmissionPackage.BUILDINFO) || name.equals(SubmissionPackage.BUILDINFO_SIGNATURE)) {
                    byte[] content = tar.readNBytes(BuildInfo.MAX_BYTES + 1);
                    if (content.length > BuildInfo.MAX_BYTES) {
                        throw new SubmissionRejectedException(413, name + " is larger than " + BuildInfo.MAX_BYTES
                                + " bytes");
                    }
                    if (buildinfo.put(name, content) != null) {
                        throw new SubmissionRejectedException(400, "entry \"" + name + "\" appears twice");
                    }
                    if (buildinfo.size() == 2) {
                        checkBuildInfo(buildinfo, head);
                        for (Map.Entry<String, byte[]> file : buildinfo.entrySet()) {
                            Files.write(staging.resolve(file.getKey()), file.getValue());
                        }
                    }
                    continue;
                }
                if (name.equals(SubmissionPackage.IN_TOTO_LINK) || name.equals(SubmissionPackage.IN_TOTO_PROVENANCE)) {
                    // Evidence outside the vote, checked when the release is published (docs/in-toto.md).
                    if (entry.getSize() > BuilderAttestations.MAX_BYTES || !inToto.add(name)) {
                        throw new SubmissionRejectedException(400, name + " is larger than "
                                + BuilderAttestations.MAX_BYTES + " bytes or appears twice");
                    }
                    slot.charge(entry.getSize());
                    Files.copy(tar, staging.resolve(name));
                    continue;
                }
                if (!name.startsWith(SubmissionPackage.ARTIFACTS)) {
                    throw new SubmissionRejectedException(400, "unexpected entry \"" + name
                            + "\" (expected manifest.json, request.bin, artifacts/NAME and optionally "
                            + SubmissionPackage.BUILDINFO + " with " + SubmissionPackage.BUILDINFO_SIGNATURE + ")");
                }
                String artifact = name.substring(SubmissionPackage.ARTIFACTS.length());
                String problem = ManifestNames.problem(artifact);
                if (problem != null) {
                    throw new SubmissionRejectedException(400, "artifact name \"" + artifact + "\" " + problem);
                }
                if (!manifest.files().containsKey(artifact)) {
                    throw new SubmissionRejectedException(400, "artifact \"" + artifact + "\" is not in the manifest");
                }
                if (artifacts.containsKey(artifact)) {
                    throw new SubmissionRejectedException(400, "artifact \"" + artifact + "\" appears twice");
                }
                slot.charge(entry.getSize());
                Path file = staging.resolve("artifacts").resolve(artifact);
                Files.createDirectories(file.getParent());
                try (OutputStream out = Files.newOutputStream(file)) {
                    artifacts.put(artifact, FileHasher.copy(tar, out));
                }
            }
        } catch (SubmissionRejectedException e) {
            throw e;
        } catch (java.nio.file.FileSystemException e) {
            // Its message is a path on this server: say what was wrong with the upload instead.
            throw new SubmissionRejectedException(400, "upload has an entry twice, or a file where a directory is");
        } catch (IOException e) {
            throw new SubmissionRejectedException(400, "upload broken or not a tar: " + e.getMessage());
        }
        if (inToto.size() == 1) {
            throw new SubmissionRejectedException(400, SubmissionPackage.IN_TOTO_LINK + " and "
                    + SubmissionPackage.IN_TOTO_PROVENANCE + " go together");
        }
        if (buildinfo.size() == 1) {
            throw new SubmissionRejectedException(400, SubmissionPackage.BUILDINFO + " and "
                    + SubmissionPackage.BUILDINFO_SIGNATURE + " go together");
        }
        return artifacts;
    }

    private static void checkArtifacts(Manifest manifest, Map<String, Digest> artifacts) {
        for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
            Digest got = artifacts.get(file.getKey());
            if (got == null) {
                throw new SubmissionRejectedException(400, "artifact \"" + file.getKey() + "\" is missing");
            }
            if (!got.equals(file.getValue())) {
                throw new SubmissionRejectedException(400, "artifact \"" + file.getKey() + "\" does not match its "
                        + "manifest digest");
            }
        }
    }

    /** A buildinfo travels with its signature, by this request's builder key, for this manifest, or not at all. */
    private static void checkBuildInfo(Map<String, byte[]> buildinfo, Authenticated head) {
        try {
            SignedBuildInfo signed = new SignedBuildInfo(buildinfo.get(SubmissionPackage.BUILDINFO),
                    buildinfo.get(SubmissionPackage.BUILDINFO_SIGNATURE));
            BuildInfo.parse(signed.bytes(), SubmissionPackage.BUILDINFO).verify(signed.signature(),
                    head.request().publicKey(), head.digest(), SubmissionPackage.BUILDINFO);
        } catch (BuildchainException e) {
            throw new SubmissionRejectedException(400, e.getMessage());
        }
    }

    /** The checks the publisher makes on the release itself, made early: its record and its source time. */
    private void checkRelease(String project, String branch, Path staging, Authenticated head) throws IOException {
        Manifest manifest = head.manifest();
        Path link = staging.resolve(SubmissionPackage.IN_TOTO_LINK);
        if (ReleaseRecord.entry(manifest).isEmpty() && Files.exists(link)) {
            throw new SubmissionRejectedException(400, SubmissionPackage.IN_TOTO_LINK + " needs a release record, "
                    + "whose revision it names");
        }
        if (ReleaseRecord.entry(manifest).isPresent()) {
            Path file = staging.resolve("artifacts").resolve(ReleaseRecord.NAME);
            ReleaseRecord record;
            try {
                if (Files.size(file) > ReleaseRecord.MAX_BYTES) {
                    throw new SubmissionRejectedException(413, ReleaseRecord.NAME + " is larger than "
                            + ReleaseRecord.MAX_BYTES + " bytes");
                }
                record = ReleaseRecord.of(manifest, Files.readAllBytes(file), ReleaseRecord.NAME);
                record.checkFor(project, branch, "this submission");
                record.checkSizes(staging.resolve("artifacts"), "this submission");
            } catch (BuildchainException e) {
                throw new SubmissionRejectedException(409, e.getMessage());
            }
            if (Files.exists(link)) {
                checkAttestations(staging, head, record);
            }
        }
        Optional<String> stale = Publisher.staleSource(store, project, branch, manifest.time());
        if (stale.isPresent()) {
            throw new SubmissionRejectedException(409, stale.get());
        }
    }

    /** The link and provenance must be the builder's, for exactly these files: checked here as the buildinfo is. */
    private static void checkAttestations(Path staging, Authenticated head, ReleaseRecord record) throws IOException {
        try {
            new BuilderAttestations(Files.readAllBytes(staging.resolve(SubmissionPackage.IN_TOTO_LINK)),
                    Files.readAllBytes(staging.resolve(SubmissionPackage.IN_TOTO_PROVENANCE))).check(
                    head.request().publicKey(), BuildLink.products(head.manifest(), staging.resolve("artifacts")::resolve),
                    record, "this submission's in-toto");
        } catch (BuildchainException e) {
            throw new SubmissionRejectedException(400, e.getMessage());
        }
    }

    /** Refuses an upload beyond the limit while it streams, whatever its Content-Length said. */
    private static final class LimitedStream extends FilterInputStream {
        private final long limit;
        private long read;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new SubmissionRejectedException(413, "upload is larger than " + limit + " bytes");
            }
        }
    }
}
