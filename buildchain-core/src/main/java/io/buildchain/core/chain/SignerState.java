package io.buildchain.core.chain;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.TextRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A signing node's disk: {@code chain/} (pihsm's audit store of every genesis and block), {@code tail}
 * (the newest of them, 0444) and {@code builders} (the highest request counter signed per builder key).
 * Held under a lock for as long as it is open. No secret is ever written here.
 */
public final class SignerState implements AutoCloseable {
    private final Path dir;
    private final DirectoryLock lock;
    private final ChainStore chain;

    private SignerState(Path dir, DirectoryLock lock, ChainStore chain) {
        this.dir = dir;
        this.lock = lock;
        this.chain = chain;
    }

    public static SignerState open(Path dir) throws IOException {
        Files.createDirectories(dir);
        DirectoryLock lock = DirectoryLock.acquire(dir.resolve("lock"));
        try {
            return new SignerState(dir, lock, ChainStore.open(dir.resolve("chain")));
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** What a node resumes from: the newest node of its key's chain and the builders' counters. */
    record Resumed(Genesis genesis, Block tail, Map<PublicKey, Long> builderCounters) {
    }

    /**
     * Resumes the chain of {@code key} if the tail belongs to it; otherwise starts a new chain with a new
     * genesis (as pihsm does at every start). Repairs what a crash between two writes left behind.
     */
    Resumed resume(SigningKey key) throws IOException {
        Map<PublicKey, Long> counters = readBuilderCounters();
        Path tailFile = dir.resolve("tail");
        if (Files.exists(tailFile)) {
            byte[] tail = Files.readAllBytes(tailFile);
            if (tail.length == Block.SIZE) {
                Block block = Block.decode(tail, tailFile.toString());
                block.verifySignature(tailFile.toString());
                if (block.publicKey().equals(key.publicKey())) {
                    chain.put(tail);
                    SignedRequest request = block.request();
                    counters.merge(request.publicKey(), request.counter(), Math::max);
                    Genesis genesis = findGenesis(block);
                    return new Resumed(genesis, block, counters);
                }
            } else if (tail.length == Genesis.SIZE) {
                Genesis genesis = Genesis.decode(tail, tailFile.toString());
                if (genesis.publicKey().equals(key.publicKey())) {
                    chain.put(tail);
                    return new Resumed(genesis, null, counters);
                }
            } else {
                throw new FormatException(tailFile + ": expected a 96-byte genesis or a 400-byte block, got "
                        + tail.length + " bytes");
            }
        }
        Genesis genesis = Genesis.create(key);
        AtomicFiles.write(tailFile, genesis.bytes(), AtomicFiles.ALL_READ, true);
        chain.put(genesis.bytes());
        return new Resumed(genesis, null, counters);
    }

    /** Records a new block: tail first (it is what a restart resumes from), then the audit chain, then counters. */
    void record(Block block, Map<PublicKey, Long> builderCounters) throws IOException {
        AtomicFiles.write(dir.resolve("tail"), block.bytes(), AtomicFiles.ALL_READ, true);
        chain.put(block.bytes());
        List<String[]> records = new ArrayList<>();
        builderCounters.forEach((key, counter) -> records.add(new String[] {key.base32(), Long.toUnsignedString(counter)}));
        TextRecords.write(dir.resolve("builders"), records, AtomicFiles.OWNER_WRITE_ALL_READ);
    }

    private Genesis findGenesis(Block tail) throws IOException {
        // The block at counter 1 names the genesis by its signature.
        Block block = tail;
        while (block.counter() > 1) {
            long counter = block.counter();
            byte[] previous = chain.get(block.previous()).orElseThrow(() -> new FormatException(
                    dir + ": audit chain is missing the block before counter " + Long.toUnsignedString(counter)));
            block = Block.decode(previous, chain.pathOf(block.previous()).toString());
        }
        return Genesis.of(block.publicKey(), block.previous());
    }

    private Map<PublicKey, Long> readBuilderCounters() throws IOException {
        Map<PublicKey, Long> counters = new HashMap<>();
        Path file = dir.resolve("builders");
        for (String[] record : TextRecords.read(file, "BUILDER_KEY COUNTER")) {
            counters.put(PublicKey.parse(record[0], file.toString()), Long.parseUnsignedLong(record[1]));
        }
        return counters;
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }
}
