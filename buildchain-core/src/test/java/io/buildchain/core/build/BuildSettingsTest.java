package io.buildchain.core.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildSettingsTest {
    @Test
    void eachVariationChangesOneThingAwayFromTheReference() {
        BuildSettings reference = BuildSettings.reference("1000:1000");
        List<BuildSettings.Variation> variations = reference.variations("2000:2000", true);
        assertThat(variations).extracting(BuildSettings.Variation::name)
                .containsExactly("TZ", "umask 0077", "locale", "build path", "hostname", "user", "date");
        for (BuildSettings.Variation variation : variations) {
            BuildSettings varied = variation.apply().apply(reference);
            int changed = 0;
            changed += varied.tz().equals(reference.tz()) ? 0 : 1;
            changed += varied.umask().equals(reference.umask()) ? 0 : 1;
            changed += varied.locale().equals(reference.locale()) ? 0 : 1;
            changed += varied.buildPath().equals(reference.buildPath()) ? 0 : 1;
            changed += varied.user().equals(reference.user()) ? 0 : 1;
            changed += varied.hostname().equals(reference.hostname()) ? 0 : 1;
            changed += java.util.Objects.equals(varied.clock(), reference.clock()) ? 0 : 1;
            assertThat(changed).as(variation.name()).isEqualTo(1);
        }
        assertThat(reference.variations(null, false)).extracting(BuildSettings.Variation::name).doesNotContain("user", "date");
    }

    @Test
    void valuesThatWouldReachTheContainerOrTheProbeOutputUncheckedAreRefused() {
        for (String[] bad : new String[][] {{"UTC\numask 0022", "0022", "C", "/b", "1:1", "h"},
            {"UTC", "22x", "C", "/b", "1:1", "h"}, {"UTC", "0022", "C", "relative", "1:1", "h"},
            {"UTC", "0022", "C", "/b/../etc", "1:1", "h"}, {"UTC", "0022", "C", "/buildchain/x", "1:1", "h"},
            {"UTC", "0022", "C", "/b", "root", "h"}, {"UTC", "0022", "C", "/b", "1:1", "-h"},
            {"UTC", "0022", "C x", "/b", "1:1", "h"}}) {
            assertThatThrownBy(() -> new BuildSettings(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5]))
                    .isInstanceOf(FormatException.class);
        }
    }
}
