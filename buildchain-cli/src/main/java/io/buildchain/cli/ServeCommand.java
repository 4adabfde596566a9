package io.buildchain.cli;

import io.buildchain.cli.serve.StoreServer;
import io.buildchain.core.FormatException;
import io.buildchain.core.store.Store;
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

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(store)) {
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
        try (StoreServer server = StoreServer.start(Store.open(store), host, port)) {
            String shown = host.contains(":") ? "[" + host + "]" : host;
            System.out.println("serving " + store.toAbsolutePath().normalize() + " at http://" + shown + ":" + server.port() + "/");
            System.out.flush();
            server.join();
        }
        return 0;
    }
}
