package io.buildchain.serial;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.chain.ChainSigner;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.SigningKey;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The signing node's frame reader under noise, partial frames and arbitrary chunking: every real request on
 * the line is found once and in order, nothing else is ever taken for one, every other byte is counted as
 * noise, and the buffer never grows past its capacity.
 */
class RequestFramerFuzzTest {
    private static final SigningKey BUILDER = SigningKey.fromSeed(new byte[32]);
    /** Each noise byte can cost a signature check: keep inputs small enough for thousands of runs a second. */
    private static final int MAX_NOISE = 512;

    @FuzzTest(maxDuration = "10m")
    void noiseAndRequests(FuzzedDataProvider data) {
        ChainSigner signer = ChainSigner.startingAt(Genesis.create(BUILDER), BUILDER);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<byte[]> sent = new ArrayList<>();
        int noise = 0;
        int pieces = data.consumeInt(0, 6);
        for (int i = 0; i < pieces; i++) {
            if (data.consumeBoolean()) {
                byte[] request = signer.sign(data.consumeBytes(48), data.consumeLong());
                if (request.length == SignedRequest.SIZE) {
                    sent.add(request);
                    line.writeBytes(request);
                }
            } else {
                byte[] junk = data.consumeBytes(Math.max(0, MAX_NOISE - noise));
                noise += junk.length;
                line.writeBytes(junk);
            }
        }
        byte[] bytes = line.toByteArray();

        RequestFramer framer = new RequestFramer();
        List<byte[]> found = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int chunk = Math.min(data.remainingBytes() > 0 ? data.consumeInt(1, 700) : 700, framer.room());
            int count = Math.min(chunk, bytes.length - at);
            framer.feed(bytes, at, count).forEach(frame -> found.add(frame.request().bytes()));
            at += count;
            assertThat(framer.buffered()).isBetween(0, RequestFramer.CAPACITY);
        }
        int left = framer.dropPartial();

        assertThat(found).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(Arrays.equals(found.get(i), sent.get(i))).as("request %d", i).isTrue();
        }
        assertThat(framer.noiseBytes()).isEqualTo(bytes.length - (long) sent.size() * SignedRequest.SIZE);
        assertThat(left).isLessThan(SignedRequest.SIZE + MAX_NOISE + 1);
    }

    /** Bytes from anyone: nothing is a request unless its own key signed it; no input throws or overflows. */
    @FuzzTest(maxDuration = "10m")
    void arbitraryBytes(byte[] input) {
        RequestFramer framer = new RequestFramer();
        int at = 0;
        int taken = 0;
        while (at < input.length) {
            int count = Math.min(Math.min(1 + (input[at] & 0xFF), framer.room()), input.length - at);
            for (RequestFramer.Frame frame : framer.feed(input, at, count)) {
                assertThat(frame.request().signatureValid()).isTrue();
                taken += SignedRequest.SIZE;
            }
            at += count;
            assertThat(framer.buffered()).isBetween(0, RequestFramer.CAPACITY);
        }
        assertThat(framer.noiseBytes() + framer.buffered() + taken).isEqualTo(input.length);
    }
}
