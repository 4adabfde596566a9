package io.buildchain.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.quorum.RequestLedger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The note of counted requests is strict: every malformed line is one refusal naming its line, never a crash. */
class CountedNoteTest {
    static final SecureRandom RANDOM = new SecureRandom();
    final SigningKey signer = SigningKey.generate(RANDOM);
    final SigningKey publisher = SigningKey.generate(RANDOM);
    final byte[] root = new byte[32];
    final String block = Base32.encode(new byte[64]);
    final String key = SigningKey.generate(RANDOM).publicKey().base32();

    /** A checkpoint of 7 blocks whose block carries the publisher's request, as LogWriter has it signed. */
    Checkpoint checkpoint() {
        byte[] body = Checkpoint.body(signer.publicKey(), 7, root);
        byte[] request = ChainSigner.startingAt(Genesis.create(publisher), publisher).sign(Digest.of(body).bytes(), 1);
        Block first = Block.decode(ChainSigner.startingAt(Genesis.create(signer), signer).sign(request, 2), "b");
        return Checkpoint.signed(signer.publicKey(), 7, root,
                Block.decode(new ChainSigner(signer, first.signature(), 7).sign(request, 2), "b"));
    }

    /** {@code lines} as they are, signed by {@code by}. */
    CountedNote parse(List<String> lines, SigningKey by) {
        Map<String, String> asIs = new java.util.LinkedHashMap<>();
        lines.forEach(line -> asIs.put(line, ""));
        byte[] note = SignedNote.render(CountedNote.origin(signer.publicKey()), 7, root, asIs, rest -> rest, by);
        return CountedNote.parse(note, checkpoint(), "counted").orElseThrow();
    }

    @Test
    void aRenderedNoteParsesBack() {
        var counted = Map.of(block, List.of(new RequestLedger.Counted(SigningKey.generate(RANDOM).publicKey(),
                -1L, 1700000000L)));
        byte[] note = new CountedNote(7, root, counted).render(signer.publicKey(), publisher);
        assertThat(new String(note, StandardCharsets.UTF_8)).contains(block + " ").contains(":18446744073709551615:");
        assertThat(CountedNote.parse(note, checkpoint(), "counted").orElseThrow().counted()).isEqualTo(counted);
        assertThat(parse(List.of(block), publisher).counted()).containsEntry(block, List.of());
    }

    @Test
    void malformedLinesAreRefusedByLine() {
        for (String line : List.of(block + " " + key + ":1:2 " + key + ":3:4", block + " " + key + ":18446744073709551616:1",
                block + " " + key + ":01:1", block + " " + key + ":1", block + "  " + key + ":1:1", block.substring(1),
                block + " " + key.toLowerCase() + ":1:1", block + " ")) {
            assertThatThrownBy(() -> parse(List.of(line), publisher)).as(line).isInstanceOf(FormatException.class)
                    .hasMessageStartingWith("counted:4: expected 'BLOCK_SIGNATURE BUILDER_KEY:COUNTER:TIMESTAMP ...'");
        }
        assertThatThrownBy(() -> parse(List.of(block, block + " " + key + ":1:1"), publisher))
                .hasMessageStartingWith("counted:5: expected");
    }

    @Test
    void aNoteNotSignedByTheCheckpointsRequesterIsRefused() {
        assertThatThrownBy(() -> parse(List.of(block), SigningKey.generate(RANDOM)))
                .isInstanceOf(VerificationException.class).hasMessageContaining("not signed by the publisher's key");
        byte[] evidenceNote = new EvidenceNote(7, root, Map.of()).render(signer.publicKey(), publisher);
        assertThatThrownBy(() -> CountedNote.parse(evidenceNote, checkpoint(), "counted"))
                .isInstanceOf(FormatException.class).hasMessage("counted: not a note of counted requests of signer "
                        + signer.publicKey());
    }
}
