package io.buildchain.core.chain;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A build node's own request chain, kept in a state directory: {@code genesis} (96 bytes) and
 * {@code tail} (the last request, 224 bytes). Each request's counter is one more than the last, so the
 * signer can refuse a replayed request.
 */
public final class BuilderChain {
    private final Path dir;

    public BuilderChain(Path dir) {
        this.dir = dir;
    }

    /** Signs the next request for {@code digest}; the state is saved before the request is returned. */
    public SignedRequest request(SigningKey key, Digest digest, long timestamp) throws IOException {
        return request(key, digest, timestamp, 0);
    }

    /**
     * As {@link #request(SigningKey, Digest, long)}, numbering the request above {@code resumeAfter} if the
     * saved chain is behind it: a builder whose state directory was lost starts again at 1, which the signer
     * refuses as a replay, and resumes above the counter the publisher's refusal names.
     */
    public SignedRequest request(SigningKey key, Digest digest, long timestamp, long resumeAfter) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryLock lock = DirectoryLock.acquire(dir.resolve("lock"))) {
            Genesis genesis = loadOrCreateGenesis(key);
            Path tailFile = dir.resolve("tail");
            byte[] previous = genesis.signature();
            long counter = 0;
            if (Files.exists(tailFile)) {
                SignedRequest tail = SignedRequest.decode(Files.readAllBytes(tailFile), tailFile.toString());
                tail.verifySignature(tailFile.toString());
                previous = tail.signature();
                counter = tail.counter();
            }
            if (Long.compareUnsigned(resumeAfter, counter) > 0) {
                counter = resumeAfter;
            }
            ChainSigner signer = new ChainSigner(key, previous, counter);
            SignedRequest request = SignedRequest.decode(signer.sign(digest.bytes(), timestamp), "new request");
            AtomicFiles.write(tailFile, request.bytes(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
            return request;
        }
    }

    private Genesis loadOrCreateGenesis(SigningKey key) throws IOException {
        Path file = dir.resolve("genesis");
        if (!Files.exists(file)) {
            Genesis genesis = Genesis.create(key);
            AtomicFiles.write(file, genesis.bytes(), AtomicFiles.ALL_READ, false);
            return genesis;
        }
        Genesis genesis = Genesis.decode(Files.readAllBytes(file), file.toString());
        if (!genesis.publicKey().equals(key.publicKey())) {
            throw new FormatException(dir + ": holds the request chain of builder key " + genesis.publicKey()
                    + ", not of " + key.publicKey() + "; use one --state directory per key");
        }
        return genesis;
    }
}
