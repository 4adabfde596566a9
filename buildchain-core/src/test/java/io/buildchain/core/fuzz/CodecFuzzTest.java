package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.manifest.Manifest;
import java.util.Optional;

/**
 * The wire codecs: whatever decodes re-encodes to exactly the bytes it came from, and the canonical
 * manifest parser accepts only what it renders itself.
 */
class CodecFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void manifest(byte[] input) throws Exception {
        Optional<Manifest> lenient = acceptOrRefuse(() -> Manifest.parse(input, "fuzz"));
        Optional<Manifest> canonical = acceptOrRefuse(() -> Manifest.parseCanonical(input, "fuzz"));
        lenient.ifPresent(m -> assertThat(Manifest.parseCanonical(m.render(), "re-rendered")).isEqualTo(m));
        canonical.ifPresent(m -> {
            assertThat(m.render()).isEqualTo(input);
            assertThat(lenient).contains(m);
        });
        if (lenient.isEmpty()) {
            assertThat(canonical).isEmpty();
        }
    }

    @FuzzTest(maxDuration = "10m")
    void request(byte[] input) throws Exception {
        acceptOrRefuse(() -> SignedRequest.decode(input, "fuzz")).ifPresent(request -> {
            assertThat(request.bytes()).isEqualTo(input);
            assertThat(request.counter()).isNotZero();
            request.signatureValid();
        });
    }

    @FuzzTest(maxDuration = "10m")
    void block(byte[] input) throws Exception {
        acceptOrRefuse(() -> Block.decode(input, "fuzz")).ifPresent(block -> {
            assertThat(block.bytes()).isEqualTo(input);
            block.signatureValid();
            try {
                acceptOrRefuse(block::request).ifPresent(request -> assertThat(block.carries(request)).isTrue());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @FuzzTest(maxDuration = "10m")
    void genesis(byte[] input) throws Exception {
        acceptOrRefuse(() -> Genesis.decode(input, "fuzz")).ifPresent(genesis -> {
            assertThat(genesis.bytes()).isEqualTo(input);
            assertThat(Genesis.of(genesis.publicKey(), genesis.signature()).bytes()).isEqualTo(input);
        });
    }
}
