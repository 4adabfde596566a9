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
        return store != null ? directory(store) : url(url, "--url");
    }

    /** A store given as one argument (as {@code root certify --store} takes it): an http(s) URL or a directory. */
    static StoreReader open(String directoryOrUrl, String option) throws NoSuchFileException {
        return directoryOrUrl.startsWith("http://") || directoryOrUrl.startsWith("https://")
                ? url(URI.create(directoryOrUrl), option) : directory(Path.of(directoryOrUrl));
    }

    private static StoreReader directory(Path store) throws NoSuchFileException {
        if (!Files.isDirectory(store)) {
            throw new NoSuchFileException(store.toString(), null, "no such store directory");
        }
        return StoreReader.of(store);
    }

    private static StoreReader url(URI url, String option) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new io.buildchain.core.FormatException(option + " " + url + ": expected an http:// or https:// URL");
        }
        return CachingStoreReader.wrap(StoreReader.of(url));
    }
}
