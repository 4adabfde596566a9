package io.buildchain.cli;

import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import picocli.CommandLine.Option;

/**
 * {@code --pub-out FILE}, shared by every command that makes a key (keygen, signer, root init), so scripts read
 * a file instead of scraping standard output. The file holds the base32 key on one line: what {@code --key FILE}
 * and {@code --expect-key FILE} read back.
 */
final class PublicKeyOutput {
    @Option(names = "--pub-out", paramLabel = "FILE",
            description = "Also write the public key (base32, one line) to FILE, replacing it atomically.")
    Path file;

    /** Creates a key file (never overwriting one), writes --pub-out, prints the public key: keygen and root init. */
    void createKey(Path keyFile, PrintWriter print) throws IOException {
        SigningKey key = KeyFiles.create(keyFile, new SecureRandom());
        write(key.publicKey());
        print.println(key.publicKey().base32());
        print.flush();
    }

    /** Writes {@code key} to the file when one was given. */
    void write(PublicKey key) throws IOException {
        if (file != null) {
            writeLine(file, key.base32());
        }
    }

    /** One line of text, written atomically and world-readable (public material only). */
    static void writeLine(Path target, String line) throws IOException {
        AtomicFiles.write(target, (line + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }
}
