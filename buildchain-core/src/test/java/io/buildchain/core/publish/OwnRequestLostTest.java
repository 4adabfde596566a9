package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reply to the publisher's own checkpoint request is lost (the publisher stopped), and the node of pihsm's kind
 * signs another request since, so it will not answer the journaled one again: the next publish is not wedged on that
 * journal (an adversarial read saw every later publish fail with "no reply ... is it running?"). It learns the key
 * with a new request and, the chain having a gap, names import-blocks; after that the release is published.
 */
class OwnRequestLostTest {
    @TempDir
    Path dir;

    /** A node of pihsm's kind; while {@code losing}, the reply to the own request after a builder's is lost. */
    static final class LosingNode implements BlockSigner {
        final Network net;
        boolean losing;
        boolean builderSigned;

        LosingNode(Network net) {
            this.net = net;
        }

        @Override
        public Block sign(SignedRequest request) throws IOException {
            return sign(request, late -> { });
        }

        @Override
        public Block sign(SignedRequest request, Consumer<Block> late) throws IOException {
            Block block;
            try {
                block = net.signer().sign(request); // a new node each time: it repeats only its very last request
            } catch (SignerRefusedException e) {
                throw new SignerSilentException("no reply from the signer on /dev/pts/9 after 3 tries (is it running?)");
            }
            boolean own = !net.trusted().contains(request.publicKey());
            if (losing && own && builderSigned) {
                throw new IOException("the publisher stopped while its own request was on the line");
            }
            builderSigned |= !own;
            return block;
        }

        @Override
        public boolean keyKnownBeforeSigning() {
            return false;
        }

        @Override
        public String describe() {
            return "a node of pihsm's kind";
        }
    }

    @Test
    void aLostReplyToTheCheckpointRequestDoesNotWedgeLaterPublishes() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        LosingNode node = new LosingNode(net);
        Publisher.Release first = StalledSignerTest.nextAfterAFirst(net, node);
        node.losing = true;
        node.builderSigned = false;
        // The release is signed; the reply to the checkpoint's request after it is lost, which stays journaled.
        net.log.clear();
        new Publisher(net.store, node, net.log::add).publish(new Publisher.Release("proj", "main", 2,
                net.trusted("a", "b"), first.submissions().stream().filter(s -> !s.source().equals("c")).toList(),
                first.artifacts()));
        node.losing = false;
        assertThat(net.log).anyMatch(line -> line.startsWith("log of signer "));
        // The node signs another request since (a standalone sign, outside the store).
        net.signer().sign(SignedRequest.decode(net.build("c", "outside", Map.of("x", "y")).request(), "c"));

        Publisher.Release next = new Publisher.Release("proj", "main", 2, net.trusted("a", "b"),
                net.round("r3", List.of()).stream().filter(s -> !s.source().equals("c")).toList(),
                java.util.Optional.empty());
        assertThatThrownBy(() -> new Publisher(net.store, node, net.log::add).publish(next))
                .isInstanceOf(ChainIncompleteException.class).hasMessageContaining("import-blocks");
        BlockImport.into(net.store, List.of(net.signerState.resolve("chain")));
        Publisher.Result published = new Publisher(net.store, node, net.log::add).publish(next);
        assertThat(new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj",
                "main", new ChainVerifier.Options(true, net.trusted("a", "b"), 2, null)).release().block())
                .isEqualTo(published.block());
    }
}
