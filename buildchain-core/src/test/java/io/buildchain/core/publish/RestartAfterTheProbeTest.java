package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.UnexpectedKeyException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.testing.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signing node that restarts (a new key) after the publish's first key probe, while the artifacts are imported, the
 * objects and views prepared and other journals finished: the key is learned again right before the builder's request
 * goes out, so the new, uncertified key signs no builder's request (issue 25: "no builder's request reaches a signer
 * whose key is not yet accepted").
 */
class RestartAfterTheProbeTest {
    @TempDir
    Path dir;

    /** A serial node as the pinned client meets it: whatever key it has now signs, a block of another key is refused. */
    static final class RestartingNode implements BlockSigner {
        final Network net;
        final PublicKey pinned;
        final List<Block> signed = new ArrayList<>();

        RestartingNode(Network net) {
            this.net = net;
            this.pinned = net.signerKey.publicKey();
        }

        @Override
        public Block sign(SignedRequest request) throws IOException {
            Block block = net.signer().sign(request);
            signed.add(block);
            if (!block.publicKey().equals(pinned)) {
                throw new UnexpectedKeyException("signer on /dev/pts/9 signs with key " + block.publicKey()
                        + ", but the pinned key is " + pinned, block);
            }
            return block;
        }

        @Override
        public boolean keyKnownBeforeSigning() {
            return false;
        }

        @Override
        public String describe() {
            return "serial /dev/pts/9";
        }
    }

    @Test
    void aNodeRestartedWhileTheArtifactsAreImportedSignsNoBuildersRequest() throws Exception {
        Network net = new Network(dir, "a", "b");
        net.publish("r1", 2);
        RestartingNode node = new RestartingNode(net);
        Publisher.Release release = new Publisher.Release("proj", "main", 2, net.trusted(), net.round("r2", List.of()),
                Optional.empty());
        try {
            new Publisher(net.store, node, line -> {
                net.log.add(line);
                if (line.startsWith("signing a's request")) {
                    net.restartSigner(); // the node restarted after the probe, before the request was written
                }
            }).publish(release);
        } catch (IOException | RuntimeException e) {
            net.log.add("publish failed: " + e.getMessage());
        }
        assertThat(node.signed).as("blocks of the restarted node's new key carrying a builder's request")
                .filteredOn(b -> !b.publicKey().equals(node.pinned))
                .filteredOn(b -> net.trusted().contains(b.request().publicKey()))
                .isEmpty();
    }
}
