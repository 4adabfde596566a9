package io.buildchain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeyListTest {
    private final PublicKey a = SigningKey.generate(new SecureRandom()).publicKey();
    private final PublicKey b = SigningKey.generate(new SecureRandom()).publicKey();

    @Test
    void aTrailingCommentIsNotPartOfTheLabel() {
        KeyList list = KeyList.parse(a.base32() + " node-a   # racked in room 2\n" + b.base32() + "\t# no label\n", "trusted");
        assertThat(list.label(a)).contains("node-a");
        assertThat(list.label(b)).isEmpty();
        assertThat(list.render()).isEqualTo(a.base32() + " node-a\n" + b.base32() + "\n");
    }

    @Test
    void aHashInsideALabelIsKept() {
        assertThat(KeyList.parse(a.base32() + " node#2\n", "trusted").label(a)).contains("node#2");
    }

    @Test
    void commentAndBlankLinesAreSkipped() {
        assertThat(KeyList.parse("# builders\n\n   # indented comment\n" + a.base32() + "\n", "trusted").keys())
                .containsExactly(a);
    }
}
