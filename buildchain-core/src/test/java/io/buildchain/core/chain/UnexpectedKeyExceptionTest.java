package io.buildchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Jenkins agent's serial signer throws this to the controller through remoting's serialization: the block of the
 * new key must come across (in a real Jenkins it arrived null, and the publisher failed with a NullPointerException
 * instead of the key-change refusal).
 */
class UnexpectedKeyExceptionTest {
    @TempDir
    Path dir;

    @Test
    void theNewKeysBlockSurvivesSerialization() throws Exception {
        SecureRandom random = new SecureRandom();
        SigningKey builder = SigningKey.generate(random);
        SignedRequest request = new BuilderChain(dir.resolve("builder")).request(builder,
                Digest.of("manifest".getBytes(StandardCharsets.UTF_8)), 1700000000L);
        Block block = new LocalSigner(SigningKey.generate(random), dir.resolve("signer"), null, Clock.systemUTC())
                .sign(request);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new UnexpectedKeyException("signer on /dev/ttyUSB0 signs with key X", block));
        }
        UnexpectedKeyException received;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            received = (UnexpectedKeyException) in.readObject();
        }
        assertThat(received.getMessage()).isEqualTo("signer on /dev/ttyUSB0 signs with key X");
        assertThat(received.block()).isEqualTo(block);
    }
}
