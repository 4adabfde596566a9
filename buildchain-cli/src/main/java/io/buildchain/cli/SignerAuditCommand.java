package io.buildchain.cli;

import io.buildchain.core.chain.AuditVerifier;
import io.buildchain.core.crypto.PublicKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "signer-audit", mixinStandardHelpOptions = true,
        description = "Verify a signing node's audit chain end to end for one signer key: genesis, every block's "
                + "signature and file name, counters 1..N with no gap or fork, previous links, builder requests.")
final class SignerAuditCommand implements Callable<Integer> {
    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The signing node's --state directory.")
    Path state;

    @Option(names = "--key", required = true, paramLabel = "SIGNER_PUB",
            description = "The signer public key whose chain to check (base32, or a file holding it).")
    String key;

    @Override
    public Integer call() throws Exception {
        AuditVerifier.Report report = AuditVerifier.verify(state.resolve("chain"), PublicKey.fromArgument(key, "--key"));
        System.out.println(report.summary());
        if (report.tail() != null) {
            System.out.println("  newest block " + report.tail().signatureBase32());
        }
        return 0;
    }
}
