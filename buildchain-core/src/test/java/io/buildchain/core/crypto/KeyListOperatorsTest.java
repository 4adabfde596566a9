package io.buildchain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.testing.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyListOperatorsTest {
    private final String a = SigningKey.generate(Network.RANDOM).publicKey().base32();
    private final String b = SigningKey.generate(Network.RANDOM).publicKey().base32();
    private final String c = SigningKey.generate(Network.RANDOM).publicKey().base32();

    @Test
    void oldFilesWithoutOperatorsMeanWhatTheyMeant() {
        KeyList keys = KeyList.parse("# builders\n" + a + " linux  a\n" + b + "\n" + c + " mac\n", "trusted");
        assertThat(keys.operatorCount()).isEqualTo(3);
        assertThat(keys.hasOperators()).isFalse();
        assertThat(keys.label(PublicKey.parse(a, "a"))).contains("linux  a");
        assertThat(keys.operator(PublicKey.parse(a, "a"))).isEmpty();
        assertThat(keys.render()).isEqualTo(a + " linux  a\n" + b + "\n" + c + " mac\n");
    }

    @Test
    void keysOfOneOperatorShareOneIdentity() {
        KeyList keys = KeyList.parse(a + " linux-a operator=alice\n" + b + " operator=alice linux-b\n" + c + " carol\n",
                "trusted");
        PublicKey ka = PublicKey.parse(a, "a");
        PublicKey kb = PublicKey.parse(b, "b");
        PublicKey kc = PublicKey.parse(c, "c");
        assertThat(keys.operatorCount()).isEqualTo(2);
        assertThat(keys.operatorId(ka)).isEqualTo(keys.operatorId(kb)).isNotEqualTo(keys.operatorId(kc));
        assertThat(keys.label(kb)).contains("linux-b");
        assertThat(keys.operator(kb)).contains("alice");
        assertThat(KeyList.parse(keys.render(), "rendered").operatorCount()).isEqualTo(2);
        assertThat(keys.render()).contains(b + " linux-b operator=alice\n");
    }

    @Test
    void anOperatorNamedLikeAKeyIsNotThatKeysOwnIdentity() {
        KeyList keys = KeyList.parse(a + " operator=" + b + "\n" + b + "\n", "trusted");
        assertThat(keys.operatorCount()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"operator=", "operator=al/ice", "operator=-alice", "operator=alice operator=bob",
        "Operator=alice", "operator:alice", "operators=alice", "OPERATOR=alice"})
    void aMalformedOperatorIsRefusedWithItsLineNumber(String field) {
        String text = a + " ok\n\n" + b + " linux " + field + "\n";
        assertThatThrownBy(() -> KeyList.parse(text, "trusted-keys")).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("trusted-keys:3: ").hasMessageContaining("operator");
    }

    @Test
    void aTooLongOperatorIsRefused() {
        assertThatThrownBy(() -> KeyList.parse(a + " operator=" + "x".repeat(65) + "\n", "t"))
                .hasMessageStartingWith("t:1: ");
    }
}
