package io.buildchain.bench;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.TreeMap;

/**
 * A store with a long signer chain built in-process: a software signer whose chain lives in memory, one
 * builder, and block files written without fsync (setting the scene is not what is measured). Releases
 * after that go through the real store and {@link LogWriter}, as {@code publish} does.
 */
public final class SyntheticStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    public final Store store;
    private final SigningKey signerKey = SigningKey.generate(RANDOM);
    private final SigningKey builderKey = SigningKey.generate(RANDOM);
    private final ChainSigner signerChain = ChainSigner.startingAt(Genesis.create(signerKey), signerKey);
    private final ChainSigner builderChain = ChainSigner.startingAt(Genesis.create(builderKey), builderKey);
    private final BlockSigner signer = new BlockSigner() {
        @Override
        public Block sign(SignedRequest request) {
            return Block.decode(signerChain.sign(request.bytes(), 1_800_000_000L), "synthetic block");
        }

        @Override
        public String describe() {
            return "in-memory software signer " + signerKey.publicKey();
        }
    };
    private Digest manifest;

    public SyntheticStore(Path dir) throws IOException {
        this.store = Store.open(dir);
    }

    public PublicKey signerKey() {
        return signerKey.publicKey();
    }

    /** {@code count} blocks of one release each, all for the same manifest, written straight to {@code block/}. */
    public Block history(int count) throws IOException {
        manifest = release("release 0");
        Path blocks = Files.createDirectories(store.root().resolve("block"));
        Block block = null;
        for (int i = 0; i < count; i++) {
            block = signer.sign(request(manifest));
            Files.write(blocks.resolve(block.signatureBase32()), block.bytes());
        }
        store.setTail("proj", "main", block);
        return block;
    }

    /** One more release the way publish stores it (block, tail), then the log hook; returns the release block. */
    public Block publish(String name, boolean log) throws IOException {
        Digest digest = release(name);
        Block block = signer.sign(request(digest));
        store.putBlock(block);
        store.setTail("proj", "main", block);
        if (log) {
            new LogWriter(store, signer, line -> { }, Clock.systemUTC()).extend(block);
        }
        return block;
    }

    /** Builds or extends the log over every block up to the tail, as the first log-aware publish does. */
    public void backfill(Block newest) throws IOException {
        new LogWriter(store, signer, line -> { }, Clock.systemUTC()).extend(newest);
    }

    private SignedRequest request(Digest digest) {
        return SignedRequest.decode(builderChain.sign(digest.bytes(), 1_800_000_000L), "synthetic request");
    }

    /** A manifest with one small file, both stored as objects. */
    private Digest release(String name) throws IOException {
        byte[] file = ("binary of " + name + "\n").repeat(64).getBytes(StandardCharsets.UTF_8);
        TreeMap<String, Digest> files = new TreeMap<>();
        files.put("app.bin", store.putObject(file));
        return store.putObject(new Manifest(1_700_000_000L, files).render());
    }
}
