package io.buildchain.core.chain;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.encoding.Base32;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Checks a signing node's audit chain (pihsm's chain store) for one signer key end to end: its genesis,
 * every block signed and named by its signature, counters 1..N with no gap and no fork, each previous
 * link, and each embedded builder request's signature.
 */
public final class AuditVerifier {
    private AuditVerifier() {
    }

    /**
     * @param builders distinct builder keys whose requests were signed
     * @param tail     the newest block, or null if the key signed nothing
     */
    public record Report(PublicKey key, Genesis genesis, int blocks, Set<PublicKey> builders, Block tail) {
        public String summary() {
            return "audit chain of " + key + ": genesis " + genesis.signatureBase32().substring(0, 16) + "… and " + blocks
                    + " block(s), counters 1.." + blocks + " continuous, " + builders.size() + " distinct builder key(s)";
        }
    }

    /** @param chainDir the {@code chain/} directory of a signer's state */
    public static Report verify(Path chainDir, PublicKey key) throws IOException {
        if (!Files.isDirectory(chainDir)) {
            throw new BuildchainException(chainDir + ": no audit chain here (expected the signer's --state DIR/chain)");
        }
        Genesis genesis = null;
        TreeMap<Long, Block> blocks = new TreeMap<>(Long::compareUnsigned);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(chainDir, 2)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .sorted().toList();
        }
        // Checked together on every core, before any fork or gap is reported: a forged block fails on its signature.
        SignatureBatch signatures = new SignatureBatch();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getParent().getFileName().toString() + file.getFileName();
            if (bytes.length < 96 || !name.equals(Base32.encode(java.util.Arrays.copyOf(bytes, 64)))) {
                throw new VerificationException(file + ": is not named by its own signature (tampered or misplaced)");
            }
            if (bytes.length == Genesis.SIZE) {
                Genesis g = Genesis.decode(bytes, file.toString());
                if (g.publicKey().equals(key)) {
                    genesis = g;
                }
            } else if (bytes.length == Block.SIZE) {
                Block block = Block.decode(bytes, file.toString());
                if (block.publicKey().equals(key)) {
                    signatures.add(block, file.toString()).add(block.request(), "request inside " + file);
                    Block other = blocks.put(block.counter(), block);
                    if (other != null) {
                        signatures.verifyAll();
                        throw new VerificationException("fork: two blocks with counter "
                                + Long.toUnsignedString(block.counter()) + ": " + other.signatureBase32() + " and "
                                + block.signatureBase32());
                    }
                }
            }
        }
        signatures.verifyAll();
        if (genesis == null) {
            throw new VerificationException(chainDir + ": no genesis for key " + key);
        }
        byte[] expectedPrevious = genesis.signature();
        long expectedCounter = 1;
        Set<PublicKey> builders = new HashSet<>();
        for (Block block : blocks.values()) {
            if (block.counter() != expectedCounter) {
                throw new VerificationException("gap: counter " + Long.toUnsignedString(expectedCounter)
                        + " is missing before block " + Long.toUnsignedString(block.counter()));
            }
            if (!java.util.Arrays.equals(block.previous(), expectedPrevious)) {
                throw new VerificationException("block " + Long.toUnsignedString(block.counter())
                        + " does not link to the block before it");
            }
            builders.add(block.request().publicKey());
            expectedPrevious = block.signature();
            expectedCounter++;
        }
        return new Report(key, genesis, blocks.size(), builders, blocks.isEmpty() ? null : blocks.lastEntry().getValue());
    }
}
