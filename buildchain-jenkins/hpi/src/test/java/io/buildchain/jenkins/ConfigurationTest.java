package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Label;
import hudson.util.FormValidation;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import org.junit.jupiter.api.Test;

/** The global settings: Configuration as Code, and the form on Manage Jenkins &gt; System with its checks. */
@WithJenkinsConfiguredWithCode
class ConfigurationTest {
    static final String SIGNER_KEY = "IDGPIPUFEAYQLPIXB5BHK4NWCXCFSUF5XPYVCVDG7SDYUDRXQLOA";
    static final String BUILDER_KEY = "XD3GFPDAWFW37JJSGDIJCUL63ZAYPZRMNVE4QM6LMZQJJSJT6P3Q";

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void configurationAsCodeSetsEveryField(JenkinsConfiguredWithCodeRule j) throws Exception {
        BuildchainConfiguration config = BuildchainConfiguration.get();
        assertThat(config.getSignerLabel()).isEqualTo("buildchain-signer");
        assertThat(config.getSerialPort()).isEqualTo("/dev/serial/by-id/usb-FTDI_FT232R-if00-port0");
        assertThat(config.getBaud()).isEqualTo(115200);
        assertThat(config.getSignerKey()).isEqualTo(SIGNER_KEY);
        assertThat(config.trustedKeys().size()).isEqualTo(1);
        assertThat(config.trustedKeys().render()).contains(BUILDER_KEY + " linux-a");
        assertThat(config.getDefaultQuorum()).isEqualTo(3);

        // The form shows what was configured and saves it back unchanged.
        j.configRoundtrip();
        BuildchainConfiguration after = BuildchainConfiguration.get();
        assertThat(after.getSignerLabel()).isEqualTo("buildchain-signer");
        assertThat(after.getSerialPort()).isEqualTo(config.getSerialPort());
        assertThat(after.getBaud()).isEqualTo(115200);
        assertThat(after.getSignerKey()).isEqualTo(SIGNER_KEY);
        assertThat(after.trustedKeys().keys()).isEqualTo(config.trustedKeys().keys());
        assertThat(after.getDefaultQuorum()).isEqualTo(3);
    }

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void everyFieldIsChecked(JenkinsConfiguredWithCodeRule j) throws Exception {
        BuildchainConfiguration config = BuildchainConfiguration.get();
        assertThat(config.doCheckSignerKey(SIGNER_KEY).kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(config.doCheckSignerKey("ABC").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckSignerKey("").kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(config.doCheckTrustedBuilderKeys("nope").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckSerialPort("ttyUSB0").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckSerialPort("/dev/ttyUSB0").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(config.doCheckBaud("fast").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckDefaultQuorum("2", BUILDER_KEY).kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckSignerLabel("buildchain-signer").kind).isEqualTo(FormValidation.Kind.ERROR);
        j.createOnlineSlave(Label.get("buildchain-signer"));
        assertThat(config.doCheckSignerLabel("buildchain-signer").kind).isEqualTo(FormValidation.Kind.OK);
    }
}
