package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.manifest.ManifestNames;
import io.buildchain.core.view.ByteRange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** The text a person or an attacker types: keys, trusted-keys files, file names, HTTP ranges. */
class TextFuzzTest {
    private static final Path ROOT = Path.of("/store/artifacts");

    @FuzzTest(maxDuration = "10m")
    void base32(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        acceptOrRefuse(() -> Base32.decode(text, "fuzz")).ifPresent(bytes -> {
            String canonical = Base32.encode(bytes);
            assertThat(Base32.decodeCanonical(canonical, bytes.length, "re-encoded")).isEqualTo(bytes);
        });
        for (int length : new int[] {32, 48, 64}) {
            acceptOrRefuse(() -> Base32.decodeCanonical(text, length, "fuzz"))
                    .ifPresent(bytes -> assertThat(Base32.encode(bytes)).isEqualTo(text));
            acceptOrRefuse(() -> Base32.decodeLength(text, length, "fuzz"))
                    .ifPresent(bytes -> assertThat(bytes).hasSize(length));
        }
    }

    /** What parses renders back to the same keys, labels and operators. */
    @FuzzTest(maxDuration = "10m")
    void trustedKeys(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        acceptOrRefuse(() -> KeyList.parse(text, "fuzz")).ifPresent(keys -> {
            KeyList again = KeyList.parse(keys.render(), "rendered");
            assertThat(again.keys()).containsExactlyElementsOf(keys.keys());
            keys.keys().forEach(key -> {
                assertThat(again.label(key)).isEqualTo(keys.label(key));
                // The operator (issue 15) survives rendering, so a file rewritten counts the same votes.
                assertThat(again.operator(key)).isEqualTo(keys.operator(key));
                assertThat(keys.operatorId(key)).isEqualTo(again.operatorId(key));
                keys.label(key).ifPresent(label -> assertThat(label).doesNotContain("\n", "\r"));
            });
            assertThat(again.operatorCount()).isEqualTo(keys.operatorCount()).isLessThanOrEqualTo(keys.size());
        });
    }

    /** An accepted name stays below the directory it is written to, whatever the platform's path rules. */
    @FuzzTest(maxDuration = "10m")
    void manifestName(byte[] input) {
        String name = new String(input, StandardCharsets.UTF_8);
        if (ManifestNames.problem(name) == null) {
            Path resolved = ROOT.resolve(name).normalize();
            assertThat(resolved.startsWith(ROOT)).as(name).isTrue();
            assertThat(resolved).isNotEqualTo(ROOT);
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ManifestNames.MAX_NAME_BYTES);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void byteRange(FuzzedDataProvider data) {
        // Jazzer's consumeLong overflows on a range of Long.MAX_VALUE + 1 values; 2^62 bytes is size enough.
        long length = data.consumeLong(0, 1L << 62);
        String header = data.consumeRemainingAsString();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(header, length);
        } catch (ByteRange.Unsatisfiable e) {
            return;
        }
        range.ifPresent(r -> {
            assertThat(r.first()).isBetween(0L, length - 1);
            assertThat(r.last()).isBetween(r.first(), length - 1);
            assertThat(r.length()).isBetween(1L, length);
        });
    }
}
