package io.buildchain.jenkins.agent;

import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.serial.SerialSigner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jenkins.security.MasterToSlaveCallable;

/** Runs on the signer agent: opens its serial port and has the signing node sign one request. */
public final class SignOnAgent extends MasterToSlaveCallable<SignOnAgent.Reply, IOException> {
    private static final long serialVersionUID = 1L;
    private final String port;
    private final int baud;
    private final String expectedKey;
    private final long timeoutMillis;
    private final byte[] request;
    /** Written once (a builder's request: see {@link SerialSigner#signOnce}), else up to {@link SerialSigner#TRIES} times. */
    private final boolean once;

    /**
     * The block, and what the serial client logged (retries, resyncs) for the build log. The log travels as an
     * array: {@code List.copyOf} serializes as {@code java.util.CollSer}, which Jenkins' class filter rejects.
     */
    public static final class Reply implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] block;
        private final String[] log;
        /** Blocks that arrived answering earlier requests (see {@link SerialSigner#sign(SignedRequest, java.util.function.Consumer)}). */
        private final byte[][] strays;

        Reply(byte[] block, List<String> log, List<byte[]> strays) {
            this.block = block.clone();
            this.log = log.toArray(String[]::new);
            this.strays = strays.toArray(byte[][]::new);
        }

        public List<byte[]> strays() {
            return List.of(strays);
        }

        public byte[] block() {
            return block.clone();
        }

        public List<String> log() {
            return List.of(log);
        }
    }

    /**
     * @param expectedKey   the pinned signer key (base32), or null
     * @param timeoutMillis how long the client waits for each reply (the setting)
     */
    public SignOnAgent(String port, int baud, String expectedKey, long timeoutMillis, byte[] request) {
        this(port, baud, expectedKey, timeoutMillis, request, false);
    }

    public SignOnAgent(String port, int baud, String expectedKey, long timeoutMillis, byte[] request, boolean once) {
        this.port = port;
        this.baud = baud;
        this.expectedKey = expectedKey;
        this.timeoutMillis = timeoutMillis;
        this.request = request.clone();
        this.once = once;
    }

    @Override
    public Reply call() throws IOException {
        List<String> log = new ArrayList<>();
        PublicKey pinned = expectedKey == null ? null : PublicKey.parse(expectedKey, "pinned signer key");
        List<byte[]> strays = new ArrayList<>();
        SerialSigner signer = new SerialSigner(port, baud, pinned, Duration.ofMillis(timeoutMillis), log::add);
        SignedRequest decoded = SignedRequest.decode(request, "request");
        byte[] block = (once ? signer.signOnce(decoded, late -> strays.add(late.bytes()))
                : signer.sign(decoded, late -> strays.add(late.bytes()))).bytes();
        return new Reply(block, log, strays);
    }
}
