package io.buildchain.core.crypto;

import io.buildchain.core.FormatException;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Set;

/** Private keys on disk: the raw 32-byte seed in a file only its owner can read (0600). */
public final class KeyFiles {
    private KeyFiles() {
    }

    /** Creates a new key file; never overwrites an existing key (that would lose a signing identity). */
    public static SigningKey create(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "a key already exists there; refusing to overwrite it");
        }
        SigningKey key = SigningKey.generate(random);
        AtomicFiles.write(file, key.seed(), AtomicFiles.OWNER_READ_WRITE, false);
        return key;
    }

    public static SigningKey read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such key file (create one with 'buildchain keygen')");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
            throw new FormatException(file + ": private key is accessible by other users; run: chmod 600 " + file);
        }
        byte[] seed = Files.readAllBytes(file);
        if (seed.length != SigningKey.SEED_LENGTH) {
            throw new FormatException(file + ": expected a 32-byte Ed25519 seed, found " + seed.length + " bytes");
        }
        return SigningKey.fromSeed(seed);
    }
}
