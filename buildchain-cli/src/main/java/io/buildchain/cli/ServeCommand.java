package io.buildchain.cli;

import io.buildchain.cli.serve.StoreServer;
import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.store.Store;
import io.buildchain.core.submit.SubmissionInbox;
import io.buildchain.core.submit.UploadLimits;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a store read-only over HTTP: the original layout (tail/, block/, object/, quorum/) for "
                + "'buildchain download --url' and the original downloader, and browsable chain pages with a "
                + "'verify this yourself' box and the divergence of each release.",
            "Content-addressed files are cached forever (ETag), tails never; byte ranges are supported. Nothing "
                    + "outside the store is ever served."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store to serve.")
    Path store;

    @Option(names = "--bind", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
    String bind;

    @Option(names = "--accept-submissions",
            description = "Also take submissions from remote build nodes at POST /submit/PROJECT/BRANCH "
                    + "(see 'buildchain submit'); publishing them still needs 'publish --from-submissions'.")
    boolean acceptSubmissions;

    @Option(names = "--trust", paramLabel = "TRUSTED_KEYS_FILE",
            description = "With --accept-submissions: only requests signed by these builder keys are accepted.")
    Path trust;

    @Option(names = "--max-upload-mib", defaultValue = "1024", paramLabel = "MIB",
            description = "With --accept-submissions: the largest upload accepted (default: ${DEFAULT-VALUE} MiB).")
    long maxUploadMib;

    @Option(names = "--max-concurrent-uploads", defaultValue = "4", paramLabel = "N",
            description = "With --accept-submissions: uploads taken at once; more get HTTP 429 (default: ${DEFAULT-VALUE}).")
    int maxConcurrentUploads;

    @Option(names = "--max-staged-mib", paramLabel = "MIB",
            description = "With --accept-submissions: artifact bytes all uploads in progress may stage together; more "
                    + "get HTTP 503 (default: twice --max-upload-mib). Uploads are authenticated before they stage any.")
    Long maxStagedMib;

    @Override
    public Integer call() throws Exception {
        if (acceptSubmissions != (trust != null)) {
            throw new FormatException("--accept-submissions and --trust go together");
        }
        // A publisher that takes submissions may start before anything is published: the store is created.
        if (!acceptSubmissions && !Files.isDirectory(store)) {
            throw new NoSuchFileException(store.toString(), null, "no such store directory");
        }
        int colon = bind.lastIndexOf(':');
        if (colon <= 0) {
            throw new FormatException("--bind " + bind + ": expected HOST:PORT, e.g. 127.0.0.1:8080");
        }
        String host = bind.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(bind.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new FormatException("--bind " + bind + ": port must be a number");
        }
        Store opened = Store.open(store);
        long leftovers = SubmissionInbox.collectLeftovers(opened);
        if (leftovers > 0) {
            System.err.println("removed " + leftovers + " bytes of uploads a stopped server left in submissions/tmp/");
        }
        if (maxConcurrentUploads < 1 || maxUploadMib < 1 || (maxStagedMib != null && maxStagedMib < 1)) {
            throw new FormatException("--max-upload-mib, --max-concurrent-uploads and --max-staged-mib must be positive");
        }
        long staged = (maxStagedMib != null ? maxStagedMib : 2 * maxUploadMib) << 20;
        SubmissionInbox inbox = acceptSubmissions ? new SubmissionInbox(opened, KeyList.read(trust), maxUploadMib << 20,
                new UploadLimits(maxConcurrentUploads, staged)) : null;
        try (StoreServer server = StoreServer.start(opened, inbox, host, port)) {
            String shown = host.contains(":") ? "[" + host + "]" : host;
            System.out.println("serving " + store.toAbsolutePath().normalize() + " at http://" + shown + ":" + server.port() + "/");
            if (inbox != null) {
                System.out.println("taking submissions at POST /submit/PROJECT/BRANCH from the builders in " + trust);
            }
            System.out.flush();
            server.join();
        }
        return 0;
    }
}
