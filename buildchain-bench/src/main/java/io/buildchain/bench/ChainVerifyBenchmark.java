package io.buildchain.bench;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What verifying a long chain costs: {@code ChainVerifier.walkChain} from the tail of a chain of {@code blocks}
 * blocks back to the genesis (two Ed25519 checks per block: the signer's and the builder request's), from an
 * in-memory store so that only the verification is timed; beside it the same checks one after the other on
 * one thread, as the verifier did before they were batched over every core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ChainVerifyBenchmark {
    @Param("10000")
    public int blocks;

    private final Map<String, byte[]> files = new HashMap<>();
    private final List<Block> chain = new ArrayList<>();
    private SigningKey signer;
    private Block tail;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        signer = SigningKey.generate(random);
        SigningKey builder = SigningKey.generate(random);
        ChainSigner signing = ChainSigner.startingAt(Genesis.create(signer), signer);
        ChainSigner requests = ChainSigner.startingAt(Genesis.create(builder), builder);
        for (int i = 1; i <= blocks; i++) {
            byte[] request = requests.sign(Digest.of(new byte[] {(byte) i, (byte) (i >> 8)}).bytes(), i);
            tail = Block.decode(signing.sign(request, i), "bench");
            files.put("block/" + tail.signatureBase32(), tail.bytes());
            chain.add(tail);
        }
    }

    @Benchmark
    public int walkChainOnEveryCore() throws IOException {
        return new ChainVerifier(new MemoryStore(), signer.publicKey()).walkChain(tail).size();
    }

    @Benchmark
    public int sameChecksOnOneThread() {
        int valid = 0;
        for (Block block : chain) {
            valid += block.signatureValid() && block.request().signatureValid() ? 1 : 0;
        }
        return valid;
    }

    private final class MemoryStore implements StoreReader {
        @Override
        public InputStream open(String path, long maxBytes) throws IOException {
            byte[] bytes = files.get(path);
            if (bytes == null) {
                throw new NoSuchFileException(path);
            }
            if (bytes.length > maxBytes) {
                throw new IOException(path + ": more than " + maxBytes + " bytes");
            }
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public String describe(String path) {
            return "memory:" + path;
        }
    }
}
