package io.buildchain.bench;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Ed25519 as chain verification uses it: one verification per 400-byte block (BouncyCastle). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Ed25519Benchmark {
    private Block block;
    private SigningKey key;
    private byte[] request;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        SigningKey builder = SigningKey.generate(random);
        key = SigningKey.generate(random);
        request = ChainSigner.startingAt(Genesis.create(builder), builder).sign(Digest.of(new byte[] {1}).bytes(), 1);
        block = Block.decode(ChainSigner.startingAt(Genesis.create(key), key).sign(request, 2), "bench");
    }

    /** What a verifier does per block walked: the signer's signature over bytes 64..400. */
    @Benchmark
    public boolean verifyBlock() {
        return block.signatureValid();
    }

    /** What the signing node does per request. */
    @Benchmark
    public byte[] signBlock() {
        return key.sign(block.bytes(), 64, Block.SIZE - 64);
    }
}
