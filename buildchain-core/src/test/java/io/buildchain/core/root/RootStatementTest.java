package io.buildchain.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.testing.Network;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RootStatementTest {
    static final SigningKey ROOT = SigningKey.generate(Network.RANDOM);
    static final PublicKey SIGNER = SigningKey.generate(Network.RANDOM).publicKey();
    static final PublicKey OLD = SigningKey.generate(Network.RANDOM).publicKey();
    static final String BLOCK = "A".repeat(102) + "Q";

    static List<RootStatement> samples() {
        return List.of(SignerCertificate.sign(ROOT, SIGNER, Optional.empty()),
                SignerCertificate.sign(ROOT, SIGNER, Optional.of(new SignerCertificate.Predecessor(OLD, 7, Optional.of(BLOCK)))),
                SignerCertificate.sign(ROOT, SIGNER, Optional.of(new SignerCertificate.Predecessor(OLD, 0, Optional.empty()))),
                Revocation.sign(ROOT, SIGNER, 3, BLOCK));
    }

    @Test
    void statementsRoundTripByteForByteAndVerify() {
        for (RootStatement statement : samples()) {
            byte[] bytes = statement.encode();
            RootStatement parsed = RootStatement.parse(bytes, "cert");
            assertThat(parsed).isEqualTo(statement);
            assertThat(parsed.encode()).isEqualTo(bytes);
            assertThat(parsed.signatureValid()).isTrue();
            assertThat(bytes.length).isLessThan(RootStatement.MAX_BYTES);
        }
        byte[] all = samples().stream().map(RootStatement::encode).reduce(new byte[0], RootStatementTest::concat);
        assertThat(RootStatement.parseAll(all, "statements")).isEqualTo(samples());
        assertThat(new String(samples().get(1).encode(), StandardCharsets.US_ASCII)).isEqualTo(
                "buildchain signer certificate v1\nroot " + ROOT.publicKey() + "\nsigner " + SIGNER + "\nfollows " + OLD
                        + " 7 " + BLOCK + "\nsignature " + samples().get(1).signature() + "\n");
    }

    /**
     * Ed25519's classic malleability: S + L (the group order) passes a verifier that does not insist on S < L,
     * so an attacker could mint a second encoding of a statement the root signed. It must not verify.
     */
    @Test
    void signatureWithTheGroupOrderAddedToItsScalarIsRefused() {
        java.math.BigInteger order = java.math.BigInteger.TWO.pow(252)
                .add(new java.math.BigInteger("27742317777372353535851937790883648493"));
        for (RootStatement statement : samples()) {
            byte[] signature = io.buildchain.core.encoding.Base32.decode(statement.signature(), "signature");
            byte[] scalar = Arrays.copyOfRange(signature, 32, 64);
            reverse(scalar);
            byte[] bumped = new java.math.BigInteger(1, scalar).add(order).toByteArray();
            byte[] little = new byte[32];
            for (int i = 0; i < 32 && i < bumped.length; i++) {
                little[i] = bumped[bumped.length - 1 - i];
            }
            System.arraycopy(little, 0, signature, 32, 32);
            String malleated = new String(statement.encode(), StandardCharsets.US_ASCII)
                    .replace(statement.signature(), io.buildchain.core.encoding.Base32.encode(signature));
            RootStatement parsed = RootStatement.parse(malleated.getBytes(StandardCharsets.US_ASCII), "malleated");
            assertThat(parsed.signature()).isNotEqualTo(statement.signature());
            assertThat(parsed.signatureValid()).as(statement.describe()).isFalse();
        }
    }

    private static void reverse(byte[] bytes) {
        for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
            byte b = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = b;
        }
    }

    @Test
    void nearMissesAreRefusedNotNormalised() {
        String cert = new String(samples().get(1).encode(), StandardCharsets.US_ASCII);
        List<String> bad = List.of(cert.replace("\n", "\r\n"), cert + "\n", cert.substring(0, cert.length() - 1),
                cert.replace("root ", "root  "), cert.replace(" 7 ", " 07 "), cert.replace(" 7 ", " +7 "),
                cert.replace(SIGNER.base32(), SIGNER.base32().toLowerCase()), cert.replace("v1", "v2"),
                cert.replace("follows " + OLD + " 7 " + BLOCK, "follows " + OLD + " 7"),
                cert.replace("follows " + OLD + " 7 " + BLOCK, "follows " + OLD + " 0 " + BLOCK),
                cert.replace(" 7 ", " 18446744073709551616 "), cert.replace("signer ", "signer\t"),
                cert.replace(BLOCK, BLOCK.substring(0, 102) + "R"), "");
        for (String text : bad) {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            assertThatThrownBy(() -> RootStatement.parse(bytes, "cert")).as(text).isInstanceOf(FormatException.class)
                    .hasMessageStartingWith("cert");
        }
    }

    @Test
    void anyAcceptedMutationEncodesBackToTheSameBytes() {
        Random random = new Random(12);
        for (RootStatement statement : samples()) {
            byte[] original = statement.encode();
            for (int i = 0; i < 3000; i++) {
                byte[] mutated = original.clone();
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                try {
                    RootStatement parsed = RootStatement.parse(mutated, "fuzz");
                    assertThat(parsed.encode()).isEqualTo(mutated);
                    if (!Arrays.equals(mutated, original)) {
                        assertThat(parsed.signatureValid()).as(new String(mutated, StandardCharsets.ISO_8859_1)).isFalse();
                    }
                } catch (FormatException expected) {
                    assertThat(expected.getMessage()).startsWith("fuzz").doesNotContain("\n");
                }
            }
        }
    }

    @Test
    void oversizedInputIsRefusedBeforeParsing() {
        byte[] huge = new byte[RootStatement.MAX_STATEMENTS * RootStatement.MAX_BYTES + 1];
        assertThatThrownBy(() -> RootStatement.parseAll(huge, "statements")).hasMessageContaining("larger than");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
