package io.buildchain.jenkins.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.build.BuildNode;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.intoto.BuildLink;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.intoto.Provenance;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code buildchainManifest inToto: true} offline: each agent signs its link and provenance with its own builder key
 * where the key is ({@link BuildOnAgent}), they cross the channel with the request, the run records them, and the
 * publish keeps the agreeing builders' in the store's release/MANIFEST/in-toto/ as buildchainPublish does.
 */
class InTotoOnAgentTest {
    static final String REVISION = "0123456789abcdef0123456789abcdef01234567";
    @TempDir
    Path dir;

    BuildOnAgent.Reply build(String agent, String jar, boolean inToto, String revision) throws Exception {
        Path dist = Files.createDirectories(dir.resolve(agent + "/workspace/dist"));
        Files.writeString(dist.resolve("app.jar"), jar);
        BuildOnAgent callable = new BuildOnAgent(dir.resolve(agent + "/root/buildchain").toString(), 1700000000L, null,
                1700000100L, Map.of(), agent, dist.toString()).withRelease("hello", "main", "7", revision).withInToto(inToto);
        return AgentCallablesTest.overTheChannel(AgentCallablesTest.overTheChannel(callable).invoke(dist.toFile(), null));
    }

    @Test
    void eachAgentSignsItsLinkWhichTheRunRecordsAndThePublishKeepsForTheAgreeingBuilders() throws Exception {
        RunRecord record = new RunRecord(dir.resolve("run"));
        Map<PublicKey, String> trusted = new LinkedHashMap<>();
        for (String agent : List.of("linux-a", "linux-b", "linux-c")) {
            BuildOnAgent.Reply built = build(agent, agent.equals("linux-c") ? "odd" : "same", true, REVISION);
            PublicKey key = PublicKey.parse(built.builderKey(), "key");
            trusted.put(key, agent);
            BuilderAttestations attestations = built.attestations().orElseThrow();
            // Signed on the agent by its builder key, for exactly its files and the release record's revision.
            Path dist = dir.resolve(agent + "/workspace/dist");
            Manifest manifest = Manifest.parseCanonical(built.manifest(), "manifest");
            attestations.check(key, BuildLink.products(manifest, dist::resolve), ReleaseRecord.of(manifest,
                    Files.readAllBytes(dist.resolve(ReleaseRecord.NAME)), "record"), agent);
            record.reserve(agent);
            record.recordSource(agent, dist.toString());
            record.recordAttestations(agent, attestations);
            record.record(agent, agent, built.manifest(), built.request(), Optional.of(built.buildinfo()));
        }
        assertThat(record.attestations(line -> { })).hasSize(3);

        Store store = Store.open(dir.resolve("store"));
        Publisher publisher = new Publisher(store, new LocalSigner(SigningKey.generate(new SecureRandom()),
                dir.resolve("signer-state"), null, Clock.systemUTC()), line -> { });
        var submissions = new ArrayList<>(record.votes().stream().map(e -> e.submission()).toList());
        Publisher.Result result = publisher.publish(new Publisher.Release("hello", "main", 2, KeyList.of(trusted),
                submissions, Optional.of(dir.resolve("linux-a/workspace/dist"))));
        List<String> reported = new ArrayList<>();
        List<Path> kept = ReleaseAttestations.record(store, result.decision(), record.attestations(reported::add), reported::add);
        assertThat(reported).isEmpty();
        // linux-a and linux-b agreed: their links and provenance are kept; linux-c's dissenting ones are not.
        assertThat(kept.stream().map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(
                BuildLink.fileName(key(trusted, "linux-a")), BuildLink.fileName(key(trusted, "linux-b")),
                Provenance.fileName(key(trusted, "linux-a")),
                Provenance.fileName(key(trusted, "linux-b")));
    }

    @Test
    void withoutInTotoNothingIsSignedAndARevisionThatIsNoCommitIdSpendsNoRequest() throws Exception {
        assertThat(build("plain", "same", false, REVISION).attestations()).isEmpty();
        BuildOnAgent.Reply first = build("agent", "same", true, REVISION);
        assertThatThrownBy(() -> build("agent", "same", true, "v1.0-tag")).hasMessageContaining("v1.0-tag");
        BuildOnAgent.Reply next = build("agent", "same", true, REVISION);
        assertThat(SignedRequest.decode(next.request(), "r").counter())
                .isEqualTo(SignedRequest.decode(first.request(), "r").counter() + 1);
    }

    /** An agent (malicious or broken) that replies with a link and no provenance: none, not a NullPointerException. */
    @Test
    void aReplyWithOnlyOneOfTheTwoCarriesNoAttestations() throws Exception {
        for (boolean linkOnly : List.of(true, false)) {
            BuildOnAgent.Reply reply = AgentCallablesTest.overTheChannel(new BuildOnAgent.Reply(new BuildNode.Output(
                    new byte[0], new byte[0], "key", "digest", 0, false, new byte[0], new byte[0],
                    linkOnly ? "link".getBytes() : null, linkOnly ? null : "provenance".getBytes())));
            assertThat(reply.attestations()).isEmpty();
        }
    }

    static PublicKey key(Map<PublicKey, String> trusted, String agent) {
        return trusted.entrySet().stream().filter(e -> e.getValue().equals(agent)).findFirst().orElseThrow().getKey();
    }
}
