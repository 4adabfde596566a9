package io.buildchain.core.build;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.DirectoryLock;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;

/**
 * A build node's side of a release, as one call: hash the output tree, then sign the 224-byte request with
 * the node's own builder key. The key and the node's request chain live in {@code home} (e.g. under a
 * Jenkins agent's root); the key is created there on first use, readable by its owner only.
 */
public final class BuildNode {
    public static final String KEY_FILE = "builder.key";
    public static final String REQUEST_CHAIN_DIR = "requests";

    private final Path home;
    private long resumeAfter;

    public BuildNode(Path home) {
        this.home = home;
    }

    /**
     * Numbers the next request above {@code counter} if the node's own chain is behind it: the newest request of
     * this node's key the publisher counted, so a node whose state was lost or restored is not refused as a replay.
     */
    public BuildNode resumingAfter(long counter) {
        this.resumeAfter = counter;
        return this;
    }

    /**
     * What a build produced, small enough to send back from an agent.
     *
     * @param keyCreated whether this call created the builder key (worth telling the user: it must be trusted)
     * @param buildinfo  the build environment ({@link #signedBuildInfo}), as JDK values only
     * @param buildinfoSignature its detached signature by the builder key
     * @param link       the in-toto link for the step build, signed by the builder key, or null when not asked
     * @param provenance its SLSA provenance envelope, null with {@code link}
     */
    public record Output(byte[] manifest, byte[] request, String builderKey, String manifestDigest, int files,
            boolean keyCreated, byte[] buildinfo, byte[] buildinfoSignature, byte[] link, byte[] provenance)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public SignedBuildInfo signedBuildInfo() {
            return new SignedBuildInfo(buildinfo, buildinfoSignature);
        }

        public Optional<BuilderAttestations> attestations() {
            return link == null ? Optional.empty() : Optional.of(new BuilderAttestations(link, provenance));
        }
    }

    /** @param environment the build's environment fields (see {@link BuildEnvironment}), recorded in the buildinfo */
    public Output build(Path outputDir, long sourceTime, long requestTime, Map<String, String> environment)
            throws IOException {
        return build(outputDir, sourceTime, requestTime, environment, null, null, null, null, false);
    }

    /**
     * As {@link #build(Path, long, long, Map)}; with a {@code project}, also writes the release record (see
     * {@link ReleaseRecord}) into the output before the manifest is signed.
     *
     * @param inToto also sign the in-toto link and SLSA provenance of the release ({@link BuilderAttestations}):
     *               needs a {@code project} and a {@code revision} that is a git commit id
     */
    public Output build(Path outputDir, long sourceTime, long requestTime, Map<String, String> environment,
            String project, String branch, String version, String revision, boolean inToto) throws IOException {
        if (!Files.isDirectory(outputDir)) {
            throw new java.nio.file.NoSuchFileException(outputDir.toString(), null,
                    "no such output directory (did the build write its files somewhere else?)");
        }
        TreeHasher hasher = TreeHasher.forThisMachine();
        Manifest manifest = project == null ? hasher.manifest(outputDir, sourceTime)
                : ReleaseRecord.writeInto(outputDir, hasher.hashTree(outputDir), project, branch, version, revision,
                        sourceTime);
        boolean[] created = new boolean[1];
        SigningKey key = key(created);
        BuildInfo info = BuildInfo.of(manifest.digest(), key.publicKey(), environment);
        SignedBuildInfo buildinfo = SignedBuildInfo.sign(info, key);
        // Before the request: a link refused (e.g. a revision that is no git commit id) spends no request counter.
        Optional<BuilderAttestations> attestations = inToto
                ? Optional.of(BuilderAttestations.make(manifest, outputDir, key, Optional.of(info))) : Optional.empty();
        SignedRequest request = new BuilderChain(home.resolve(REQUEST_CHAIN_DIR))
                .request(key, manifest.digest(), requestTime, resumeAfter);
        return new Output(manifest.render(), request.bytes(), key.publicKey().toString(),
                manifest.digest().toString(), manifest.files().size(), created[0], buildinfo.bytes(),
                buildinfo.signature(), attestations.map(BuilderAttestations::link).orElse(null),
                attestations.map(BuilderAttestations::provenance).orElse(null));
    }

    /** The node's builder key, created on first use. */
    public PublicKey publicKey() throws IOException {
        return key(new boolean[1]).publicKey();
    }

    private SigningKey key(boolean[] created) throws IOException {
        Files.createDirectories(home);
        // Two executors of one agent may build at once: only one of them creates the key.
        try (DirectoryLock lock = DirectoryLock.acquire(home.resolve("key.lock"))) {
            Path file = home.resolve(KEY_FILE);
            if (Files.exists(file)) {
                return KeyFiles.read(file);
            }
            created[0] = true;
            return KeyFiles.create(file, new SecureRandom());
        }
    }
}
