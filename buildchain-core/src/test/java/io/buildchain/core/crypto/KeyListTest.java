package io.buildchain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import java.security.SecureRandom;
import java.util.List;
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

    /**
     * A trusted-keys label is printed raw in the vote table and by verify --trust: one that reorders its line (a
     * bidi override) or breaks it (U+2028) is refused like a control character, whoever wrote the file.
     */
    @Test
    void aLabelThatReordersOrBreaksItsLineIsRefused() {
        for (String label : List.of("node-\u202Ea", "node\u2066x", "node\u2028a", "node\u200Ba", "node\u001b[2Ja")) {
            assertThatThrownBy(() -> KeyList.parse(a.base32() + " " + label + "\n", "trusted"))
                    .isInstanceOf(FormatException.class).hasMessageStartingWith("trusted:1: ");
        }
        assertThat(KeyList.parse(a.base32() + " nœud\tÅsa\n", "trusted").label(a)).contains("nœud\tÅsa");
    }
}
