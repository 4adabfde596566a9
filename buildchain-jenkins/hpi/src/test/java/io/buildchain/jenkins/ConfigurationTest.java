package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Label;
import hudson.util.FormValidation;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.root.RootCeremony;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.verify.StoreReader;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The global settings: Configuration as Code, and the form on Manage Jenkins &gt; System with its checks. */
@WithJenkinsConfiguredWithCode
class ConfigurationTest {
    static final String SIGNER_KEY = "IDGPIPUFEAYQLPIXB5BHK4NWCXCFSUF5XPYVCVDG7SDYUDRXQLOA";
    static final String BUILDER_KEY = "XD3GFPDAWFW37JJSGDIJCUL63ZAYPZRMNVE4QM6LMZQJJSJT6P3Q";
    static final String ROOT_KEY = "ZQSBG4DWOFVCO3KBIE6Q7QEMOGZMU63EDV3H5YOK3SI2GZVXQ3NA";

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void configurationAsCodeSetsEveryField(JenkinsConfiguredWithCodeRule j) throws Exception {
        BuildchainConfiguration config = BuildchainConfiguration.get();
        assertThat(config.getSignerLabel()).isEqualTo("buildchain-signer");
        assertThat(config.getSerialPort()).isEqualTo("/dev/serial/by-id/usb-FTDI_FT232R-if00-port0");
        assertThat(config.getBaud()).isEqualTo(115200);
        assertThat(config.getSignerTimeout()).isEqualTo(30);
        assertThat(config.getSignerKey()).isEqualTo(SIGNER_KEY);
        assertThat(config.getRootKey()).isEqualTo(ROOT_KEY);
        assertThat(config.trustedKeys().size()).isEqualTo(1);
        assertThat(config.trustedKeys().render()).contains(BUILDER_KEY + " linux-a");
        assertThat(config.getDefaultQuorum()).isEqualTo(3);

        // The form shows what was configured and saves it back unchanged.
        j.configRoundtrip();
        BuildchainConfiguration after = BuildchainConfiguration.get();
        assertThat(after.getSignerLabel()).isEqualTo("buildchain-signer");
        assertThat(after.getSerialPort()).isEqualTo(config.getSerialPort());
        assertThat(after.getBaud()).isEqualTo(115200);
        assertThat(after.getSignerTimeout()).isEqualTo(30);
        assertThat(after.getSignerKey()).isEqualTo(SIGNER_KEY);
        assertThat(after.getRootKey()).isEqualTo(ROOT_KEY);
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
        assertThat(config.doCheckRootKey(ROOT_KEY).kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(config.doCheckRootKey("ABC").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckTrustedBuilderKeys("nope").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckSerialPort("ttyUSB0").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckSerialPort("/dev/ttyUSB0").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(config.doCheckBaud("fast").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckDefaultQuorum("2", BUILDER_KEY).kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(config.doCheckSignerLabel("buildchain-signer").kind).isEqualTo(FormValidation.Kind.ERROR);
        j.createOnlineSlave(Label.get("buildchain-signer"));
        assertThat(config.doCheckSignerLabel("buildchain-signer").kind).isEqualTo(FormValidation.Kind.OK);
    }

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void certificatesPastedOnTheSettingsPageGoIntoTheControllersStore(JenkinsConfiguredWithCodeRule j) throws Exception {
        BuildchainConfiguration config = BuildchainConfiguration.get();
        SigningKey root = SigningKey.generate(new SecureRandom());
        PublicKey signer = SigningKey.generate(new SecureRandom()).publicKey();
        String certificate = new String(RootCeremony.certify(root, signer, StoreReader.of(JenkinsPaths.store().root()))
                .encode(), StandardCharsets.US_ASCII);
        // As a browser sends a paste: CR LF line ends.
        FormValidation added = config.doAddRootStatement(certificate.replace("\n", "\r\n"));
        assertThat(added.kind).as(added.getMessage()).isEqualTo(FormValidation.Kind.OK);
        assertThat(added.getMessage()).contains("added certificate for signer " + signer);
        assertThat(config.doAddRootStatement(certificate).getMessage()).contains("already in the store");
        FormValidation forged = config.doAddRootStatement(certificate.replace(signer.base32(), SIGNER_KEY));
        assertThat(forged.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(forged.getMessage()).startsWith("forged: ").doesNotContain("\tat ");
        assertThat(RootStatements.read(StoreReader.of(JenkinsPaths.store().root()))).hasSize(1);
    }
}
