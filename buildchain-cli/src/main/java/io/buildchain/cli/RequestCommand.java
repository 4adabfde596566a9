package io.buildchain.cli;

import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.store.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "request", mixinStandardHelpOptions = true,
        description = {"As a build node, sign a 224-byte request for a manifest with your builder key.",
            "The builder's own request chain (genesis, last request) lives in --state; each request's counter is "
                    + "one more than the last."})
final class RequestCommand implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "BUILDER_KEY", description = "The build node's private key.")
    Path key;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The builder's chain state directory.")
    Path state;

    @Option(names = "--timestamp", paramLabel = "SECONDS", description = "Request time (default: now).")
    Long timestamp;

    @Option(names = "--resume-after", paramLabel = "COUNTER", defaultValue = "0",
            description = "Number this request above COUNTER if the state is behind it: after the state directory was "
                    + "lost, the signer refuses the restarted counter as stale, and publish's refusal names COUNTER.")
    long resumeAfter;

    @Option(names = "--out", required = true, paramLabel = "REQ", description = "Where to write the request.")
    Path out;

    @Parameters(paramLabel = "MANIFEST", description = "The manifest to request a signature for.")
    Path manifest;

    @Override
    public Integer call() throws Exception {
        Manifest parsed = Manifest.parseCanonical(Files.readAllBytes(manifest), manifest.toString());
        long seconds = timestamp != null ? timestamp : System.currentTimeMillis() / 1000;
        SignedRequest request = new BuilderChain(state).request(KeyFiles.read(key), parsed.digest(), seconds,
                resumeAfter);
        AtomicFiles.write(out, request.bytes(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
        System.out.println("request " + Long.toUnsignedString(request.counter()) + " by " + request.publicKey()
                + " for manifest " + request.digest() + " -> " + out);
        return 0;
    }
}
