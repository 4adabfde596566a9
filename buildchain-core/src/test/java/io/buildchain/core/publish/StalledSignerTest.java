package io.buildchain.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BlockSigner;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SignerSilentException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.BlockImport;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signing node that stalls longer than all tries for one request, then signs everything that reached it: the
 * request given up on is signed late, its block arriving on the line while the next agreeing builder's request is
 * being sent (seen in a real Jenkins with the node stopped for 80 s: that release was lost, as the publisher signed
 * the second request too and the recount rightly refused to count the first builder again).
 */
class StalledSignerTest {
    @TempDir
    Path dir;

    /**
     * The node as the publisher meets it over a serial line: it signs every request that reaches it, but the replies to
     * the first {@code silences} builder requests come only during the next call, twice (the node answers each resent
     * copy with the same block). A caller that does not take late blocks gets them stored, as the Jenkins plugin
     * stored them before.
     */
    static final class StalledNode implements BlockSigner {
        final Network net;
        final LocalSigner node;
        final List<Block> signed = new ArrayList<>();
        final List<Block> undelivered = new ArrayList<>();
        int silences;
        /** Refusals met with silence, as a serial node refuses (each costs all tries of the reply timeout). */
        int silentRefusals;
        /** Thrown once, after the node signed the next builder request: the controller stopped meanwhile. */
        IOException lostOnTheLine;

        /**
         * The blocks signed, by their request: {@code buildchain signer} answers each again while it runs, so a
         * controller that restarts meets the same memory; null for a node of pihsm's kind, which answers again only
         * its very last request.
         */
        final Map<String, Block> remembered;

        StalledNode(Network net, int silences) {
            this(net, silences, new HashMap<>());
        }

        StalledNode(Network net, int silences, Map<String, Block> remembered) {
            this.net = net;
            this.node = net.signer();
            this.silences = silences;
            this.remembered = remembered;
        }

        /** The same running node, as a restarted controller meets it. */
        StalledNode sameNode() {
            return new StalledNode(net, 0, remembered);
        }

        @Override
        public Block sign(SignedRequest request) throws IOException {
            return sign(request, late -> {
                try {
                    BlockImport.put(net.store, late);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        @Override
        public Block sign(SignedRequest request, Consumer<Block> late) throws IOException {
            Block block;
            try {
                Block earlier = remembered == null ? null : remembered.get(request.signatureBase32());
                block = earlier != null ? earlier : node.sign(request);
                if (remembered != null) {
                    remembered.put(request.signatureBase32(), block);
                }
            } catch (SignerRefusedException e) {
                silentRefusals++;
                throw new SignerSilentException("no reply from the signer on /dev/pts/9 after 3 tries (a serial node "
                        + "is silent when it refuses: " + e.getMessage() + ")");
            }
            signed.add(block);
            if (lostOnTheLine != null && net.trusted().contains(request.publicKey())) {
                IOException lost = lostOnTheLine;
                lostOnTheLine = null;
                throw lost;
            }
            for (Block earlier : undelivered) {
                late.accept(earlier);
                late.accept(earlier);
            }
            undelivered.clear();
            if (silences > 0 && net.trusted().contains(request.publicKey())) {
                silences--;
                undelivered.add(block);
                throw new SignerSilentException("no reply from the signer on /dev/pts/9 after 3 tries (is it running?)");
            }
            return block;
        }

        /** As a serial node: the publisher learns its key first. */
        @Override
        public boolean keyKnownBeforeSigning() {
            return false;
        }

        @Override
        public String describe() {
            return "a stalled node";
        }
    }

    ChainVerifier.Report recount(Network net) throws IOException {
        return new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(true, net.trusted(), 2, null));
    }

    /** Publishes release r1 of proj/main through {@code node}; returns release r2 (built, submitted) to publish next. */
    static Publisher.Release nextAfterAFirst(Network net, BlockSigner node) throws IOException {
        new Publisher(net.store, node, net.log::add).publish(new Publisher.Release("proj", "main", 2, net.trusted(),
                net.round("r1", List.of()), Optional.empty()));
        return new Publisher.Release("proj", "main", 2, net.trusted(), net.round("r2", List.of()), Optional.empty());
    }

    /**
     * A publish of {@code release} through {@code stopping} that stops (the controller did) once the node signed the
     * first builder's request, with nobody left to read the block: returns that block.
     */
    static Block stoppedWithARequestOnTheLine(Network net, StalledNode stopping, Publisher.Release release) {
        IOException stopped = new IOException("the controller stopped while the signing node was signing");
        stopping.lostOnTheLine = stopped;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Publisher(net.store, stopping, net.log::add)
                .publish(release)).isSameAs(stopped);
        return stopping.signed.get(stopping.signed.size() - 1);
    }

    Publisher.Result publish(Network net, BlockSigner signer, String release) throws IOException {
        List<Submission> round = net.round(release, List.of());
        return new Publisher(net.store, signer, net.log::add).publish(new Publisher.Release("proj", "main", 2,
                net.trusted(), round, Optional.empty()));
    }

    /**
     * a's request meets a stalled node: before it goes out again the publisher asks the node's key with a request of
     * its own (a node that silent may have restarted with a new key); the node, going on, signs that, and answers a's
     * request sent again with the block it made late, which is the release. No other builder's request is sent.
     */
    @Test
    void aStalledNodeIsAskedItsKeyBeforeTheRequestGoesAgainAndItsLateBlockIsTheRelease() throws Exception {
        Network net = new Network(dir, "a", "b");
        StalledNode node = new StalledNode(net, 1);
        Publisher.Result result = publish(net, node, "r1");

        PublicKey a = net.builders.get("a").publicKey();
        List<PublicKey> sent = node.signed.stream().map(block -> block.request().publicKey()).toList();
        assertThat(sent).as("probe, a (given up on, signed late), probe again, a again (answered with its block), "
                + "checkpoint").hasSize(5).containsOnly(a, sent.get(0));
        assertThat(sent.get(1)).isEqualTo(a);
        assertThat(sent.get(2)).isNotEqualTo(a);
        assertThat(sent.get(3)).isEqualTo(a);
        assertThat(result.block().counter()).isEqualTo(2);
        assertThat(result.block().request().publicKey()).isEqualTo(a);
        assertThat(net.store.tail("proj", "main")).contains(result.block());
        assertThat(net.log).anyMatch(line -> line.endsWith("asking a stalled node which key it signs with before "
                + "sending the request again"));
        assertThat(recount(net).release().block()).isEqualTo(result.block());
        Publisher.Result next = publish(net, net.signer(), "r2");
        assertThat(recount(net).release().block()).isEqualTo(next.block());
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }

    /**
     * The same stall before a node of pihsm's kind: it does not answer a's request again (its last request is the
     * probe), so b's is signed; a's block, stored when it came late, is the release and b's only a link of the chain.
     */
    @Test
    void aStalledNodeOfPihsmsKindGivesTheReleaseToTheLateBlockAndTheNextIsOnlyALink() throws Exception {
        Network net = new Network(dir, "a", "b");
        StalledNode node = new StalledNode(net, 1, null);
        Publisher.Result result = publish(net, node, "r1");

        assertThat(result.block().counter()).isEqualTo(2);
        assertThat(result.block().request().publicKey()).isEqualTo(net.builders.get("a").publicKey());
        Block link = node.signed.stream().filter(block -> block.request().publicKey()
                .equals(net.builders.get("b").publicKey())).findFirst().orElseThrow();
        assertThat(net.store.blockPath(link.signature())).exists();
        assertThat(net.store.evidencePath(link)).doesNotExist();
        assertThat(net.log).contains("block 2 carries a request of this release signed before: it is the release; "
                + "block " + link.counter() + " is only a link of the chain");
        assertThat(recount(net).release().block()).isEqualTo(result.block());
        Publisher.Result next = publish(net, net.signer(), "r2");
        assertThat(recount(net).release().block()).isEqualTo(next.block());
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }

    /**
     * Stalled twice, with three builders: a's request and its answer again both come late, b's request is sent (after
     * the key is asked again) and a's late block finishes the release: c's request never goes out.
     */
    @Test
    void aLateBlockAloneFinishesTheReleaseWithoutAskingAnotherBuilder() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        StalledNode node = new StalledNode(net, 2);
        Publisher.Result result = publish(net, node, "r1");

        assertThat(result.block().request().publicKey()).isEqualTo(net.builders.get("a").publicKey());
        assertThat(node.signed).extracting(b -> b.request().publicKey())
                .doesNotContain(net.builders.get("c").publicKey());
        assertThat(recount(net).release().block()).isEqualTo(result.block());
        Publisher.Result next = publish(net, net.signer(), "r2");
        assertThat(recount(net).release().block()).isEqualTo(next.block());
    }

    /**
     * The controller stopped while a builder's request was on the line; the node signed it meanwhile. The resumed
     * publish learns the node's key with a request of its own first, then sends the journaled request again: the
     * running node answers it with the block it made, which becomes the release and fills the chain.
     */
    @Test
    void aRequestOnTheLineWhenThePublisherStoppedIsAskedForAfterTheKeyProbe() throws Exception {
        Network net = new Network(dir, "a", "b");
        Publisher.Release release = nextAfterAFirst(net, new StalledNode(net, 0));
        StalledNode stopping = new StalledNode(net, 0);
        Block signedMeanwhile = stoppedWithARequestOnTheLine(net, stopping, release);

        StalledNode resumed = stopping.sameNode();
        Publisher.Result result = new Publisher(net.store, resumed, net.log::add).publish(release);
        assertThat(resumed.signed.get(0).request().publicKey()).as("the first request after the restart is the "
                + "publisher's own key probe").isNotIn(net.trusted().keys());
        assertThat(resumed.signed.get(1)).isEqualTo(signedMeanwhile);
        assertThat(result.block()).isEqualTo(signedMeanwhile);
        assertThat(recount(net).release().block()).isEqualTo(signedMeanwhile);
        publish(net, new StalledNode(net, 0), "r3");
        assertThat(recount(net).chainLength()).isEqualTo(recount(net).release().block().counter());
    }

    /**
     * The same stop before a node of pihsm's kind, which answers again only its very last request (by then the key
     * probe): the block it made for the journaled request stays on the node until {@code import-blocks} brings it in,
     * and is then the release. The block the node signed later for the other builder's request is only a link, so the
     * recount counts no request twice.
     */
    @Test
    void aNodeThatAnswersOnlyItsLastRequestAgainGivesTheReleaseThroughImportBlocks() throws Exception {
        Network net = new Network(dir, "a", "b");
        Publisher.Release release = nextAfterAFirst(net, new StalledNode(net, 0, null));
        StalledNode stopping = new StalledNode(net, 0, null);
        Block signedMeanwhile = stoppedWithARequestOnTheLine(net, stopping, release);

        StalledNode resumed = new StalledNode(net, 0, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Publisher(net.store, resumed, net.log::add)
                .publish(release)).isInstanceOf(ChainIncompleteException.class).hasMessageContaining(
                        "signer counters with no block in the store: " + signedMeanwhile.counter())
                .hasMessageContaining("buildchain import-blocks --store");
        assertThat(resumed.signed.get(0).request().publicKey()).as("the key probe goes first")
                .isNotIn(net.trusted().keys());
        assertThat(net.store.tail("proj", "main")).isNotEqualTo(Optional.of(resumed.signed.get(1)));

        BlockImport.into(net.store, List.of(net.signerState.resolve("chain")));
        Publisher.Result result = new Publisher(net.store, new StalledNode(net, 0, null), net.log::add).publish(release);
        assertThat(result.block()).isEqualTo(signedMeanwhile);
        assertThat(net.log).anyMatch(line -> line.startsWith("block " + signedMeanwhile.counter() + " carries a request "
                + "of this release signed before: it is the release; block "));
        assertThat(recount(net).release().block()).isEqualTo(signedMeanwhile);
        Publisher.Result next = publish(net, new StalledNode(net, 0, null), "r3");
        assertThat(recount(net).release().block()).isEqualTo(next.block());
        assertThat(recount(net).chainLength()).isEqualTo(next.block().counter());
        assertThat(net.store.root().resolve("pending")).isEmptyDirectory();
    }

    /**
     * A publish after a buildchainSign: the publisher's last own request is no longer the node's last, so asked again
     * it meets silence for all tries (a minute with a Raspberry Pi's timeout) before the probe's new request goes.
     */
    @Test
    void afterAnotherSigningTheKeyProbeDoesNotAskAStaleOwnRequestAgain() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        StalledNode node = new StalledNode(net, 0);
        publish(net, node, "r1");
        Submission alone = net.build("c", "signed alone", java.util.Map.of("app.bin", "c"));
        Block signed = node.sign(SignedRequest.decode(alone.request(), "c"));
        try (var lock = net.store.lock()) {
            io.buildchain.core.root.KeyChangeGuard.admit(net.store, signed); // as buildchainSign stores its block
        }
        Publisher.Result next = publish(net, node, "r2");
        assertThat(node.silentRefusals).isZero();
        assertThat(recount(net).release().block()).isEqualTo(next.block());
    }
}
