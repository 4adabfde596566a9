package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.root.Revocation;
import io.buildchain.core.root.RootCeremony;
import io.buildchain.core.root.RootStatement;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "root", mixinStandardHelpOptions = true,
        description = {"The offline root key users pin instead of the signer's key, which changes on every restart of "
                + "the signing node. The root certifies each new signer key and links it to the previous key's last "
                + "block in the store; it can revoke a compromised key from a block on.",
            "Keep the root key on an offline machine; init, certify and revoke run there and only read the public "
                    + "store. 'add' runs on the publisher."},
        subcommands = {RootCommand.Init.class, RootCommand.Certify.class, RootCommand.Revoke.class, RootCommand.Add.class,
            InTotoLayoutCommand.class})
final class RootCommand {
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the root key (a 32-byte seed, mode 0600) and print its base32 public key; never "
                    + "overwrites an existing key.")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "ROOT_KEY", description = "Where to write the new root key.")
        Path out;

        @Mixin
        PublicKeyOutput pubOut;

        @Override
        public Integer call() throws Exception {
            pubOut.createKey(out, spec.commandLine().getOut());
            return 0;
        }
    }

    /** What certify and revoke both take: the root key, the signer key and the public store. */
    static final class Ceremony {
        @Option(names = "--root-key", required = true, paramLabel = "ROOT_KEY", description = "The root's private key.")
        Path rootKey;

        @Option(names = "--signer", required = true, paramLabel = "SIGNER_PUB",
                description = "The signer public key (base32, or a file holding it, e.g. from 'signer --pub-out').")
        String signer;

        @Option(names = "--store", required = true, paramLabel = "STORE",
                description = "The public store, read only: a directory or an http(s) URL.")
        String store;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the statement.")
        Path out;

        SigningKey root() throws IOException {
            return KeyFiles.read(rootKey);
        }

        PublicKey signerKey() throws IOException {
            return PublicKey.fromArgument(signer, "--signer");
        }

        void write(RootStatement statement, PrintWriter print) throws IOException {
            AtomicFiles.write(out, statement.encode(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
            print.println("wrote " + out + ": " + statement.describe());
            print.println("  add it on the publisher: buildchain root add --store STORE " + out);
        }
    }

    @Command(name = "certify", mixinStandardHelpOptions = true,
            description = {"Certify a signer key for a store: it succeeds the store's certified key at that key's last "
                    + "block in the store (signer/last), whatever branch it is on. On a store with no root yet, this "
                    + "is the first certificate; it must be for the key the store's blocks already carry, if any."})
    static final class Certify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Ceremony ceremony;

        @Override
        public Integer call() throws Exception {
            SignerCertificate certificate = RootCeremony.certify(ceremony.root(), ceremony.signerKey(),
                    StoreSource.open(ceremony.store, "--store"));
            PrintWriter out = spec.commandLine().getOut();
            ceremony.write(certificate, out);
            out.println("  " + certificate.follows().map(p -> "succeeds " + p.describe()).orElse("the store's first key"));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a certified signer key from one of its blocks on (that block included): verification "
                    + "refuses those blocks and every tail that depends on them, and publish refuses the key.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Ceremony ceremony;

        @Option(names = "--from", required = true, paramLabel = "BLOCK_SIG",
                description = "The first revoked block: its file name under block/.")
        String from;

        @Override
        public Integer call() throws Exception {
            Revocation revocation = RootCeremony.revoke(ceremony.root(), ceremony.signerKey(), from,
                    StoreSource.open(ceremony.store, "--store"));
            ceremony.write(revocation, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "As the publisher: check certificates and revocations against the store's root and blocks, "
                    + "and add them to root/statements. The first certificate fixes the store's root; a statement "
                    + "already there is a no-op.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--store", required = true, paramLabel = "STORE", description = "The publisher's store directory.")
        Path store;

        @Parameters(paramLabel = "CERT_OR_REVOCATION", arity = "1..*", description = "Statement files from the root.")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(store)) {
                throw new java.nio.file.NoSuchFileException(store.toString(), null, "no such store directory");
            }
            List<RootStatement> statements = new ArrayList<>();
            for (Path file : files) {
                statements.addAll(RootStatement.parseAll(readBounded(file), file.toString()));
            }
            for (String line : RootStatements.add(Store.open(store), statements)) {
                spec.commandLine().getOut().println(line);
            }
            return 0;
        }

        private static byte[] readBounded(Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                int max = RootStatement.MAX_STATEMENTS * RootStatement.MAX_BYTES;
                byte[] bytes = in.readNBytes(max + 1);
                if (bytes.length > max) {
                    throw new FormatException(file + ": larger than " + max + " bytes; not a root statement");
                }
                return bytes;
            }
        }
    }
}
