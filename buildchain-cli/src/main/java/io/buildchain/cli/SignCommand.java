package io.buildchain.cli;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.LocalSigner;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SigningNode;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.store.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign a builder's request into a 400-byte block with a local signer key: exactly the signing "
                + "node's rules (self-signed 224-byte requests; the last request again gets the same block; each "
                + "builder's counter must move forward), for development and tests.",
            "The signer's audit chain (pihsm layout) and tail live in --state."})
final class SignCommand implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "SIGNER_KEY", description = "The signer's private key.")
    Path key;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The signer's state directory.")
    Path state;

    @Option(names = "--allow", paramLabel = "BUILDER_KEYS_FILE",
            description = "Only sign requests from these builder keys (one base32 key per line, optional label).")
    Path allow;

    @Option(names = "--out", required = true, paramLabel = "BLOCK", description = "Where to write the block.")
    Path out;

    @Parameters(paramLabel = "REQ", description = "The 224-byte request.")
    Path request;

    @Override
    public Integer call() throws Exception {
        SignedRequest parsed = SignedRequest.decode(Files.readAllBytes(request), request.toString());
        LocalSigner signer = new LocalSigner(KeyFiles.read(key), state, allow == null ? null : KeyList.read(allow),
                Clock.systemUTC());
        SigningNode.Outcome outcome = signer.handle(parsed);
        if (outcome instanceof SigningNode.Outcome.Refused refused) {
            throw new SignerRefusedException(refused.reason());
        }
        Block block = outcome instanceof SigningNode.Outcome.Signed signed ? signed.block()
                : ((SigningNode.Outcome.Repeated) outcome).block();
        AtomicFiles.write(out, block.bytes(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
        System.out.println((outcome instanceof SigningNode.Outcome.Repeated ? "repeated" : "signed") + " block "
                + Long.toUnsignedString(block.counter()) + " " + block.signatureBase32() + " -> " + out);
        return 0;
    }
}
