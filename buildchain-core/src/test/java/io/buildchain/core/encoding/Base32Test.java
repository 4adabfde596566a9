package io.buildchain.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base32Test {
    @Test
    void pihsmVectors() {
        String[] expected = {"AA", "AAAA", "AAAAA", "AAAAAAA", "AAAAAAAA"};
        for (int n = 1; n <= 5; n++) {
            assertThat(Base32.encode(new byte[n])).isEqualTo(expected[n - 1]);
            assertThat(Base32.decode(expected[n - 1], "v")).isEqualTo(new byte[n]);
        }
    }

    @Test
    void buildchainStoreNameVectors() {
        assertThat(Base32.encode(new byte[48])).isEqualTo("A".repeat(77));
        byte[] ones48 = new byte[48];
        Arrays.fill(ones48, (byte) 0xFF);
        assertThat(Base32.encode(ones48)).isEqualTo("7".repeat(76) + "6");
        assertThat(Base32.encode(new byte[64])).isEqualTo("A".repeat(103));
        byte[] ones64 = new byte[64];
        Arrays.fill(ones64, (byte) 0xFF);
        assertThat(Base32.encode(ones64)).isEqualTo("7".repeat(102) + "Y");
        assertThat(Base32.encodedLength(32)).isEqualTo(52);
        assertThat(Base32.encodedLength(15)).isEqualTo(24);
    }

    @Test
    void rfc4648Vectors() {
        assertThat(Base32.encode("foobar".getBytes())).isEqualTo("MZXW6YTBOI");
        assertThat(Base32.encode("fooba".getBytes())).isEqualTo("MZXW6YTB");
        assertThat(new String(Base32.decode("MZXW6YQ=", "v"))).isEqualTo("foob");
    }

    @Test
    void roundTripsRandomData() {
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            byte[] data = new byte[n];
            random.nextBytes(data);
            assertThat(Base32.decode(Base32.encode(data), "v")).isEqualTo(data);
        }
    }

    @Test
    void lenientDecodeAcceptsLowerCaseAndPadding() {
        assertThat(Base32.decodeLength("mzxw6ytboi======", 6, "key")).isEqualTo("foobar".getBytes());
    }

    @Test
    void rejectsNonAlphabetAndImpossibleLengths() {
        assertThatThrownBy(() -> Base32.decode("MZX1", "--key")).isInstanceOf(FormatException.class)
                .hasMessageContaining("--key").hasMessageContaining("'1'").hasMessageContaining("position 4");
        assertThatThrownBy(() -> Base32.decode("MZXW6Y", "v")).hasMessageContaining("cannot encode whole bytes");
        assertThatThrownBy(() -> Base32.decodeLength("MZXW6YTBOI", 32, "--key"))
                .hasMessageContaining("expected 32 bytes");
    }

    @Test
    void canonicalDecodeRejectsLowerCaseAndStrayBits() {
        String canonical = Base32.encode(new byte[48]);
        assertThat(Base32.decodeCanonical(canonical, 48, "d")).hasSize(48);
        assertThatThrownBy(() -> Base32.decodeCanonical(canonical.toLowerCase(), 48, "d"))
                .hasMessageContaining("canonical");
        // Last character '6' carries one unused bit; 'B' sets it.
        assertThatThrownBy(() -> Base32.decodeCanonical("A".repeat(76) + "B", 48, "d"))
                .hasMessageContaining("canonical");
        assertThatThrownBy(() -> Base32.decodeCanonical("A".repeat(76), 48, "d"))
                .hasMessageContaining("expected 77 base32 characters");
    }
}
