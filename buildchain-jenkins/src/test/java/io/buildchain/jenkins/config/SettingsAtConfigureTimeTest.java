package io.buildchain.jenkins.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import java.lang.reflect.Constructor;
import org.junit.jupiter.api.Test;

/**
 * Configuration as Code and the settings form set the global settings through their setters: a value the checks
 * call an error is refused there, at configure time, with the setting's name, not at the first publish. (Offline
 * there is no Jenkins to construct the configuration or save it; an instance is made without its constructor, and
 * a refused value never reaches save().) The accepted values and the JCasC round trip are in hpi/ ConfigurationTest.
 */
class SettingsAtConfigureTimeTest {
    @Test
    void everySetterRefusesWhatItsCheckCallsAnError() throws Exception {
        BuildchainConfiguration config = unconstructed();
        assertThatThrownBy(() -> config.setSignerKey("ABC")).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("signerKey: ");
        assertThatThrownBy(() -> config.setDefaultQuorum(0)).isInstanceOf(FormatException.class)
                .hasMessage("defaultQuorum: The quorum must be at least 1");
        assertThatThrownBy(() -> config.setSignerTimeout(0)).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("signerTimeout: Expected 1 to 600 seconds");
        assertThatThrownBy(() -> config.setBaud(-1)).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("baud: ");
        assertThatThrownBy(() -> config.setRootKey("not a key")).isInstanceOf(FormatException.class)
                .hasMessageContaining("rootKey");
        // The real-Jenkins run: a bad port was saved without complaint and refused only by the first signing.
        assertThatThrownBy(() -> config.setSerialPort("ttyUSB0")).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("serialPort: \"ttyUSB0\" is not a serial port path");
        assertThatThrownBy(() -> config.setTrustedBuilderKeys("not-a-key linux-a"))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("trustedBuilderKeys: ");
    }

    private static BuildchainConfiguration unconstructed() throws Exception {
        Constructor<?> plain = sun.reflect.ReflectionFactory.getReflectionFactory().newConstructorForSerialization(
                BuildchainConfiguration.class, Object.class.getDeclaredConstructor());
        return (BuildchainConfiguration) plain.newInstance();
    }
}
