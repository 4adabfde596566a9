package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.crypto.PublicKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.intoto.BuildLink;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.release.ReleaseRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A builder's in-toto link and SLSA provenance envelope, as they arrive beside a request, in an upload or from a
 * store: checked against one fixed release, they are accepted or refused with the project's one-line error, and
 * accepted only as signed by the builder key of the seeds (the fuzzer cannot sign).
 */
class InTotoFuzzTest {
    static final PublicKey SEED_BUILDER = FixedKeys.of(1).publicKey();
    /** The release the seeds describe: app.jar ("same") and its record, at a fixed revision. */
    static final Path RELEASE = release();
    static final Manifest MANIFEST = manifest();
    static final ReleaseRecord RECORD = record();
    static final ObjectNode PRODUCTS = products();

    /** Input: the link's bytes, a NUL byte, the envelope's bytes (JSON never holds a raw NUL). */
    @FuzzTest(maxDuration = "10m")
    void attestations(byte[] input) throws Exception {
        int nul = 0;
        while (nul < input.length && input[nul] != 0) {
            nul++;
        }
        byte[] link = Arrays.copyOf(input, nul);
        byte[] provenance = nul < input.length ? Arrays.copyOfRange(input, nul + 1, input.length) : new byte[0];
        BuilderAttestations attestations = new BuilderAttestations(link, provenance);
        acceptOrRefuse(() -> {
            attestations.check(SEED_BUILDER, PRODUCTS, RECORD, "fuzz");
            return true;
        });
        assertThat(acceptOrRefuse(() -> {
            attestations.check(FixedKeys.of(2).publicKey(), PRODUCTS, RECORD, "fuzz");
            return true;
        })).as("accepted for a key that signed nothing").isEmpty();
    }

    private static Path release() {
        try {
            Path dir = Files.createTempDirectory("intoto-fuzz");
            Files.writeString(dir.resolve("app.jar"), "same", StandardCharsets.UTF_8);
            ReleaseRecord.writeInto(dir, new TreeHasher(1).hashTree(dir), "proj", "main", "1.0",
                    "89abcdef0123456789abcdef0123456789abcdef", 1700000000L);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Manifest manifest() {
        try {
            return new TreeHasher(1).manifest(RELEASE, 1700000000L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode products() {
        try {
            return BuildLink.products(MANIFEST, RELEASE::resolve);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ReleaseRecord record() {
        try {
            return ReleaseRecord.of(MANIFEST, Files.readAllBytes(RELEASE.resolve(ReleaseRecord.NAME)), "seed record");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
