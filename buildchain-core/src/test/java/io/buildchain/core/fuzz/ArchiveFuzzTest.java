package io.buildchain.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The divergence explanation reading two hostile archives of one kind (zip/jar, tar, tar.gz/xz/bz2/zst, and
 * whatever they nest): it always returns an explanation of the one differing file, whose text report has one line
 * per value whatever the archives' names and owners hold, and never allocates more than a bound derived from the
 * two archives' sizes, however they inflate.
 *
 * <p>Input: one byte choosing the kind, two bytes (big-endian) giving the length of archive a, then a, then b.
 */
class ArchiveFuzzTest {
    private static final List<String> NAMES = List.of("app.jar", "app.tar", "app.tar.gz", "app.tar.xz", "app.tar.bz2",
            "app.tar.zst");
    /**
     * What one explanation may allocate in all (garbage included), beyond a fixed allowance for buffers and
     * decoders: 512 times what it was given (reading an entry costs the archive readers about 13 KiB, and an
     * entry takes at least 46 bytes of input at the bound). An archive bomb inflates far more than that; it must
     * not make us hold, nor even allocate, what it inflates to.
     */
    private static final long FIXED_ALLOWANCE = 96L << 20;
    private static final long PER_INPUT_BYTE = 512;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Path DIR = tempDir();

    static {
        // Loading (and, when fuzzing, instrumenting) the decoders' classes allocates on the first input of
        // each kind: explain the real archives among the seeds once before anything is measured.
        try (Stream<Path> seeds = Files.list(Path.of(ArchiveFuzzTest.class.getResource("ArchiveFuzzTestInputs/explain")
                .toURI()))) {
            for (Path seed : seeds.filter(p -> !p.getFileName().toString().startsWith("crash-")).toList()) {
                explainAndMeasure(Files.readAllBytes(seed));
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void explain(byte[] input) throws IOException {
        long allocated = explainAndMeasure(input);
        assertThat(allocated).as("bytes allocated explaining %d input bytes", input.length)
                .isLessThanOrEqualTo(FIXED_ALLOWANCE + PER_INPUT_BYTE * input.length);
    }

    /** Explains the two archives of {@code input}, checks the explanation, and returns the bytes it allocated. */
    private static long explainAndMeasure(byte[] input) throws IOException {
        if (input.length < 3) {
            return 0;
        }
        String name = NAMES.get((input[0] & 0xff) % NAMES.size());
        int split = Math.min(((input[1] & 0xff) << 8 | (input[2] & 0xff)), input.length - 3);
        byte[] a = Arrays.copyOfRange(input, 3, 3 + split);
        byte[] b = Arrays.copyOfRange(input, 3 + split, input.length);
        Path dirA = Files.createDirectories(DIR.resolve("a"));
        Path dirB = Files.createDirectories(DIR.resolve("b"));
        Files.write(dirA.resolve(name), a);
        Files.write(dirB.resolve(name), b);
        // Different digests even for equal bytes: the explanation must look inside.
        Divergence.Side sideA = new Divergence.Side("a", manifest(name, a, 1), Optional.of(dirA));
        Divergence.Side sideB = new Divergence.Side("b", manifest(name, b, 2), Optional.of(dirB));

        long before = THREADS.getCurrentThreadAllocatedBytes();
        Explanation explanation = Divergence.explain(sideA, sideB);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        assertThat(explanation.files()).isEqualTo(1);
        String report = explanation.render();
        assertThat(report.lines().count()).as(report).isEqualTo(lines(explanation));
        assertThat(report.chars().filter(c -> Character.isISOControl(c) && c != '\n' && c != '\t')).isEmpty();
        Files.delete(dirA.resolve(name));
        Files.delete(dirB.resolve(name));
        return allocated;
    }

    /** How many lines the report of {@code e} has when each value takes exactly its own line. */
    private static long lines(Explanation e) {
        long lines = 1 + (e.manifestA() != null && e.manifestB() != null ? 1 : 0) + 2;
        lines += e.causes().stream().mapToLong(c -> c.fix() == null ? 1 : 2).sum();
        if (!e.decisive().isEmpty()) {
            lines += 2 + e.decisive().stream().mapToLong(d -> 1 + d.lines().size()).sum();
        }
        if (!e.rows().isEmpty()) {
            lines += 2 + e.rows().size() + (e.rowsLeftOut() > 0 ? 1 : 0);
        }
        return lines;
    }

    private static Manifest manifest(String name, byte[] content, int salt) {
        byte[] salted = Arrays.copyOf(content, content.length + 1);
        salted[content.length] = (byte) salt;
        TreeMap<String, Digest> files = new TreeMap<>();
        files.put(name, Digest.of(salted));
        return new Manifest(1700000000L, files);
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("archive-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
