package io.buildchain.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stale copy of the old key's answer to the publisher's last own request, left in the client's pty buffer (a retry
 * answered twice: SerialSigner sends a request up to 3 times and the node answers each copy), must not pass for the
 * answer of a node restarted since with a new key (an adversarial read found the key probe re-asked that request and
 * so "learned" the old key, and the builders' requests went to the new, uncertified key, which signed them). The probe
 * is a new request each time: no old block carries it.
 */
class StaleReplyKeyProbeTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    final Map<String, SigningKey> builders = new LinkedHashMap<>();

    List<Submission> round(String release) throws Exception {
        List<Submission> submissions = new ArrayList<>();
        for (Map.Entry<String, SigningKey> builder : builders.entrySet()) {
            Path dist = dir.resolve("nodes").resolve(builder.getKey()).resolve(release);
            Files.createDirectories(dist);
            Files.writeString(dist.resolve("app.bin"), "binary of " + release);
            Manifest manifest = new TreeHasher(1).manifest(dist, 1_700_000_000L);
            SignedRequest request = new BuilderChain(dir.resolve("nodes").resolve(builder.getKey()).resolve("state"))
                    .request(builder.getValue(), manifest.digest(), 1_700_000_000L);
            submissions.add(new Submission(builder.getKey(), manifest.render(), request.bytes(), Optional.of(dist)));
        }
        return submissions;
    }

    KeyList trusted() {
        Map<PublicKey, String> labels = new LinkedHashMap<>();
        builders.forEach((name, key) -> labels.put(key.publicKey(), name));
        return KeyList.of(labels);
    }

    static void signal(String name, SocatPtyPair pty) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pty.relay().pid())).start().waitFor())
                .isZero();
    }

    @Test
    void aStaleOldKeyAnswerOnTheLineDoesNotLetTheNewKeySignABuilderRequest() throws Exception {
        builders.put("a", SigningKey.generate(RANDOM));
        builders.put("b", SigningKey.generate(RANDOM));
        Store store = Store.open(dir.resolve("store"));
        List<String> log = new ArrayList<>();
        try (SocatPtyPair pty = SocatPtyPair.start(dir.resolve("serial"))) {
            PublicKey oldKey;
            try (RunningSigner first = new RunningSigner(pty.signerEnd, dir.resolve("state-1"), null)) {
                oldKey = first.key.publicKey();
                SerialSigner client = new SerialSigner(pty.clientEnd.toString(), SerialLine.DEFAULT_BAUD, oldKey,
                        Duration.ofMillis(500), log::add);
                new Publisher(store, client, log::add).publish(new Publisher.Release("p", "main", 2, trusted(),
                        round("r1"), Optional.empty()));
            }
            // The old node's answer to the publisher's last own request (the checkpoint's), arriving again while no
            // publisher has the line open (a retry's second copy answered after the client returned, or a stalled
            // node answering a publisher killed with that request on the line): the kernel keeps it for the next
            // open. Written here as the node writes it: the same 400 bytes, from the signer's end.
            byte[] answer = io.buildchain.core.root.SignerHead.read(io.buildchain.core.verify.StoreReader.of(
                    store.root())).orElseThrow().bytes();
            try (SerialLine node = SerialLine.open(pty.signerEnd.toString(), SerialLine.DEFAULT_BAUD)) {
                node.write(answer);
                Thread.sleep(300);
            }
            // The node restarts: a new key, nobody certified it.
            try (RunningSigner restarted = new RunningSigner(pty.signerEnd, dir.resolve("state-2"), null)) {
                SerialSigner pinnedOld = new SerialSigner(pty.clientEnd.toString(), SerialLine.DEFAULT_BAUD, oldKey,
                        Duration.ofMillis(500), log::add);
                assertThatThrownBy(() -> new Publisher(store, pinnedOld, log::add).publish(new Publisher.Release("p",
                        "main", 2, trusted(), round("r2"), Optional.empty()))).hasMessageContaining("signs with key "
                                + restarted.key.publicKey());
                for (SigningKey builder : builders.values()) {
                    assertThat(restarted.log).as("the new, uncertified key signed no builder's request")
                            .noneMatch(line -> line.contains("signed block") && line.contains("builder "
                                    + builder.publicKey()));
                }
            }
        }
    }
}
