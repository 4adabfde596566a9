package io.buildchain.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.CountedNote;
import io.buildchain.core.log.EvidenceNote;
import io.buildchain.core.log.LogWriter;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.RequestLedger;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.testing.Network;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.StoreRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24, "evidence withheld": a Jenkins job's view of the shared store ({@code JOB_URL/buildchain/}, routed by
 * {@link StoreRoutes} with the job's scope) serves only its own releases' evidence, yet {@code verify --quorum} must
 * still know which requests another project's earlier release on the same signer chain counted.
 */
class ScopedEvidenceTest {
    @TempDir
    Path dir;

    Network net;
    List<Submission> secretRound;
    Publisher.Result secret;

    /** Another job's project releases first on the one signer chain, with every builder's request in its evidence. */
    @BeforeEach
    void anotherProjectReleasesFirst() throws Exception {
        net = new Network(dir, "a", "b", "c");
        secretRound = net.round("s1", List.of());
        secret = net.publisher().publish(new Publisher.Release("secret", "main", 2, net.trusted(), secretRound,
                Optional.empty()));
    }

    /** The job publishing project "proj" (and the same scoping code its Jenkins view runs). */
    StoreReader jobView() {
        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/job/p/buildchain/", "http://j/job/p/buildchain/",
                true), (project, branch) -> project.equals("proj"));
        return new RoutedReader(routes);
    }

    ChainVerifier.Report verify(StoreReader store) throws IOException {
        return new ChainVerifier(store, net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(false, net.trusted(), 2, null));
    }

    Path note(String name) {
        Path file = LogWriter.directory(net.store, net.signerKey.publicKey()).resolve(name);
        file.toFile().setWritable(true);
        return file;
    }

    @Test
    void theJobViewRecountsWhenAnotherProjectReleasedEarlierOnTheChain() throws Exception {
        net.publish("r1", 2);
        StoreReader view = jobView();
        assertThatThrownBy(() -> view.read("quorum/" + secret.block().signatureBase32() + ".json", 1 << 20))
                .as("another job's evidence stays hidden").isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> view.read("object/" + secret.block().digest().base32(), 1 << 20))
                .isInstanceOf(NoSuchFileException.class);

        assertThat(verify(view).quorum()).contains("3 of your 3 trusted builders");
        // The list stands in for the hidden evidence only: the whole store recounts the same.
        assertThat(verify(StoreReader.of(net.store.root())).quorum()).contains("3 of your 3 trusted builders");
    }

    /**
     * A publisher without the ledger re-signs a request the other project's release counted, as a release of "proj":
     * the job view shows that manifest (it is the replay's), so the hidden evidence of its first release is refused.
     */
    @Test
    void aRequestCountedInAnotherProjectsReleaseIsStillRefusedThroughTheJobView() throws Exception {
        Submission unused = secretRound.stream().filter(s -> !secret.block().carries(SignedRequest.decode(s.request(),
                "r"))).findFirst().orElseThrow();
        Evidence old = Evidence.parse(Files.readAllBytes(net.store.evidencePath(secret.block())), "e");
        Block replay = releaseWithoutLedger(unused, new Evidence(old.format(), "proj", "main", old.quorum(),
                old.manifest(), null, old.trusted(), old.submissions(), old.divergence(), old.explanations(),
                old.operators()));

        assertThat(jobView().read("quorum/" + replay.signatureBase32() + ".json", 1 << 20)).isNotEmpty();
        assertThatThrownBy(() -> verify(jobView())).isInstanceOfSatisfying(TrustRefusal.class, e -> assertThat(
                e.getMessage()).startsWith("evidence withheld: ").contains(secret.block().signatureBase32()));
        assertThatThrownBy(() -> verify(StoreReader.of(net.store.root())))
                .hasMessageContaining("quorum not met: 0 of your trusted builders");
    }

    /**
     * Requests older than ones the other project's hidden release counted (each builder signed them first and they
     * were held back) count zero through the job view, from the note's list, as they do over the whole store.
     */
    @Test
    void requestsOlderThanOnesAHiddenReleaseCountedCountZeroThroughTheJobView() throws Exception {
        releaseHeldBack(heldBackBeforeTheOtherRelease("held-back"));

        assertThatThrownBy(() -> jobView().read("quorum/" + secret.block().signatureBase32() + ".json", 1 << 20))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> verify(jobView())).hasMessageContaining("quorum not met: 0 of your trusted builders");
        assertThatThrownBy(() -> verify(StoreReader.of(net.store.root())))
                .hasMessageContaining("quorum not met: 0 of your trusted builders");
    }

    /**
     * The publisher's request key (with the signer) signs a list that forgets what the other project's hidden release
     * counted, so that requests held back before it count again: a client that recounted that release before refuses
     * it, as it refused the hidden evidence before the list existed; so does any client shown the evidence beside it.
     */
    @Test
    void aListThatForgetsWhatAHiddenReleaseCountedIsRefused() throws Exception {
        List<Submission> heldBack = heldBackBeforeTheOtherRelease("forgetting");
        // One builder's release of proj, which counts nothing the others held back: a client verifies it.
        net.publisher().publish(new Publisher.Release("proj", "main", 1, net.trusted(), List.of(net.build("a", "r0",
                Map.of("app.bin", "binary of r0"))), Optional.empty()));
        ClientState seen = new ClientState(dir.resolve("seen"));
        assertThat(verify(jobView(), seen, 1).quorum()).contains("1 of your 3");
        ClientState seenWithoutRecount = new ClientState(dir.resolve("seen-without-recount"));
        new ChainVerifier(jobView(), net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(false, null, 0, seenWithoutRecount));

        releaseHeldBack(heldBack);
        Path file = note(CountedNote.FILE);
        PublicKey signer = net.signerKey.publicKey();
        Checkpoint checkpoint = Checkpoint.parse(Files.readAllBytes(note("checkpoint")), signer, "checkpoint");
        CountedNote honest = CountedNote.parse(Files.readAllBytes(file), checkpoint, "counted").orElseThrow();
        Map<String, List<RequestLedger.Counted>> forgetful = new LinkedHashMap<>(honest.counted());
        forgetful.put(secret.block().signatureBase32(), List.of());
        Files.write(file, new CountedNote(honest.size(), honest.root(), forgetful).render(signer,
                LogWriter.requestKey(net.store, net.log::add)));

        assertThat(verify(jobView(), null, 2).quorum()).as("a first-time client has only the publisher's word")
                .contains("2 of your 3");
        for (ClientState state : List.of(seen, seenWithoutRecount)) {
            assertThatThrownBy(() -> verify(jobView(), state, 2)).isInstanceOfSatisfying(TrustRefusal.class, e -> {
                assertThat(e.cause()).isEqualTo(TrustRefusal.Cause.EVIDENCE_WITHHELD);
                assertThat(e.getMessage()).doesNotContain("\n").contains(secret.block().signatureBase32()
                        .substring(0, 16), "than seen before");
            });
        }
        assertThatThrownBy(() -> verify(StoreReader.of(net.store.root()), null, 2)).isInstanceOfSatisfying(
                TrustRefusal.class, e -> assertThat(e.getMessage()).contains("lists other requests",
                        secret.block().signatureBase32()));
    }

    ChainVerifier.Report verify(StoreReader store, ClientState state, int quorum) throws IOException {
        return new ChainVerifier(store, net.signerKey.publicKey()).verify("proj", "main",
                new ChainVerifier.Options(false, net.trusted(), quorum, state));
    }

    /**
     * A mirror serves the log as it was before the other project's release (an older, consistent checkpoint, notes and
     * all), so that no note binds that release, and hides it whole as a job's view would: nothing signed says what it
     * counted, so it is refused, not read as "counted nothing" (which let the held-back requests count, 2 of 3).
     */
    @Test
    void aHiddenReleaseAfterTheServedCheckpointIsRefused() throws Exception {
        net = new Network(dir.resolve("unbound"), "a", "b", "c");
        List<Submission> heldBack = net.round("r1", List.of());
        net.publisher().publish(new Publisher.Release("proj", "main", 1, net.trusted(), List.of(net.build("a", "r0",
                Map.of("app.bin", "binary of r0"))), Optional.empty()));
        Path log = LogWriter.directory(net.store, net.signerKey.publicKey());
        Map<String, byte[]> before = new LinkedHashMap<>();
        for (String name : List.of("checkpoint", "tree-size", EvidenceNote.FILE, CountedNote.FILE)) {
            before.put(name, Files.readAllBytes(log.resolve(name)));
        }
        secretRound = net.round("s1", List.of());
        secret = net.publisher().publish(new Publisher.Release("secret", "main", 2, net.trusted(), secretRound,
                Optional.empty()));
        releaseHeldBack(heldBack);
        for (Map.Entry<String, byte[]> file : before.entrySet()) {
            Files.write(note(file.getKey()), file.getValue());
        }

        assertThatThrownBy(() -> verify(StoreReader.of(net.store.root()), null, 2))
                .hasMessageContaining("quorum not met: 0 of your trusted builders");
        assertThatThrownBy(() -> verify(jobView(), null, 2)).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(TrustRefusal.Cause.EVIDENCE_WITHHELD);
            assertThat(e.getMessage()).doesNotContain("\n").contains(secret.block().signatureBase32(),
                    "after the store's newest checkpoint");
        });
    }

    /** Each builder signs a request and holds it back; then the other project's release counts newer ones. */
    private List<Submission> heldBackBeforeTheOtherRelease(String name) throws IOException {
        net = new Network(dir.resolve(name), "a", "b", "c");
        List<Submission> heldBack = net.round("r1", List.of());
        secretRound = net.round("s1", List.of());
        secret = net.publisher().publish(new Publisher.Release("secret", "main", 2, net.trusted(), secretRound,
                Optional.empty()));
        return heldBack;
    }

    /**
     * The signer signed only the carried builder's newer request: another builder's older one still gets signed, as a
     * release of proj/main whose evidence records every held-back request.
     */
    private void releaseHeldBack(List<Submission> heldBack) throws IOException {
        Submission unsigned = heldBack.stream().filter(s -> !secret.block().request().publicKey().equals(
                SignedRequest.decode(s.request(), "r").publicKey())).findFirst().orElseThrow();
        net.store.putObject(unsigned.manifest());
        releaseWithoutLedger(unsigned, Evidence.of("proj", "main", Quorum.decide(heldBack, net.trusted(), 2), List.of()));
    }

    /** Signs {@code carried}'s request straight away and stores it as the tail of proj/main with {@code evidence}. */
    private Block releaseWithoutLedger(Submission carried, Evidence evidence) throws IOException {
        Block block = net.signer().sign(SignedRequest.decode(carried.request(), "r"));
        net.store.putBlock(block);
        net.store.putEvidence(block, evidence.withBlock(block.signatureBase32()).toJson());
        net.store.setTail("proj", "main", block);
        new LogWriter(net.store, net.signer(), net.log::add, Clock.systemUTC()).refresh();
        return block;
    }

    @Test
    void aMirrorThatAltersOrDropsTheCountedListIsRefused() throws Exception {
        net.publish("r1", 2);
        Path counted = note("counted");
        String text = Files.readString(counted);
        String line = text.lines().filter(l -> l.startsWith(secret.block().signatureBase32())).findFirst().orElseThrow();
        String key = net.builders.get("b").publicKey().base32();
        assertThat(line).contains(key + ":");

        Files.writeString(counted, text.replace(line + "\n", ""));
        assertThatThrownBy(() -> verify(jobView())).isInstanceOf(VerificationException.class)
                .hasMessageContaining("not signed by the publisher's key");
        Files.writeString(counted, text.replace(line, line.replace(" " + key + ":", " " + key + ":9")));
        assertThatThrownBy(() -> verify(jobView())).isInstanceOf(VerificationException.class)
                .hasMessageContaining("not signed by the publisher's key");
        // Without the list (a store whose notes predate it), the hidden evidence cannot be recounted: one line says so.
        Files.delete(counted);
        assertThatThrownBy(() -> verify(jobView())).isInstanceOfSatisfying(TrustRefusal.class, e -> {
            assertThat(e.cause()).isEqualTo(TrustRefusal.Cause.EVIDENCE_WITHHELD);
            assertThat(e.getMessage()).doesNotContain("\n").contains(secret.block().signatureBase32(),
                    "no note of counted requests lists that release", "the next publish");
        });
        assertThat(verify(StoreReader.of(net.store.root())).quorum()).as("a store that serves every evidence file needs"
                + " no list, as before it existed").contains("3 of your 3");
        Files.writeString(counted, text);
        assertThat(verify(jobView()).quorum()).contains("3 of your 3");
    }

    /** The list of an older checkpoint vouches for nothing beside a newer one: a rolled-back list is refused. */
    @Test
    void aListRolledBackToAnOlderCheckpointIsRefused() throws Exception {
        net.publish("r1", 2);
        byte[] older = Files.readAllBytes(note(CountedNote.FILE));
        assertThat(verify(jobView()).quorum()).contains("3 of your 3");
        net.publish("r2", 2);
        Files.write(note(CountedNote.FILE), older);
        assertThatThrownBy(() -> verify(jobView())).isInstanceOfSatisfying(TrustRefusal.class, e -> assertThat(
                e.getMessage()).contains(secret.block().signatureBase32(), "no note of counted requests lists"));
    }

    /** A store that shows a release but not its bound evidence is withholding it: refused, whatever the note lists. */
    @Test
    void anUnscopedStoreWithholdingEvidenceIsStillRefused() throws Exception {
        net.publish("r1", 2);
        for (Block release : List.of(secret.block(), net.store.tail("proj", "main").orElseThrow())) {
            Path evidence = net.store.evidencePath(release);
            evidence.toFile().setWritable(true);
            byte[] kept = Files.readAllBytes(evidence);
            Files.delete(evidence);
            assertThatThrownBy(() -> verify(StoreReader.of(net.store.root()))).isInstanceOfSatisfying(
                    TrustRefusal.class, e -> assertThat(e.getMessage()).startsWith("evidence withheld: ")
                            .contains(release.signatureBase32() + ".json is missing").doesNotContain("\n"));
            Files.write(evidence, kept);
        }
        assertThat(verify(StoreReader.of(net.store.root())).quorum()).contains("3 of your 3");
    }

    /** A store reader over {@link StoreRoutes}, as a client reads {@code JOB_URL/buildchain/}: a page is a 404. */
    record RoutedReader(StoreRoutes routes) implements StoreReader {
        @Override
        public InputStream open(String path, long maxBytes) throws IOException {
            if (!(routes.resolve(path) instanceof StoreRoutes.StoreFile file)) {
                throw new NoSuchFileException(describe(path));
            }
            if (Files.size(file.file()) > maxBytes) {
                throw new IOException(describe(path) + ": larger than " + maxBytes + " bytes");
            }
            return Files.newInputStream(file.file());
        }

        @Override
        public String describe(String path) {
            return "http://j/job/p/buildchain/" + path;
        }
    }
}
