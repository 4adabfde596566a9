package io.buildchain.bench;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerState;
import io.buildchain.core.chain.SigningNode;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.serial.SerialLine;
import io.buildchain.serial.SerialSigner;
import io.buildchain.serial.SignerDaemon;
import io.buildchain.serial.SocatPtyPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Signing round trips over a socat pty pair against the line-rate limit of the configured baud. A pty
 * moves bytes at memory speed whatever the baud, so the measured time is the protocol's own overhead
 * (signature checks, signing, the audit chain's fsyncs, pty hops); on a real line it adds to the
 * line-rate time. Usage: SerialRoundTrip [REQUESTS] [BAUD].
 */
public final class SerialRoundTrip {
    private SerialRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int baud = args.length > 1 ? Integer.parseInt(args[1]) : SerialLine.DEFAULT_BAUD;
        Path dir = Files.createTempDirectory("buildchain-serial-bench");
        SecureRandom random = new SecureRandom();
        SigningKey signerKey = SigningKey.generate(random);
        SigningKey builder = SigningKey.generate(random);
        BuilderChain chain = new BuilderChain(dir.resolve("builder"));
        List<SignedRequest> prepared = new ArrayList<>();
        for (int i = 0; i < 2 * requests; i++) {
            prepared.add(chain.request(builder, Digest.of(("release " + i).getBytes()), 1700000000L + i));
        }
        try (SocatPtyPair pty = SocatPtyPair.start(dir.resolve("serial"));
                SignerState state = SignerState.open(dir.resolve("state"));
                SerialLine signerLine = SerialLine.open(pty.signerEnd.toString(), baud)) {
            SignerDaemon daemon = new SignerDaemon(signerLine, SigningNode.start(signerKey, state, null, Clock.systemUTC()),
                    line -> { });
            Thread serving = new Thread(() -> {
                try {
                    daemon.serve();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            serving.start();

            List<Double> raw = new ArrayList<>();
            long start = System.nanoTime();
            try (SerialLine client = SerialLine.open(pty.clientEnd.toString(), baud)) {
                for (int i = 0; i < requests; i++) {
                    long t = System.nanoTime();
                    client.write(prepared.get(i).bytes());
                    byte[] reply = client.read(Block.SIZE, SerialLine.TIMEOUT);
                    raw.add((System.nanoTime() - t) / 1e6);
                    if (reply.length != Block.SIZE || !Block.decode(reply, "reply").carries(prepared.get(i))) {
                        throw new IllegalStateException("bad reply to request " + i);
                    }
                }
            }
            double rawSeconds = (System.nanoTime() - start) / 1e9;

            List<Double> perCall = new ArrayList<>();
            SerialSigner signer = new SerialSigner(pty.clientEnd.toString(), baud, signerKey.publicKey(), line -> { });
            for (int i = requests; i < 2 * requests; i++) {
                long t = System.nanoTime();
                signer.sign(prepared.get(i));
                perCall.add((System.nanoTime() - t) / 1e6);
            }
            daemon.stop();
            serving.join();

            double lineRateMs = (SignedRequest.SIZE + Block.SIZE) * 10 * 1000.0 / baud;
            double median = median(raw);
            System.out.printf("serial round trip over a socat pty, %d requests, configured %d baud%n", requests, baud);
            System.out.printf("  line-rate limit: (224 + 400) bytes x 10 bits / %d baud = %.1f ms per signature%n",
                    baud, lineRateMs);
            System.out.printf("  protocol overhead (pty, line kept open): median %.2f ms, p95 %.2f ms, max %.2f ms; "
                    + "%.0f signatures/s%n", median, percentile(raw, 95), Collections.max(raw), requests / rawSeconds);
            System.out.printf("  client as 'buildchain sign' runs it (opens the port each time): median %.2f ms, p95 %.2f ms%n",
                    median(perCall), percentile(perCall, 95));
            System.out.printf("  on a real %d-baud line: %.1f + %.2f = %.1f ms = %.3fx the line-rate limit (target <= 1.10x), "
                    + "about %.1f signatures/s%n", baud, lineRateMs, median, lineRateMs + median,
                    (lineRateMs + median) / lineRateMs, 1000 / (lineRateMs + median));
        }
    }

    private static double median(List<Double> values) {
        return percentile(values, 50);
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
