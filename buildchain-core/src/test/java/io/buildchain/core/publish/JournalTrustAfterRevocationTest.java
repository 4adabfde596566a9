package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerDownException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.testing.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release journaled with trusted keys {a, b} stays at SENT (the node went down: the publish stops with
 * SignerDownException). The operator then removes b from the trusted list (a compromised builder key) and publishes
 * again with {a, c}: the journal of this branch is recounted with the keys trusted now, so the release counting b is
 * abandoned, not published (an adversarial read found it finished with the list it was written with).
 */
class JournalTrustAfterRevocationTest {
    @TempDir
    Path dir;

    /** A serial node that answers {@code answers} more requests, then is down (silent, signs nothing) until {@code up}. */
    static final class FailingNode implements BlockSigner {
        final LocalSigner node;
        int answers;
        boolean up;

        FailingNode(Network net, int answers) {
            this.node = net.signer();
            this.answers = answers;
        }

        @Override
        public Block sign(SignedRequest request) throws IOException {
            if (!up && answers-- <= 0) {
                throw new SignerSilentException("no reply from the signer on /dev/pts/9 after 1 try (is it running?)");
            }
            return node.sign(request);
        }

        @Override
        public boolean keyKnownBeforeSigning() {
            return false;
        }

        @Override
        public String describe() {
            return "a node that goes down";
        }
    }

    @Test
    void aJournaledReleaseIsNotFinishedWithABuilderKeyTheOperatorNoLongerTrusts() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted("a", "b"),
                net.round("r1", List.of()).subList(0, 2), Optional.empty()));
        List<Submission> round = net.round("r2", List.of());
        FailingNode node = new FailingNode(net, 1); // the key probe is answered, then the node is down
        assertThatThrownBy(() -> new Publisher(net.store, node, net.log::add).publish(new Publisher.Release("proj",
                "main", 2, net.trusted("a", "b"), round.subList(0, 2), Optional.empty())))
                .isInstanceOf(SignerDownException.class);

        // b's key is removed from the trusted list; the node is back; the publish runs with the current list.
        Block r1 = net.store.tail("proj", "main").orElseThrow();
        KeyList current = net.trusted("a", "c");
        node.up = true;
        assertThatThrownBy(() -> new Publisher(net.store, node, net.log::add).publish(new Publisher.Release("proj",
                "main", 2, current, List.of(round.get(0), round.get(2)), Optional.empty())))
                .hasMessageContaining("quorum not met");
        assertThat(net.log).anyMatch(line -> line.startsWith("abandoning the interrupted release of proj/main")
                && line.contains("the recount users run (verify --quorum 2 --trust ...) rejects it"));
        assertThat(net.store.tail("proj", "main")).as("the journaled release, counting b, is not published").contains(r1);
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }
}
