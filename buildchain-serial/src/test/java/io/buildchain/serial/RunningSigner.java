package io.buildchain.serial;

import io.buildchain.core.chain.SignerState;
import io.buildchain.core.chain.SigningNode;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.SigningKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A signing node served on a thread of the test, with a freshly born key, as the daemon does. */
public final class RunningSigner implements AutoCloseable {
    public final SigningKey key = SigningKey.generate(new SecureRandom());
    public final List<String> log = new CopyOnWriteArrayList<>();
    private final SerialLine line;
    private final SignerState state;
    private final SignerDaemon daemon;
    private final Thread thread;
    private volatile Throwable failure;

    public RunningSigner(Path port, Path stateDir, KeyList allow) throws Exception {
        state = SignerState.open(stateDir);
        line = SerialLine.open(port.toString(), SerialLine.DEFAULT_BAUD);
        daemon = new SignerDaemon(line, SigningNode.start(key, state, allow, Clock.systemUTC()), log::add);
        thread = new Thread(() -> {
            try {
                daemon.serve();
            } catch (Throwable t) {
                failure = t;
            }
        }, "signer");
        thread.start();
    }

    public boolean logged(String text) {
        return log.stream().anyMatch(line -> line.contains(text));
    }

    @Override
    public void close() throws Exception {
        daemon.stop();
        thread.join(10_000);
        line.close();
        state.close();
        if (failure != null) {
            throw new AssertionError("signer daemon failed", failure);
        }
    }
}
