package io.buildchain.serial;

import io.buildchain.core.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Two kernel pseudo-terminals joined by socat: a real serial line without hardware, for quickstart, tests
 * and benchmarks. (A pty ignores the baud rate: bytes cross as fast as the kernel moves them.)
 */
public final class SocatPtyPair implements AutoCloseable {
    public final Path signerEnd;
    public final Path clientEnd;
    private final Process socat;

    private SocatPtyPair(Path signerEnd, Path clientEnd, Process socat) {
        this.signerEnd = signerEnd;
        this.clientEnd = clientEnd;
        this.socat = socat;
    }

    /** The socat program on PATH, if installed. */
    /** The socat process relaying the two ends: stopping it stalls the line as a hung signing node would. */
    public ProcessHandle relay() {
        return socat.toHandle();
    }

    public static Optional<Path> socat() {
        return Programs.find("socat");
    }

    /** Creates the pair as symlinks {@code dir/tty-signer} and {@code dir/tty-client}. */
    public static SocatPtyPair start(Path dir) throws IOException, InterruptedException {
        Path program = socat().orElseThrow(() -> new IOException("socat is not installed (Debian: apt-get install socat)"));
        Files.createDirectories(dir);
        Path signer = dir.resolve("tty-signer");
        Path client = dir.resolve("tty-client");
        Process socat = new ProcessBuilder(program.toString(), "pty,raw,echo=0,link=" + signer,
                "pty,raw,echo=0,link=" + client).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(signer) && Files.exists(client))) {
            if (!socat.isAlive() || System.nanoTime() > deadline) {
                socat.destroyForcibly();
                throw new IOException("socat did not create the pty pair in " + dir);
            }
            Thread.sleep(20);
        }
        return new SocatPtyPair(signer, client, socat);
    }

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) {
            socat.destroyForcibly();
        }
    }
}
