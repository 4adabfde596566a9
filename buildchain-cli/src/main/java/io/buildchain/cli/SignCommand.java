package io.buildchain.cli;

import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.chain.SignerRefusedException;
import io.buildchain.core.chain.SigningNode;
import io.buildchain.core.root.KeyChangeGuard;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Get a builder's request signed into a 400-byte block: by the signing node on a serial line "
                + "(--port, pihsm's client: 3 tries, pinned key), or by a local signer key with exactly the node's "
                + "rules (--key, for development and tests).",
            "The local signer's audit chain (pihsm layout) and tail live in --state."})
final class SignCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice signer;

    static final class Choice {
        @ArgGroup(exclusive = false, heading = "Signing node on a serial line:%n")
        SerialSignerOptions serial;

        @ArgGroup(exclusive = false, heading = "Local software signer:%n")
        Local local;
    }

    static final class Local {
        @Option(names = "--key", required = true, paramLabel = "SIGNER_KEY", description = "The signer's private key.")
        Path key;

        @Option(names = "--state", required = true, paramLabel = "DIR", description = "The signer's state directory.")
        Path state;

        @Option(names = "--allow", paramLabel = "BUILDER_KEYS_FILE",
                description = "Only sign requests from these builder keys (one base32 key per line, optional label).")
        Path allow;
    }

    @Option(names = "--out", required = true, paramLabel = "BLOCK", description = "Where to write the block.")
    Path out;

    @Option(names = "--store", paramLabel = "STORE",
            description = "Also record the block in this publisher's store (under its lock), so that later blocks "
                    + "chained after it can be published: a block signed outside the store leaves a gap users cannot "
                    + "verify, and publish refuses to move a tail past one.")
    Path store;

    @Parameters(paramLabel = "REQ", description = "The 224-byte request.")
    Path request;

    @Override
    public Integer call() throws Exception {
        SignedRequest parsed = SignedRequest.decode(Files.readAllBytes(request), request.toString());
        if (store == null) {
            sign(parsed);
            return 0;
        }
        Store opened = Store.open(store);
        // Under the store lock, so a publish cannot sign the next block before this one is in the store.
        try (DirectoryLock lock = opened.lock()) {
            // A block by a key the store does not trust (a restarted signer not yet certified) stays out of it.
            KeyChangeGuard.admit(opened, sign(parsed));
        }
        System.out.println("recorded in " + opened.root().resolve("block"));
        return 0;
    }

    private Block sign(SignedRequest parsed) throws java.io.IOException {
        String verb;
        Block block;
        if (signer.serial != null) {
            try {
                block = signer.serial.open().sign(parsed);
            } catch (io.buildchain.core.chain.SignerSilentException e) {
                // A running node is silent too when it refuses: the hint, once.
                throw new io.buildchain.core.chain.SignerSilentException(e.getMessage() + "; a running signer is also "
                        + "silent when it refuses: a builder key not on its --allow list, or a request counter not above "
                        + "the last it signed for that builder");
            }
            verb = "received";
        } else {
            Local local = signer.local;
            SigningNode.Outcome outcome = SignerOptions.localSigner(local.key, local.state, local.allow).handle(parsed);
            if (outcome instanceof SigningNode.Outcome.Refused refused) {
                throw new SignerRefusedException(refused.reason());
            }
            boolean repeated = outcome instanceof SigningNode.Outcome.Repeated;
            block = repeated ? ((SigningNode.Outcome.Repeated) outcome).block() : ((SigningNode.Outcome.Signed) outcome).block();
            verb = repeated ? "repeated" : "signed";
        }
        AtomicFiles.write(out, block.bytes(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
        System.out.println(verb + " block " + Long.toUnsignedString(block.counter()) + " " + block.signatureBase32()
                + " -> " + out);
        return block;
    }
}
