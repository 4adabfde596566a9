package io.buildchain.core.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.testing.Network;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildInfoTest {
    static final SigningKey A = SigningKey.generate(Network.RANDOM);
    static final SigningKey B = SigningKey.generate(Network.RANDOM);
    static final Digest MANIFEST = Digest.of("manifest".getBytes(StandardCharsets.UTF_8));
    static final Map<String, String> ENV = new LinkedHashMap<>(Map.of("os", "Linux", "arch", "amd64",
            "jdk-vendor", "Eclipse Adoptium", "jdk-version", "17.0.15", "tz", "UTC", "umask", "0022",
            "image", "maven:3.9.9@sha256:" + "ab".repeat(32), "host", "agent-a"));

    static String valid() {
        return new String(BuildInfo.of(MANIFEST, A.publicKey(), ENV).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void recordsTheEnvironmentCanonicallyAndVerifiesWithTheBuilderKey() {
        BuildInfo info = BuildInfo.of(MANIFEST, A.publicKey(), ENV);
        String text = new String(info.bytes(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("buildchain-buildinfo/1\nmanifest " + MANIFEST.base32() + "\nbuilder "
                + A.publicKey().base32() + "\nos Linux\narch amd64\njdk-vendor Eclipse Adoptium\njdk-version 17.0.15\n");
        assertThat(info.environment().keySet()).containsExactly("os", "arch", "jdk-vendor", "jdk-version", "tz", "umask",
                "image", "host");
        SignedBuildInfo signed = SignedBuildInfo.sign(info, A);
        BuildInfo parsed = BuildInfo.parse(signed.bytes(), "b");
        parsed.verify(signed.signature(), A.publicKey(), MANIFEST, "b");
        assertThat(parsed.environment()).isEqualTo(info.environment());
        assertThat(parsed.summary()).contains("jdk-version 17.0.15", "host agent-a");
    }

    @Test
    void theNewFieldsGoAfterTheFirstOnesAndMeasuredNamesOnlyFieldsItHas() {
        Map<String, String> env = new LinkedHashMap<>(ENV);
        env.put("umask", "0077");
        env.put("user", "1000:1000 builder");
        env.put("git-tree", "ab".repeat(20));
        env.put(BuildInfo.MEASURED, "umask user");
        BuildInfo info = BuildInfo.of(MANIFEST, A.publicKey(), env);
        String text = new String(info.bytes(), StandardCharsets.UTF_8);
        // An earlier buildinfo is a prefix-compatible subset: its fields keep their places, the new ones follow host.
        assertThat(text).contains("umask 0077\nimage maven:", "host agent-a\nuser 1000:1000 builder\ngit-tree ",
                "\nmeasured umask user\n");
        assertThat(BuildInfo.parse(info.bytes(), "b").measured()).containsExactly("umask", "user");
        assertThat(BuildInfo.parse(valid().getBytes(StandardCharsets.UTF_8), "old").measured()).isEmpty();
        for (String wrong : new String[] {"umask jdk-home", "umask builder", "umask measured", "umask  user", "locale"}) {
            env.put(BuildInfo.MEASURED, wrong);
            assertThatThrownBy(() -> BuildInfo.of(MANIFEST, A.publicKey(), env)).isInstanceOf(FormatException.class)
                    .hasMessageContaining("measured names");
        }
    }

    @Test
    void aTamperedBuildinfoIsRefused() {
        SignedBuildInfo signed = SignedBuildInfo.sign(BuildInfo.of(MANIFEST, A.publicKey(), ENV), A);
        byte[] tampered = new String(signed.bytes(), StandardCharsets.UTF_8).replace("17.0.15", "17.0.16")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BuildInfo.parse(tampered, "b").verify(signed.signature(), A.publicKey(), MANIFEST, "b"))
                .isInstanceOf(VerificationException.class).hasMessageContaining("signature does not verify");
    }

    @Test
    void aBuildinfoSignedByAnotherKeyIsRefused() {
        // Builder B signs a buildinfo, then the builder line is changed to name A.
        SignedBuildInfo byB = SignedBuildInfo.sign(BuildInfo.of(MANIFEST, B.publicKey(), ENV), B);
        byte[] namingA = new String(byB.bytes(), StandardCharsets.UTF_8)
                .replace(B.publicKey().base32(), A.publicKey().base32()).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BuildInfo.parse(namingA, "b").verify(byB.signature(), A.publicKey(), MANIFEST, "b"))
                .isInstanceOf(VerificationException.class).hasMessageContaining("does not verify with builder key");
        // Unchanged, it names B, and a request by A does not own it.
        assertThatThrownBy(() -> BuildInfo.parse(byB.bytes(), "b").verify(byB.signature(), A.publicKey(), MANIFEST, "b"))
                .isInstanceOf(VerificationException.class).hasMessageContaining("but the request is by");
        assertThatThrownBy(() -> BuildInfo.of(MANIFEST, B.publicKey(), ENV).sign(A)).isInstanceOf(FormatException.class);
    }

    @Test
    void aBuildinfoMovedToAnotherManifestIsRefused() {
        SignedBuildInfo signed = SignedBuildInfo.sign(BuildInfo.of(MANIFEST, A.publicKey(), ENV), A);
        Digest other = Digest.of("other".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> BuildInfo.parse(signed.bytes(), "b").verify(signed.signature(), A.publicKey(), other, "b"))
                .isInstanceOf(VerificationException.class).hasMessageContaining("is for manifest");
    }

    @Test
    void aSignatureOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> new SignedBuildInfo(BuildInfo.of(MANIFEST, A.publicKey(), ENV).bytes(), new byte[63]))
                .isInstanceOf(FormatException.class).hasMessageContaining("64 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"header", "crlf", "tab", "unknown", "repeated", "order", "empty", "trailing-space",
        "no-final-newline", "blank-line", "bad-digest", "missing-builder", "bidi", "no-space"})
    void theParserRefusesAnythingButTheCanonicalForm(String attack) {
        String text = valid();
        String mutated = switch (attack) {
            case "header" -> text.replace("buildchain-buildinfo/1", "buildchain-buildinfo/2");
            case "crlf" -> text.replace("\nos Linux\n", "\nos Linux\r\n");
            case "tab" -> text.replace("os Linux", "os Li\tnux");
            case "unknown" -> text.replace("os Linux\n", "os Linux\nshell bash\n");
            case "repeated" -> text.replace("os Linux\n", "os Linux\nos Linux\n");
            case "order" -> text.replace("os Linux\narch amd64\n", "arch amd64\nos Linux\n");
            case "empty" -> text.replace("os Linux", "os ");
            case "trailing-space" -> text.replace("os Linux", "os Linux ");
            case "no-final-newline" -> text.substring(0, text.length() - 1);
            case "blank-line" -> text.replace("os Linux\n", "os Linux\n\n");
            case "bad-digest" -> text.replace(MANIFEST.base32(), MANIFEST.base32().substring(1));
            case "missing-builder" -> text.replaceFirst("builder [A-Z0-9]+\n", "");
            case "bidi" -> text.replace("os Linux", "os Li\u202Enux");
            case "no-space" -> text.replace("os Linux", "osLinux");
            default -> throw new IllegalArgumentException(attack);
        };
        assertThat(mutated).isNotEqualTo(text);
        assertThatThrownBy(() -> BuildInfo.parse(mutated.getBytes(StandardCharsets.UTF_8), "buildinfo"))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("buildinfo");
    }

    @Test
    void oversizeAndNonUtf8InputsAreRefusedUnread() {
        byte[] huge = (valid() + "x".repeat(BuildInfo.MAX_BYTES)).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BuildInfo.parse(huge, "b")).hasMessageContaining("at most 4096 bytes");
        byte[] bad = valid().getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 3] = (byte) 0xC3;
        assertThatThrownBy(() -> BuildInfo.parse(bad, "b")).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> BuildInfo.of(MANIFEST, A.publicKey(), Map.of("shell", "bash")))
                .hasMessageContaining("unknown field");
        assertThatThrownBy(() -> BuildInfo.of(MANIFEST, A.publicKey(), Map.of("host", "x".repeat(300))))
                .hasMessageContaining("1 to 256");
    }

    /** Random byte mutations either parse to exactly their own bytes or fail with a FormatException. */
    @Test
    void mutatedInputsNeverEscapeAsAnotherException() {
        byte[] base = valid().getBytes(StandardCharsets.UTF_8);
        Random random = new Random(15);
        for (int round = 0; round < 3000; round++) {
            byte[] input = base.clone();
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            try {
                BuildInfo parsed = BuildInfo.parse(input, "fuzz");
                assertThat(parsed.bytes()).isEqualTo(input);
                assertThat(BuildInfo.of(parsed.manifest(), parsed.builder(), parsed.environment()).bytes()).isEqualTo(input);
            } catch (FormatException expected) {
                // refused with a message: fine
            }
        }
    }
}
