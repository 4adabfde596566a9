package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.testing.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node of pihsm's kind (answers again only its very last request, refuses a stale counter with silence) behind a
 * serial line as SerialSigner reads it: replies that arrive while no client has the line open wait for the next open;
 * a client takes the one carrying its request and hands the others to its caller. The publisher is killed with a's
 * request on the line; the node signs it and the block waits there. The resumed publish's key probe reads that block
 * first: it is stored (not dropped, as an adversarial read found), and the journaled release is finished from it,
 * since the node would not answer that request again.
 */
class ProbeKeepsTheLinesBlockTest {
    @TempDir
    Path dir;

    static final class PihsmLine implements BlockSigner {
        final Network net;
        final Deque<Block> line = new ArrayDeque<>();
        IOException killAfterSending;

        PihsmLine(Network net) {
            this.net = net;
        }

        @Override
        public Block sign(SignedRequest request) throws IOException {
            return sign(request, stray -> { }); // SerialSigner.sign(request): strays are only logged
        }

        @Override
        public Block sign(SignedRequest request, Consumer<Block> late) throws IOException {
            LocalSigner node = net.signer(); // no memory of earlier requests but the last: pihsm's kind
            try {
                line.add(node.sign(request));
            } catch (SignerRefusedException e) {
                // refused: no reply
            }
            if (killAfterSending != null && net.trusted().contains(request.publicKey())) {
                IOException killed = killAfterSending;
                killAfterSending = null;
                throw killed; // the reply arrives after the client is gone: it waits on the line
            }
            try {
                while (!line.isEmpty()) {
                    Block reply = line.poll();
                    if (reply.carries(request)) {
                        return reply;
                    }
                    late.accept(reply);
                }
                throw new SignerSilentException("no reply from the signer on /dev/pts/9 after 3 tries (is it running?)");
            } finally {
                line.clear(); // what arrived while the line was open and was not read is gone at close
            }
        }

        @Override
        public boolean keyKnownBeforeSigning() {
            return false;
        }

        @Override
        public String describe() {
            return "a pihsm-like node on a serial line";
        }
    }

    @Test
    void aBlockWaitingOnTheLineForTheJournaledRequestIsNotLost() throws Exception {
        Network net = new Network(dir, "a", "b");
        PihsmLine node = new PihsmLine(net);
        Publisher.Release release = StalledSignerTest.nextAfterAFirst(net, node);
        IOException killed = new IOException("publisher killed with a's request on the line");
        node.killAfterSending = killed;
        assertThatThrownBy(() -> new Publisher(net.store, node, net.log::add).publish(release)).isSameAs(killed);
        Block waiting = node.line.peek();
        assertThat(waiting).isNotNull();

        try {
            Publisher.Result result = new Publisher(net.store, node, net.log::add).publish(release);
            assertThat(result.block()).isEqualTo(waiting);
        } finally {
            net.log.forEach(line -> System.out.println("publish: " + line));
        }
    }
}
