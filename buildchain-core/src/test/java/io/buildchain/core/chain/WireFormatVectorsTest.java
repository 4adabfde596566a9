package io.buildchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The vectors of spec/wire-format.md §10, generated with pihsm's real code. */
class WireFormatVectorsTest {
    static final String EXAMPLE_MANIFEST = """
            {
              "time": 1500000000,
              "files": {
                "example": "HCYGBJ2RVSLDQTGZGJ7LDMPDNIQ73NYRCS7AOQ2MBTD36Y7W4HNCOTW6X7TW6ZP32UNNF4KITC4VW"
              }
            }""";
    static final String HSM_GENESIS = """
            edb8fa921e40183acbad6a8f1614655c24aadfa6eb6689184ecb7ebc0529ce7f
            0e13714bf6ef156a0a330fc0043765de34bf49c899fed6200ad3b8db068abc05
            da29e95b02e00ffa15645775fb1d2ba222a1943395eea06b94e2c057b7be69d0""";
    static final String CLIENT_GENESIS = """
            5f657441adcfa6c59bdbff619b8ace39c8779882d74458e62ebebcd569fb5046
            6630b4c09101df50dd274455307f97cedcd415408beae51894c07dd6dd504701
            79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664""";
    static final String REQUEST_1 = """
            1cc6bcbcc5345ccde86a768bc92dfe38dc6d3649449d80234a2c97dee5aeb616
            39477b01c659ec344277c38bbbbe48b617ee825f441d97c66c5222336cdebf00
            79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664
            5f657441adcfa6c59bdbff619b8ace39c8779882d74458e62ebebcd569fb5046
            6630b4c09101df50dd274455307f97cedcd415408beae51894c07dd6dd504701
            0100000000000000002f6859000000001fe659d23356981ecba1d903c4cb761e
            9be3f77f3cf9ab5bbbea39cd1df74b7828e188ad2d2cdc36b74e00db40e98c66""";
    static final String BLOCK_1 = """
            3528c32052986fbae810ee5907bf5f9f594fb22e0ca11c8fc05dfa57c57d70af
            bab89c5a0235694602d57434399458b1b96ed8e1f82aa87f4e6d23e37ad8f008
            da29e95b02e00ffa15645775fb1d2ba222a1943395eea06b94e2c057b7be69d0
            edb8fa921e40183acbad6a8f1614655c24aadfa6eb6689184ecb7ebc0529ce7f
            0e13714bf6ef156a0a330fc0043765de34bf49c899fed6200ad3b8db068abc05
            0100000000000000012f6859000000001cc6bcbcc5345ccde86a768bc92dfe38
            dc6d3649449d80234a2c97dee5aeb61639477b01c659ec344277c38bbbbe48b6
            17ee825f441d97c66c5222336cdebf0079b5562e8fe654f94078b112e8a98ba7
            901f853ae695bed7e0e3910bad0496645f657441adcfa6c59bdbff619b8ace39
            c8779882d74458e62ebebcd569fb50466630b4c09101df50dd274455307f97ce
            dcd415408beae51894c07dd6dd5047010100000000000000002f685900000000
            1fe659d23356981ecba1d903c4cb761e9be3f77f3cf9ab5bbbea39cd1df74b78
            28e188ad2d2cdc36b74e00db40e98c66""";

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }

    static SigningKey seedFrom(int first) {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) {
            seed[i] = (byte) (first + i);
        }
        return SigningKey.fromSeed(seed);
    }

    static final SigningKey CLIENT = seedFrom(1);
    static final SigningKey HSM = seedFrom(101);

    @Test
    void publicKeysMatchTheSpec() {
        assertThat(CLIENT.publicKey().base32()).isEqualTo("PG2VMLUP4ZKPSQDYWEJORKMLU6IB7BJ242K35V7A4OIQXLIESZSA");
        assertThat(HSM.publicKey().base32()).isEqualTo("3IU6SWYC4AH7UFLEK527WHJLUIRKDFBTSXXKA24U4LAFPN56NHIA");
    }

    @Test
    void geneses() {
        assertThat(Genesis.create(HSM).bytes()).isEqualTo(hex(HSM_GENESIS));
        assertThat(Genesis.create(CLIENT).bytes()).isEqualTo(hex(CLIENT_GENESIS));
    }

    @Test
    void exampleManifestDigest() {
        byte[] manifest = EXAMPLE_MANIFEST.getBytes(StandardCharsets.UTF_8);
        assertThat(Digest.of(manifest).base32())
                .isEqualTo("D7TFTURTK2MB5S5B3EB4JS3WD2N6H537HT42WW535I442HPXJN4CRYMIVUWSZXBWW5HABW2A5GGGM");
        assertThat(Manifest.parseCanonical(manifest, "example").render()).isEqualTo(manifest);
    }

    @Test
    void requestAndBlockOneAreByteExact() {
        Digest digest = Digest.of(EXAMPLE_MANIFEST.getBytes(StandardCharsets.UTF_8));
        byte[] request = ChainSigner.startingAt(Genesis.create(CLIENT), CLIENT).sign(digest.bytes(), 1500000000L);
        assertThat(request).isEqualTo(hex(REQUEST_1));
        byte[] block = ChainSigner.startingAt(Genesis.create(HSM), HSM).sign(request, 1500000001L);
        assertThat(block).isEqualTo(hex(BLOCK_1));
    }

    @Test
    void decodesTheSpecBlock() {
        Block block = Block.decode(hex(BLOCK_1), "block 1");
        assertThat(block.signatureValid()).isTrue();
        assertThat(block.publicKey()).isEqualTo(HSM.publicKey());
        assertThat(block.counter()).isEqualTo(1);
        assertThat(block.timestamp()).isEqualTo(1500000001L);
        assertThat(block.previous()).isEqualTo(Genesis.create(HSM).signature());
        assertThat(block.digest().base32())
                .isEqualTo("D7TFTURTK2MB5S5B3EB4JS3WD2N6H537HT42WW535I442HPXJN4CRYMIVUWSZXBWW5HABW2A5GGGM");
        SignedRequest request = block.request();
        assertThat(request.bytes()).isEqualTo(hex(REQUEST_1));
        assertThat(request.signatureValid()).isTrue();
        assertThat(request.publicKey()).isEqualTo(CLIENT.publicKey());
        assertThat(request.counter()).isEqualTo(1);
        assertThat(request.timestamp()).isEqualTo(1500000000L);
    }

    @Test
    void sha384OfSystem76() {
        assertThat(HexFormat.of().formatHex(Digest.of("System76".getBytes(StandardCharsets.US_ASCII)).bytes()))
                .isEqualTo("f504a78eb637969e8e7468e21c260ed510162808699c4e04953a29ce89b2cc6f5f28d4f71407a9df99c69ae4c398f628");
    }
}
