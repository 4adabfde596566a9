package io.buildchain.cli;

import io.buildchain.core.verify.CachingStoreReader;
import io.buildchain.core.verify.StoreReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a published store is read from: a directory or a URL (buildchain serve, a Jenkins job, any web server). */
final class StoreSource {
    @Option(names = "--store", paramLabel = "DIR", description = "A store directory.")
    Path store;

    @Option(names = "--url", paramLabel = "URL",
            description = "Base URL of a published store, e.g. https://example.org/buildchain/ . Blocks and objects "
                    + "are cached (checked again on every read) in $XDG_CACHE_HOME/buildchain.")
    URI url;

    StoreReader open() throws NoSuchFileException {
        if (store != null) {
            if (!Files.isDirectory(store)) {
                throw new NoSuchFileException(store.toString(), null, "no such store directory");
            }
            return StoreReader.of(store);
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new io.buildchain.core.FormatException("--url " + url + ": expected an http:// or https:// URL");
        }
        return CachingStoreReader.wrap(StoreReader.of(url));
    }
}
