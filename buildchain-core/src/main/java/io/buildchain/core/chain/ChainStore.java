package io.buildchain.core.chain;

import io.buildchain.core.encoding.Base32;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * pihsm's audit chain store: each genesis, request or block stored by its base32 signature as
 * {@code <first 2 characters>/<remaining 101>}, mode 0444, written through {@code tmp/}. The 1024
 * fan-out directories are made up front in a temporary directory that is then renamed into place.
 */
public final class ChainStore {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private final Path dir;

    private ChainStore(Path dir) {
        this.dir = dir;
    }

    public static ChainStore open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path building = Files.createTempDirectory(parent, dir.getFileName() + ".new-");
            for (char a : ALPHABET) {
                for (char b : ALPHABET) {
                    Files.createDirectory(building.resolve("" + a + b));
                }
            }
            Files.createDirectory(building.resolve("tmp"));
            Files.move(building, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(parent);
        }
        return new ChainStore(dir);
    }

    public Path pathOf(byte[] signature) {
        String name = Base32.encode(signature);
        return dir.resolve(name.substring(0, 2)).resolve(name.substring(2));
    }

    /** Stores {@code message} (its first 64 bytes are its signature); storing it again is harmless. */
    public void put(byte[] message) throws IOException {
        byte[] signature = java.util.Arrays.copyOf(message, 64);
        Path target = pathOf(signature);
        if (!Files.exists(target)) {
            AtomicFiles.write(target, dir.resolve("tmp"), out -> out.write(message), AtomicFiles.ALL_READ, true);
        }
    }

    public Optional<byte[]> get(byte[] signature) throws IOException {
        Path path = pathOf(signature);
        return Files.exists(path) ? Optional.of(Files.readAllBytes(path)) : Optional.empty();
    }
}
