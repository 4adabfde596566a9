package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.manifest.ManifestNames;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.Store;

/** The release record a builder signs: what parses is canonical, names only safe files and safe branch names. */
class ReleaseRecordFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void record(byte[] input) throws Exception {
        acceptOrRefuse(() -> ReleaseRecord.parse(input, "fuzz")).ifPresent(record -> {
            assertThat(record.render()).isEqualTo(input);
            Store.checkName(record.project(), "project");
            Store.checkName(record.branch(), "branch");
            record.sizes().forEach((name, size) -> {
                assertThat(ManifestNames.problem(name)).isNull();
                assertThat(size).isNotNegative();
            });
        });
    }
}
