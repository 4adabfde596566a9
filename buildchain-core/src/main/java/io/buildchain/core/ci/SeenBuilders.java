package io.buildchain.core.ci;

import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.TextRecords;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The builder key each build node last used, as the controller saw it in a signed request: shown on the
 * node's page so an administrator can trust it without logging in to the node. Seeing a key is not trusting it.
 */
public final class SeenBuilders {
    private static final String LAYOUT = "NODE KEY";
    private final Path file;

    public SeenBuilders(Path file) {
        this.file = file;
    }

    public void record(String node, PublicKey key) throws IOException {
        String encoded = URLEncoder.encode(node, StandardCharsets.UTF_8);
        Files.createDirectories(file.getParent());
        try (DirectoryLock lock = DirectoryLock.acquire(file.resolveSibling(file.getFileName() + ".lock"))) {
            List<String[]> records = new java.util.ArrayList<>(TextRecords.read(file, LAYOUT).stream()
                    .filter(r -> !r[0].equals(encoded)).toList());
            records.add(new String[] {encoded, key.toString()});
            TextRecords.write(file, records, AtomicFiles.OWNER_WRITE_ALL_READ);
        }
    }

    public Optional<PublicKey> keyOf(String node) throws IOException {
        return TextRecords.read(file, LAYOUT).stream()
                .filter(r -> URLDecoder.decode(r[0], StandardCharsets.UTF_8).equals(node))
                .map(r -> PublicKey.parse(r[1], file.toString())).findFirst();
    }
}
