package io.buildchain.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The checkpoint parser is strict and bounded: every malformed note is one refusal, never a crash. */
class CheckpointTest {
    static final SecureRandom RANDOM = new SecureRandom();
    final SigningKey signer = SigningKey.generate(RANDOM);
    final byte[] root = new byte[32];

    String note() {
        byte[] body = Checkpoint.body(signer.publicKey(), 7, root);
        SigningKey requester = SigningKey.generate(RANDOM);
        byte[] request = ChainSigner.startingAt(Genesis.create(requester), requester).sign(Digest.of(body).bytes(), 1);
        Block block = Block.decode(ChainSigner.startingAt(Genesis.create(signer), signer).sign(request, 2), "b");
        // Counter 1 would be inside a tree of size 7; sign at counter 8 instead.
        block = Block.decode(new ChainSigner(signer, block.signature(), 7).sign(request, 2), "b");
        return new String(Checkpoint.signed(signer.publicKey(), 7, root, block).render(), StandardCharsets.UTF_8);
    }

    Checkpoint parse(String note) {
        return Checkpoint.parse(note.getBytes(StandardCharsets.UTF_8), signer.publicKey(), "checkpoint");
    }

    @Test
    void aRenderedCheckpointParsesBack() {
        String note = note();
        assertThat(note).startsWith("buildchain.io/log/" + signer.publicKey() + "\n7\n").contains("\n\n\u2014 buildchain.io/log/");
        assertThat(parse(note).size()).isEqualTo(7);
        assertThat(parse(note).block().counter()).isEqualTo(8);
    }

    @Test
    void aWitnessCosignatureLineIsSkipped() {
        assertThat(parse(note() + "\u2014 witness.example/w1 AAAAAAAA\n").size()).isEqualTo(7);
    }

    @Test
    void malformedNotesAreRefusedWithOneLine() {
        String note = note();
        String origin = "buildchain.io/log/" + signer.publicKey();
        for (String bad : new String[] {
            "", "\n\n", note.replace("\n7\n", "\n07\n"), note.replace("\n7\n", "\n-7\n"),
            note.replace("\n7\n", "\n99999999999999999999\n"), note.replace("\n7\n", "\n7\nextension\n"),
            note.replace("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "AAAA"), note.replace("\n\n", "\n"),
            note.substring(0, note.length() - 1), note.replace(origin + "\n", "evil.example/log\n"),
            note.replace("\u2014 ", "- "), note + "\u2014 " + origin + " !!!!\n", note.replace("\n7\n", "\n7\u0007\n"),
            note + ("\u2014 x AAAA\n").repeat(20), "x".repeat(Checkpoint.MAX_BYTES + 1),
            note.replace("\n7\n", "\n6\n"), note.replace("\n7\n", "\n9\n"),
        }) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(BuildchainException.class)
                    .hasMessageNotContaining("\n" + "\tat");
        }
    }

    @Test
    void aNoteThatIsNotUtf8IsRefused() {
        byte[] bytes = note().getBytes(StandardCharsets.UTF_8);
        bytes[3] = (byte) 0xff;
        assertThatThrownBy(() -> Checkpoint.parse(bytes, signer.publicKey(), "checkpoint"))
                .isInstanceOf(BuildchainException.class).hasMessageContaining("UTF-8");
    }
}
