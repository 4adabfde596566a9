package io.buildchain.core.testing;

import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small real network in a directory: builder keys and chains, build outputs, a local signer, a store. */
public final class Network {
    public static final SecureRandom RANDOM = new SecureRandom();
    public final Path root;
    /** The signing node's key and state; {@link #restartSigner()} replaces both, as a real restart does. */
    public SigningKey signerKey = SigningKey.generate(RANDOM);
    public Path signerState;
    public final Map<String, SigningKey> builders = new LinkedHashMap<>();
    public final Store store;
    public final List<String> log = new ArrayList<>();

    public Network(Path root, String... builderNames) throws IOException {
        this.root = root;
        for (String name : builderNames) {
            builders.put(name, SigningKey.generate(RANDOM));
        }
        this.store = Store.open(root.resolve("store"));
        this.signerState = root.resolve("signer-state");
    }

    /** The signing node restarts: a new key born in memory and a fresh chain. */
    public SigningKey restartSigner() {
        signerKey = SigningKey.generate(RANDOM);
        signerState = root.resolve("signer-state-" + signerKey.publicKey().base32().substring(0, 8));
        return signerKey;
    }

    public KeyList trusted(String... names) {
        Map<PublicKey, String> labels = new LinkedHashMap<>();
        for (String name : names.length == 0 ? builders.keySet().toArray(String[]::new) : names) {
            labels.put(builders.get(name).publicKey(), name);
        }
        return KeyList.of(labels);
    }

    /** All builders trusted, with the operators given (builder name to operator name) for some of them. */
    public KeyList trustedWithOperators(Map<String, String> operatorOf) {
        Map<PublicKey, String> operators = new LinkedHashMap<>();
        operatorOf.forEach((name, operator) -> operators.put(builders.get(name).publicKey(), operator));
        return KeyList.of(trusted().keys().stream().collect(LinkedHashMap::new,
                (m, k) -> m.put(k, trusted().label(k).orElse("")), Map::putAll), operators);
    }

    public LocalSigner signer() {
        return new LocalSigner(signerKey, signerState, null, Clock.systemUTC());
    }

    public Publisher publisher() {
        return new Publisher(store, signer(), log::add);
    }

    /** Writes {@code files} as builder {@code name}'s output for {@code release} and submits it. */
    public Submission build(String name, String release, Map<String, String> files) throws IOException {
        Path dist = root.resolve("nodes").resolve(name).resolve(release);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dist.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
        }
        Manifest manifest = new TreeHasher(2).manifest(dist, 1700000000L);
        SignedRequest request = new BuilderChain(root.resolve("nodes").resolve(name).resolve("state"))
                .request(builders.get(name), manifest.digest(), 1700000000L);
        return new Submission(name, manifest.render(), request.bytes(), Optional.of(dist));
    }

    /** {@code submission} with a buildinfo of {@code environment}, signed by builder {@code name}'s key. */
    public Submission withBuildInfo(Submission submission, String name, Map<String, String> environment) {
        SigningKey key = builders.get(name);
        BuildInfo info = BuildInfo.of(Digest.of(submission.manifest()), key.publicKey(), environment);
        return submission.withBuildInfo(SignedBuildInfo.sign(info, key));
    }

    /** Every builder builds the same files, except those listed in {@code odd} which add a line. */
    public List<Submission> round(String release, List<String> odd) throws IOException {
        List<Submission> submissions = new ArrayList<>();
        for (String name : builders.keySet()) {
            String extra = odd.contains(name) ? " built at " + System.nanoTime() : "";
            submissions.add(build(name, release, Map.of("app.bin", "binary of " + release + extra,
                    "docs/README", "readme " + release)));
        }
        return submissions;
    }

    public Publisher.Result publish(String release, int quorum, String... odd) throws IOException {
        return publisher().publish(new Publisher.Release("proj", "main", quorum, trusted(), round(release, List.of(odd)),
                Optional.empty()));
    }
}
