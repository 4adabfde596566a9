package io.buildchain.core.ci;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.ci.SettingsCheck.Agent;
import io.buildchain.core.ci.SettingsCheck.Level;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.testing.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsCheckTest {
    final String key = SigningKey.generate(Network.RANDOM).publicKey().toString();

    @Test
    void signerKey() {
        assertThat(SettingsCheck.signerKey(key).level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.signerKey(" " + key.toLowerCase() + " ").level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.signerKey("").level()).isEqualTo(Level.WARNING);
        var bad = SettingsCheck.signerKey(key.substring(1));
        assertThat(bad.level()).isEqualTo(Level.ERROR);
        assertThat(bad.message()).contains("signer key");
    }

    @Test
    void trustedKeys() {
        assertThat(SettingsCheck.trustedKeys(key + " linux-a\n# comment\n").message()).isEqualTo("1 trusted builder key(s)");
        assertThat(SettingsCheck.trustedKeys("").level()).isEqualTo(Level.WARNING);
        var bad = SettingsCheck.trustedKeys(key + "\nnot-a-key x");
        assertThat(bad.level()).isEqualTo(Level.ERROR);
        assertThat(bad.message()).contains("trusted builder keys:2");
        assertThat(SettingsCheck.trustedKeys(key + "\n" + key).message()).contains("listed twice");
    }

    @Test
    void serialPortAndBaud() {
        assertThat(SettingsCheck.serialPort("/dev/ttyUSB0").level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.serialPort("/dev/serial/by-id/usb-FTDI_A-if00-port0").level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.serialPort("COM3").level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.serialPort("").level()).isEqualTo(Level.ERROR);
        assertThat(SettingsCheck.serialPort("ttyUSB0").message()).contains("expected /dev/NAME");
        assertThat(SettingsCheck.serialPort("/dev/../etc/passwd").level()).isEqualTo(Level.ERROR);
        // A socat link outside /dev (the real-Jenkins run: /work/realjenkins/ttyS1 was refused and nothing signed).
        assertThat(SettingsCheck.serialPort("/work/realjenkins/ttyS1").level()).isEqualTo(Level.WARNING);
        assertThat(SettingsCheck.serialPort("/work/../etc/passwd").level()).isEqualTo(Level.ERROR);
        assertThat(SettingsCheck.serialPort("/work/./ttyS1").level()).isEqualTo(Level.ERROR);
        assertThat(SettingsCheck.serialPort("/work/").level()).isEqualTo(Level.ERROR);
        assertThat(SettingsCheck.baud(115200).level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.baud(12345).level()).isEqualTo(Level.WARNING);
        assertThat(SettingsCheck.baud(0).level()).isEqualTo(Level.ERROR);
    }

    @Test
    void quorum() {
        assertThat(SettingsCheck.quorum(2, 3).level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.quorum(1, 3).level()).isEqualTo(Level.WARNING);
        assertThat(SettingsCheck.quorum(4, 3).message()).contains("never be met by the 3");
        assertThat(SettingsCheck.quorum(0, 3).level()).isEqualTo(Level.ERROR);
        assertThat(SettingsCheck.quorum(2, 0).level()).isEqualTo(Level.OK);
    }

    @Test
    void signerLabel() {
        assertThat(SettingsCheck.signerLabel("", List.of()).level()).isEqualTo(Level.ERROR);
        assertThat(SettingsCheck.signerLabel("hsm", List.of()).message()).isEqualTo("No agent has the label \"hsm\"");
        assertThat(SettingsCheck.signerLabel("hsm", List.of(new Agent("pi", false))).message())
                .contains("matches pi").contains("none is online");
        assertThat(SettingsCheck.signerLabel("hsm", List.of(new Agent("pi", true))).message()).isEqualTo("Signer agent: pi");
        assertThat(SettingsCheck.signerLabel("hsm", List.of(new Agent("a", false), new Agent("b", true))).message())
                .contains("first online one (b)");
    }

    @Test
    void signerTimeoutAndRequire() {
        assertThat(SettingsCheck.signerTimeout(SettingsCheck.DEFAULT_SIGNER_TIMEOUT_SECONDS).level()).isEqualTo(Level.OK);
        assertThat(SettingsCheck.signerTimeout(2).level()).isEqualTo(Level.WARNING);
        assertThat(SettingsCheck.signerTimeout(0).level()).isEqualTo(Level.ERROR);
        assertThat(SettingsCheck.signerTimeout(601).level()).isEqualTo(Level.ERROR);
        SettingsCheck.require(SettingsCheck.signerTimeout(2), "signerTimeout");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SettingsCheck.require(SettingsCheck.quorum(0, 0),
                "defaultQuorum")).isInstanceOf(io.buildchain.core.FormatException.class)
                .hasMessage("defaultQuorum: The quorum must be at least 1");
    }
}
