package io.buildchain.core.fuzz;

import static io.buildchain.core.fuzz.Refusals.acceptOrRefuse;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Freshness;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.ReleaseView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Quorum evidence from a store or a mirror ({@code quorum/SIG.json}): whatever parses re-encodes to the same
 * evidence, and everything verify, the pages and the ledger then do with it (render the divergence and the
 * chain page, recount the vote with the publisher's recorded trust, collect the requests, check each buildinfo)
 * returns or refuses in one line.
 */
class EvidenceFuzzTest {
    private static final Block BLOCK = pihsmBlock();
    private static final ChainPages PAGES = new ChainPages("/", "http://fuzz/", false);

    @FuzzTest(maxDuration = "10m")
    void evidence(byte[] input) throws Exception {
        Optional<Evidence> parsed = acceptOrRefuse(() -> Evidence.parse(input, "fuzz"));
        if (parsed.isEmpty()) {
            return;
        }
        Evidence evidence = parsed.get();
        assertThat(Evidence.parse(evidence.toJson(), "re-encoded")).isEqualTo(evidence);
        Optional<KeyList> trust = acceptOrRefuse(evidence::publisherTrust);
        if (trust.isPresent()) {
            acceptOrRefuse(() -> evidence.recount(trust.get(), Freshness.UNCHECKED))
                    .ifPresent(operators -> assertThat(operators.size()).isLessThanOrEqualTo(trust.get().size()));
        }
        RequestLedger.requestsOf(evidence).forEach(request -> assertThat(request.bytes()).hasSize(224));
        evidence.submissions().forEach(Evidence.Entry::checkedBuildInfo);
        ReleaseView release = new ReleaseView("proj", "main", BLOCK, null, evidence, List.of());
        PAGES.chain("proj", "main", List.of(release));
        PAGES.divergence(release);
    }

    private static Block pihsmBlock() {
        try (InputStream in = EvidenceFuzzTest.class.getResourceAsStream("CodecFuzzTestInputs/block/pihsm-block-1")) {
            return Block.decode(in.readAllBytes(), "pihsm block 1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
