package io.buildchain.bench;

import io.buildchain.core.manifest.TreeHasher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Manifest of a directory in a warm JVM, as on a long-running Jenkins agent (the CLI pays JVM start-up and
 * JIT warm-up on top). Run with {@code -p dir=PATH}; bench/hash.sh passes its tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TreeHashBenchmark {
    @Param("")
    public String dir;

    @Benchmark
    public byte[] manifest() throws IOException {
        return TreeHasher.forThisMachine().manifest(Path.of(dir), 0).render();
    }
}
