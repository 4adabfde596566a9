package io.buildchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningNodeTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1700000000L), ZoneOffset.UTC);
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    final SigningKey signer = SigningKey.generate(RANDOM);
    final SigningKey builder = SigningKey.generate(RANDOM);

    SignedRequest request(String stateName, SigningKey key, String content) throws Exception {
        return new BuilderChain(dir.resolve(stateName)).request(key, Digest.of(content.getBytes()), 1700000000L);
    }

    SigningNode.Outcome sign(SignedRequest request, KeyList allow) throws Exception {
        return new LocalSigner(signer, dir.resolve("signer"), allow, CLOCK).handle(request);
    }

    @Test
    void signsAChainWithContinuousCountersAndResumesAfterRestart() throws Exception {
        Block previous = null;
        for (int i = 1; i <= 5; i++) {
            SignedRequest request = request("b", builder, "release " + i);
            assertThat(request.counter()).isEqualTo(i);
            Block block = ((SigningNode.Outcome.Signed) sign(request, null)).block();
            assertThat(block.counter()).isEqualTo(i);
            assertThat(block.carries(request)).isTrue();
            assertThat(block.signatureValid()).isTrue();
            assertThat(block.timestamp()).isEqualTo(1700000000L);
            assertThat(block.previous()).isEqualTo(previous == null ? Genesis.create(signer).signature() : previous.signature());
            previous = block;
        }
        // Each sign() above reopened the state directory: a restart resumes the same chain.
        ChainStore audit = ChainStore.open(dir.resolve("signer/chain"));
        assertThat(audit.get(previous.signature())).contains(previous.bytes());
        assertThat(audit.get(Genesis.create(signer).signature())).contains(Genesis.create(signer).bytes());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(audit.pathOf(previous.signature()))))
                .isEqualTo("r--r--r--");
    }

    @Test
    void repeatOfLastRequestReturnsTheSameBlockWithoutSigningAgain() throws Exception {
        SignedRequest request = request("b", builder, "x");
        Block first = ((SigningNode.Outcome.Signed) sign(request, null)).block();
        SigningNode.Outcome again = sign(request, null);
        assertThat(again).isInstanceOf(SigningNode.Outcome.Repeated.class);
        assertThat(((SigningNode.Outcome.Repeated) again).block()).isEqualTo(first);
    }

    @Test
    void refusesAReplayedOlderRequest() throws Exception {
        SignedRequest old = request("b", builder, "one");
        SignedRequest newer = request("b", builder, "two");
        assertThat(sign(newer, null)).isInstanceOf(SigningNode.Outcome.Signed.class);
        assertThat(sign(old, null)).isInstanceOf(SigningNode.Outcome.Refused.class).asString()
                .contains("replayed or out-of-date", "counter 1", "2 was already signed");
        SignedRequest other = request("c", SigningKey.generate(RANDOM), "three");
        assertThat(sign(other, null)).isInstanceOf(SigningNode.Outcome.Signed.class);
        // A node started again (each sign() here) knows only its last block: the newer request is a replay now.
        assertThat(sign(newer, null)).isInstanceOf(SigningNode.Outcome.Refused.class);
    }

    @Test
    void aRequestSignedSinceTheNodeStartedGetsItsBlockAgainAfterOthers() throws Exception {
        try (SignerState state = SignerState.open(dir.resolve("signer"))) {
            SigningNode node = SigningNode.start(signer, state, null, CLOCK);
            SignedRequest first = request("b", builder, "one");
            Block signed = ((SigningNode.Outcome.Signed) node.handle(first.bytes())).block();
            assertThat(node.handle(request("c", SigningKey.generate(RANDOM), "two").bytes()))
                    .isInstanceOf(SigningNode.Outcome.Signed.class);
            // A client whose reply was lost asks again: it gets its block, and nothing new is signed.
            SigningNode.Outcome again = node.handle(first.bytes());
            assertThat(again).isInstanceOf(SigningNode.Outcome.Repeated.class);
            assertThat(((SigningNode.Outcome.Repeated) again).block()).isEqualTo(signed);
            assertThat(node.handle(request("b", builder, "three").bytes())).isInstanceOf(SigningNode.Outcome.Signed.class);
        }
    }

    @Test
    void allowListRefusesOtherBuilders() throws Exception {
        KeyList allow = KeyList.of(Map.of(builder.publicKey(), "builder"));
        assertThat(sign(request("b", builder, "x"), allow)).isInstanceOf(SigningNode.Outcome.Signed.class);
        SigningKey stranger = SigningKey.generate(RANDOM);
        assertThat(sign(request("s", stranger, "x"), allow)).isInstanceOf(SigningNode.Outcome.Refused.class).asString()
                .contains("not on the allow-list");
    }

    @Test
    void refusesBadSizeBadSignatureAndZeroCounter() throws Exception {
        try (SignerState state = SignerState.open(dir.resolve("signer"))) {
            SigningNode node = SigningNode.start(signer, state, null, CLOCK);
            assertThat(node.handle(new byte[223])).isInstanceOf(SigningNode.Outcome.Refused.class).asString()
                    .contains("224");
            byte[] tampered = request("b", builder, "x").bytes();
            tampered[200] ^= 1;
            assertThat(node.handle(tampered)).isInstanceOf(SigningNode.Outcome.Refused.class).asString()
                    .contains("signature does not verify");
            byte[] zero = request("b", builder, "y").bytes();
            java.util.Arrays.fill(zero, 160, 168, (byte) 0);
            System.arraycopy(builder.sign(zero, 64, 160), 0, zero, 0, 64);
            assertThat(node.handle(zero)).isInstanceOf(SigningNode.Outcome.Refused.class).asString().contains("counter is 0");
            assertThat(node.counter()).isZero();
        }
    }

    @Test
    void aNewKeyStartsANewChainInTheSameAuditStore() throws Exception {
        sign(request("b", builder, "x"), null);
        SigningKey restarted = SigningKey.generate(RANDOM);
        Block block = (Block) ((SigningNode.Outcome.Signed) new LocalSigner(restarted, dir.resolve("signer"), null, CLOCK)
                .handle(request("b", builder, "y"))).block();
        assertThat(block.counter()).isEqualTo(1);
        assertThat(block.previous()).isEqualTo(Genesis.create(restarted).signature());
    }

    @Test
    void builderStateBelongsToOneKey() throws Exception {
        request("b", builder, "x");
        assertThatThrownBy(() -> request("b", SigningKey.generate(RANDOM), "y"))
                .hasMessageContaining("use one --state directory per key");
    }

    @Test
    void chainStorePathsFollowPihsm() throws Exception {
        ChainStore store = ChainStore.open(dir.resolve("store"));
        assertThat(store.pathOf(new byte[15])).isEqualTo(dir.resolve("store/AA/" + "A".repeat(22)));
        try (var entries = Files.list(dir.resolve("store"))) {
            assertThat(entries.count()).isEqualTo(1024 + 1);
        }
    }
}
