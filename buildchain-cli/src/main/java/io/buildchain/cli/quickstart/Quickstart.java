package io.buildchain.cli.quickstart;

import io.buildchain.core.FormatException;
import io.buildchain.core.build.BuildEnvironment;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.AuditVerifier;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.EnvironmentCauses;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.quorum.Vote;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.root.RootCeremony;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.root.SignerTrust;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.Downloader;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.StoreReader;
import io.buildchain.serial.SerialLine;
import io.buildchain.serial.SerialSigner;
import io.buildchain.serial.SocatPtyPair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The main job on embedded defaults: a sample project, four build nodes (three reproducible, one not),
 * an offline root key, a signer, a publisher with quorum 2, and an end user who verifies and downloads
 * trusting only the root. Two releases, with a signer restart (a new key) between them, so the chain
 * has history to walk across keys.
 */
public final class Quickstart {
    private static final String MARKER = ".buildchain-quickstart";
    private static final String PROJECT = "hello";
    private static final String BRANCH = "main";
    private static final int QUORUM = 2;
    private static final String[] BUILDERS = {"builder-a", "builder-b", "builder-c", "builder-d"};
    private static final String ODD_BUILDER = "builder-d";
    private static final long[] SOURCE_TIMES = {1767225600L, 1769904000L, 1772323200L};
    private static final String[] VERSIONS = {"1.0", "1.1", "1.2"};

    private final Path dir;
    private final PrintStream out;
    /** How many of {@link #VERSIONS} to release, each after a signer restart. */
    private final int releases;
    private final SecureRandom random = new SecureRandom();
    /** The signer started last, stopped when the run ends however it ends. */
    private SignerSetup running;

    public Quickstart(Path dir, PrintStream out) {
        this(dir, out, 2);
    }

    /** @param releases 2 (the quickstart) or 3 (a longer history, as the browser test reads it) */
    public Quickstart(Path dir, PrintStream out, int releases) {
        if (releases < 1 || releases > VERSIONS.length) {
            throw new IllegalArgumentException("releases: 1 to " + VERSIONS.length);
        }
        this.dir = dir.toAbsolutePath().normalize();
        this.out = out;
        this.releases = releases;
    }

    public void run() throws IOException {
        prepareDirectory();
        out.println("buildchain quickstart in " + dir);

        Map<String, SigningKey> builders = new LinkedHashMap<>();
        Map<PublicKey, String> labels = new LinkedHashMap<>();
        for (String name : BUILDERS) {
            SigningKey key = KeyFiles.create(dir.resolve("nodes").resolve(name).resolve("builder.key"), random);
            builders.put(name, key);
            labels.put(key.publicKey(), name);
        }
        KeyList trusted = KeyList.of(labels);
        Path trustFile = dir.resolve("trusted-builders");
        AtomicFiles.write(trustFile, trusted.render().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_WRITE_ALL_READ, true);
        // The signer also signs the publisher's log checkpoints, requested with the store's own request key.
        Map<PublicKey, String> allowed = new LinkedHashMap<>(labels);
        allowed.put(LogWriter.requestKey(Store.open(dir.resolve("store")), line -> { }).publicKey(),
                "publisher (log checkpoints)");
        KeyList signerAllow = KeyList.of(allowed);
        Path allowFile = dir.resolve("signer-allow");
        AtomicFiles.write(allowFile, signerAllow.render().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_WRITE_ALL_READ,
                true);
        try {
            runNetwork(builders, trusted, trustFile, allowFile, signerAllow);
        } finally {
            if (running != null) {
                running.close();
            }
        }
    }

    /**
     * The signing node: a real signer process on a socat pty pair when socat is installed, else in-process.
     * Each start is a new key, as on the real node.
     */
    private SignerSetup startSigner(Path trustFile, KeyList trusted, int start) throws IOException {
        Path state = dir.resolve("signer").resolve("state");
        if (SocatPtyPair.socat().isPresent()) {
            Path log = dir.resolve("signer").resolve("signer.log");
            Files.createDirectories(log.getParent());
            try {
                SignerProcess process = SignerProcess.start(dir.resolve("serial"), state, trustFile, log);
                out.println("[signer] 'buildchain signer' process on a socat pty pair (" + process.line.signerEnd + " <-> "
                        + process.line.clientEnd + "); its key lives only in that process (entropy source and requests: " + log + ")");
                SerialSigner client = new SerialSigner(process.line.clientEnd.toString(), SerialLine.DEFAULT_BAUD,
                        process.publicKey, line -> out.println("[serial] " + line));
                return new SignerSetup(client, process.publicKey, state, process);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the signer", e);
            }
        }
        out.println("[signer] socat is not installed (apt-get install socat), so the signer runs in-process instead of "
                + "on a serial line, with the same rules");
        SigningKey signerKey = KeyFiles.create(dir.resolve("signer").resolve("signer-" + start + ".key"), random);
        return new SignerSetup(new LocalSigner(signerKey, state, trusted, Clock.systemUTC()), signerKey.publicKey(), state,
                null);
    }

    /** The signer the publisher uses, its pinned key, its audit state, and what to stop at the end. */
    private record SignerSetup(BlockSigner signer, PublicKey pinned, Path state, SignerProcess process)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (process != null) {
                try {
                    process.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void runNetwork(Map<String, SigningKey> builders, KeyList trusted, Path trustFile, Path allowFile,
            KeyList signerAllow) throws IOException {
        SigningKey root = KeyFiles.create(dir.resolve("root").resolve("root.key"), random);
        Path rootFile = dir.resolve("root.pub");
        AtomicFiles.write(rootFile, (root.publicKey().base32() + "\n").getBytes(StandardCharsets.UTF_8),
                AtomicFiles.OWNER_WRITE_ALL_READ, true);
        out.println("[root] offline root key " + root.publicKey().base32() + " (users pin this; it certifies each new "
                + "signer key)");
        Store store = Store.open(dir.resolve("store"));
        List<Submission> lastRound = List.of();
        QuorumDecision lastDecision = null;
        PublicKey pinned = null;
        for (int release = 0; release < releases; release++) {
            String version = VERSIONS[release];
            out.println();
            out.println("== release " + version + " ==");
            if (running != null) {
                running.close();
                out.println("[signer] stopped (a power cut, a kernel update): its key is gone with its memory");
            }
            running = startSigner(allowFile, signerAllow, release + 1);
            pinned = running.pinned();
            AtomicFiles.write(dir.resolve("signer.pub"), (pinned.base32() + "\n").getBytes(StandardCharsets.UTF_8),
                    AtomicFiles.OWNER_WRITE_ALL_READ, true);
            out.println("[signer] key " + pinned.base32() + (release == 0 ? "" : " (new: the signer restarted)"));
            Publisher publisher = new Publisher(store, running.signer(), line -> out.println("[publish] " + line));
            Path source = dir.resolve("source-" + version);
            long sourceTime = SampleProject.writeSource(source, version, SOURCE_TIMES[release]);
            out.println("[source] " + source + " (source time " + Instant.ofEpochSecond(sourceTime) + ")");
            lastRound = buildEverywhere(builders, source, version, sourceTime);
            Publisher.Release toPublish = new Publisher.Release(PROJECT, BRANCH, QUORUM, trusted, lastRound, Optional.empty());
            if (release > 0) {
                try {
                    publisher.publish(toPublish);
                    throw new IllegalStateException("the publisher accepted an uncertified signer key");
                } catch (TrustRefusal refusal) {
                    out.println("[publish] refused, as it should be: " + refusal.getMessage().substring(0,
                            refusal.getMessage().indexOf(';')));
                }
            }
            SignerCertificate certificate = RootCeremony.certify(root, pinned, StoreReader.of(store.root()));
            RootStatements.add(store, List.of(certificate)).forEach(line -> out.println("[root] " + line));
            Publisher.Result result = publisher.publish(toPublish);
            for (Vote vote : result.decision().votes()) {
                out.println("[vote] " + vote.submission().source() + " " + vote.status().label() + ": "
                        + vote.submission().checkedBuildInfo().map(BuildInfo::summary).orElse("(no buildinfo)"));
            }
            lastDecision = result.decision();
            out.println("[publish] signed block " + result.block().counter() + " " + result.block().signatureBase32()
                    + "; tail " + PROJECT + "/" + BRANCH + " moved");
        }

        out.println();
        out.println("== end user (trusting only the root key) ==");
        ChainVerifier verifier = new ChainVerifier(StoreReader.of(store.root()), SignerTrust.root(root.publicKey()));
        ClientState lastSeen = new ClientState(dir.resolve("client").resolve("client-state"));
        ChainVerifier.Report report = verifier.verify(PROJECT, BRANCH,
                new ChainVerifier.Options(true, trusted, QUORUM, lastSeen));
        report.summary().lines().forEach(line -> out.println("[verify] " + line));
        Path downloads = dir.resolve("downloads");
        int count = new Downloader(verifier, report.release()).downloadAll(downloads);
        out.println("[download] " + count + " files verified and written to " + downloads);

        AuditVerifier.Report audit = AuditVerifier.verify(running.state().resolve("chain"), pinned);
        out.println("[signer-audit] " + audit.summary());

        out.println();
        out.println("== why " + ODD_BUILDER + " was outvoted ==");
        Submission reference = lastRound.get(0);
        Submission odd = lastRound.get(lastRound.size() - 1);
        Divergence.explain(
                new Divergence.Side(reference.source(), Manifest.parse(reference.manifest(), reference.source()),
                        reference.artifacts()),
                new Divergence.Side(odd.source(), Manifest.parse(odd.manifest(), odd.source()), odd.artifacts()))
                .withCausesFirst(EnvironmentCauses.causes(EnvironmentCauses.builders(lastDecision),
                        lastDecision.accepted().orElseThrow(), true))
                .render().lines().forEach(line -> out.println("[diff] " + line));

        String verb = Files.isExecutable(Path.of("bin", "buildchain")) ? "bin/buildchain" : "buildchain";
        out.println();
        out.println("Done. Everything is under " + dir + ":");
        out.println("  store          " + store.root() + "  (tail/, block/, object/, quorum/)");
        out.println("  signer key     " + dir.resolve("signer.pub") + "  (the current one; it changes at every restart)");
        out.println("  root key       " + rootFile + "  (and the private root key in " + dir.resolve("root") + ")");
        out.println("  trusted keys   " + trustFile);
        out.println("  build nodes    " + dir.resolve("nodes") + "  (keys, request chains, outputs, manifests)");
        out.println("Try:");
        out.println("  " + verb + " verify --root " + rootFile + " --store " + store.root() + " -p " + PROJECT
                + " -b " + BRANCH + " --quorum " + QUORUM + " --trust " + trustFile);
        out.println("  " + verb + " signer-audit --state " + running.state() + " --key " + pinned.base32());
        out.println("  " + verb + " download --root " + rootFile + " --store " + store.root() + " -p " + PROJECT
                + " -b " + BRANCH);
        Path nodes = dir.resolve("nodes");
        String last = VERSIONS[releases - 1];
        out.println("  " + verb + " diff " + nodes.resolve("builder-a/" + last + "/manifest.json") + " "
                + nodes.resolve(ODD_BUILDER + "/" + last + "/manifest.json") + " --artifacts-a "
                + nodes.resolve("builder-a/" + last + "/dist") + " --artifacts-b "
                + nodes.resolve(ODD_BUILDER + "/" + last + "/dist"));
    }

    private List<Submission> buildEverywhere(Map<String, SigningKey> builders, Path source, String version,
            long sourceTime) throws IOException {
        List<Submission> submissions = new ArrayList<>();
        // The sample has no git: its revision is the digest of its source tree, the same for every builder.
        String revision = new Manifest(sourceTime, TreeHasher.forThisMachine().hashTree(source)).digest().base32()
                .substring(0, 40);
        for (Map.Entry<String, SigningKey> builder : builders.entrySet()) {
            String name = builder.getKey();
            Path node = dir.resolve("nodes").resolve(name);
            Path work = node.resolve(version);
            Path dist = work.resolve("dist");
            boolean reproducible = !name.equals(ODD_BUILDER);
            SampleProject.build(source, dist, version, sourceTime, reproducible);
            // Every release names itself: project, branch, version, the source revision, every file's size.
            Manifest manifest = ReleaseRecord.writeInto(dist, TreeHasher.forThisMachine().hashTree(dist), PROJECT, BRANCH,
                    version, revision, sourceTime);
            byte[] manifestBytes = manifest.render();
            AtomicFiles.write(work.resolve("manifest.json"), manifestBytes, AtomicFiles.OWNER_WRITE_ALL_READ, true);
            SignedRequest request = new BuilderChain(node.resolve("state")).request(builder.getValue(), manifest.digest(),
                    System.currentTimeMillis() / 1000);
            AtomicFiles.write(work.resolve("request.bin"), request.bytes(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
            Map<String, String> environment = new LinkedHashMap<>(BuildEnvironment.selfReported(Map.of(), name,
                    Path.of("").toAbsolutePath()));
            if (!reproducible) {
                // The odd build writes its files group-writable, as a build under umask 0002 does: record that.
                environment.put("umask", "0002");
            }
            SignedBuildInfo buildinfo = SignedBuildInfo.sign(BuildInfo.of(manifest.digest(),
                    builder.getValue().publicKey(), environment), builder.getValue());
            buildinfo.writeBeside(work.resolve("request.bin"));
            out.println("[build] " + name + ": " + manifest.files().size() + " files, manifest "
                    + manifest.digest().base32().substring(0, 16) + "…, request " + request.counter()
                    + (reproducible ? "" : "  (not reproducible: wall-clock timestamps, umask-dependent modes)"));
            submissions.add(new Submission(name, manifestBytes, request.bytes(), Optional.of(dist), Optional.of(buildinfo)));
        }
        return submissions;
    }

    /** Makes {@code dir} empty: removes an earlier quickstart's directory, refuses anything else. */
    private void prepareDirectory() throws IOException {
        if (Files.exists(dir)) {
            boolean empty;
            try (Stream<Path> entries = Files.list(dir)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dir.resolve(MARKER))) {
                throw new FormatException(dir + ": exists and was not made by quickstart; choose another --dir");
            }
            FileTrees.delete(dir);
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by buildchain quickstart; safe to delete\n");
    }

}
