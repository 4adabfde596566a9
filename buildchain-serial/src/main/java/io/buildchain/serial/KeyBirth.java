package io.buildchain.serial;

import io.buildchain.core.crypto.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The signing node's key, born at start-up and kept only in memory: 32 bytes from the hardware RNG,
 * when there is one, hashed together with 32 bytes of the OS CSPRNG (either alone would do if it is
 * sound; together a flaw in one does not weaken the key). Never waits on {@code entropy_avail}: kernels
 * from 5.18 on cap it at 256, which made pihsm's wait for 3000 hang forever.
 */
public final class KeyBirth {
    public static final Path HWRNG = Path.of("/dev/hwrng");
    private static final int SEED = 32;
    private static final long HWRNG_WAIT_SECONDS = 5;

    private KeyBirth() {
    }

    public static SigningKey generate(Path hwrng, SecureRandom os, Consumer<String> log) {
        byte[] osBytes = new byte[SEED];
        os.nextBytes(osBytes);
        byte[] hwBytes = readHardware(hwrng, log);
        if (hwBytes == null) {
            log.accept("key from the OS CSPRNG only (no usable hardware RNG at " + hwrng + ")");
            return SigningKey.fromSeed(osBytes);
        }
        log.accept("key from " + hwrng + " mixed with the OS CSPRNG");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            sha.update(hwBytes);
            sha.update(osBytes);
            byte[] mixed = sha.digest();
            SigningKey key = SigningKey.fromSeed(Arrays.copyOf(mixed, SEED));
            Arrays.fill(mixed, (byte) 0);
            Arrays.fill(hwBytes, (byte) 0);
            Arrays.fill(osBytes, (byte) 0);
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-512", e);
        }
    }

    /** 32 bytes from the hardware RNG, or null if it is missing, unreadable, short or too slow. */
    private static byte[] readHardware(Path hwrng, Consumer<String> log) {
        if (!Files.exists(hwrng)) {
            return null;
        }
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "hwrng");
            thread.setDaemon(true);
            return thread;
        });
        Future<byte[]> bytes = reader.submit(() -> {
            try (InputStream in = Files.newInputStream(hwrng)) {
                return in.readNBytes(SEED);
            }
        });
        try {
            byte[] read = bytes.get(HWRNG_WAIT_SECONDS, TimeUnit.SECONDS);
            if (read.length != SEED) {
                log.accept(hwrng + " gave " + read.length + " bytes, not " + SEED + "; not using it");
                return null;
            }
            return read;
        } catch (TimeoutException e) {
            log.accept(hwrng + " gave nothing within " + HWRNG_WAIT_SECONDS + " s; not using it");
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            log.accept("cannot read " + hwrng + ": " + (cause instanceof IOException ? cause.getMessage() : cause));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            reader.shutdownNow();
        }
    }
}
