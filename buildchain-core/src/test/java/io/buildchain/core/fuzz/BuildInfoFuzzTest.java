package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import java.util.Arrays;
import java.util.Optional;

/**
 * A builder's buildinfo and its detached signature (issue 15), as they arrive in an upload, beside a request or
 * in evidence: the parser takes only the canonical form (what parses is what {@link BuildInfo#of} writes), its
 * summary stays one line, and a signature is accepted only by the key the buildinfo names over exactly its bytes.
 */
class BuildInfoFuzzTest {
    /** The key that signed the seeds; no other key's signature can be made by the fuzzer. */
    private static final PublicKey SEED_BUILDER = FixedKeys.of(1).publicKey();

    @FuzzTest(maxDuration = "10m")
    void buildInfo(byte[] input) throws Exception {
        Optional<BuildInfo> parsed = acceptOrRefuse(() -> BuildInfo.parse(input, "fuzz"));
        if (parsed.isPresent()) {
            BuildInfo info = parsed.get();
            assertThat(info.bytes()).isEqualTo(input);
            assertThat(BuildInfo.of(info.manifest(), info.builder(), info.environment()).bytes()).isEqualTo(input);
            assertThat(info.summary()).doesNotContain("\n", "\r");
        }
    }

    /** Input: the buildinfo file, then its 64-byte signature. */
    @FuzzTest(maxDuration = "10m")
    void signed(byte[] input) throws Exception {
        int split = Math.max(0, input.length - SigningKey.SIGNATURE_LENGTH);
        byte[] file = Arrays.copyOf(input, split);
        byte[] signature = Arrays.copyOfRange(input, split, input.length);
        Optional<SignedBuildInfo> signed = acceptOrRefuse(() -> new SignedBuildInfo(file, signature));
        Optional<BuildInfo> info = acceptOrRefuse(() -> BuildInfo.parse(file, "fuzz"));
        if (signed.isEmpty() || info.isEmpty()) {
            return;
        }
        Optional<BuildInfo> verified = acceptOrRefuse(() -> signed.get().verifiedFor(info.get().manifest(), "fuzz"));
        if (verified.isPresent()) {
            assertThat(verified.get().builder()).isEqualTo(SEED_BUILDER);
            assertThat(verified.get().bytes()).isEqualTo(file);
        }
        assertThat(acceptOrRefuse(() -> {
            info.get().verify(signature, info.get().builder(), info.get().manifest(), "fuzz");
            return true;
        })).isEqualTo(verified.map(v -> true));
    }

}
