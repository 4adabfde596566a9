package io.buildchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.VerificationException;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureBatchTest {
    @TempDir
    Path dir;

    final List<SignedRequest> requests = new ArrayList<>();

    @BeforeEach
    void requests() throws Exception {
        SigningKey key = SigningKey.generate(new SecureRandom());
        BuilderChain chain = new BuilderChain(dir);
        for (int i = 0; i < 100; i++) {
            requests.add(chain.request(key, Digest.of(new byte[] {(byte) i}), i + 1));
        }
    }

    static SignedRequest tampered(SignedRequest request) {
        byte[] bytes = request.bytes();
        bytes[bytes.length - 1] ^= 1;
        return SignedRequest.decode(bytes, "tampered");
    }

    SignatureBatch batch(List<SignedRequest> messages) {
        SignatureBatch batch = new SignatureBatch();
        for (int i = 0; i < messages.size(); i++) {
            batch.add(messages.get(i), "request " + i);
        }
        return batch;
    }

    @Test
    void manyValidSignaturesPassOnEveryCore() {
        assertThat(batch(requests).size()).isEqualTo(100);
        assertThatNoException().isThrownBy(() -> batch(requests).verifyAll());
        assertThatNoException().isThrownBy(() -> batch(requests.subList(0, 3)).verifyAll());
    }

    @Test
    void theFirstForgedSignatureInOrderIsReportedWhateverThreadFindsItFirst() {
        List<SignedRequest> messages = new ArrayList<>(requests);
        messages.set(80, tampered(messages.get(80)));
        messages.set(37, tampered(messages.get(37)));
        messages.set(99, tampered(messages.get(99)));
        for (int run = 0; run < 20; run++) {
            assertThatThrownBy(() -> batch(messages).verifyAll()).isInstanceOf(VerificationException.class)
                    .hasMessageStartingWith("request 37: signature does not verify");
        }
    }

    @Test
    void aForgedSignatureInASmallBatchIsFoundToo() {
        List<SignedRequest> messages = new ArrayList<>(requests.subList(0, 5));
        messages.set(4, tampered(messages.get(4)));
        assertThatThrownBy(() -> batch(messages).verifyAll()).hasMessageStartingWith("request 4: signature does not verify");
    }
}
