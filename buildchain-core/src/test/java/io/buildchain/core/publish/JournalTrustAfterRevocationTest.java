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
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADVERSARY issue 25 (adv2): a release journaled with trusted keys {a, b} stays at SENT (the node went down: the
 * publish stops with SignerDownException). The operator then removes b from the trusted list (a compromised builder
 * key) and publishes again with {a, c}. The journal is finished with the list it was written with, so the tail moves to
 * a release counting b, which `verify --quorum 2 --trust` with the operator's current list rejects.
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
        KeyList current = net.trusted("a", "c");
        node.up = true;
        try {
            new Publisher(net.store, node, net.log::add).publish(new Publisher.Release("proj", "main", 2, current,
                    List.of(round.get(0), round.get(2)), Optional.empty()));
        } catch (IOException | RuntimeException e) {
            net.log.add("publish failed: " + e.getMessage());
        }
        Files.write(Path.of("/tmp/adv2/trust.log"), net.log);
        // Whatever the publish did, the tail must be one the operator's current list accepts.
        new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(true, current, 2, null));
    }
}
