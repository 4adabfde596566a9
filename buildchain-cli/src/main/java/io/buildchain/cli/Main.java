package io.buildchain.cli;

import io.buildchain.core.BuildchainException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code buildchain} command: every role of the system as a subcommand. */
@Command(name = "buildchain", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Reproducible builds as a vote, signed by a networkless signer, published as a verifiable chain.",
            "Wire-compatible with pop-os/buildchain and system76/pihsm.", ""},
        footer = {"", "Run 'buildchain quickstart' to see a whole local network work end to end."})
public final class Main {
    /** Exit status for a failure that is not a usage error (picocli uses 2 for those). */
    public static final int FAILED = 1;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Every subcommand, in the order --help lists them. picocli reads a command's annotations, and loads the
     * classes they name, when the command is added: a run adds only the command it runs (Jetty only for serve).
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("quickstart", QuickstartCommand.class);
        SUBCOMMANDS.put("keygen", KeygenCommand.class);
        SUBCOMMANDS.put("pubkey", PubkeyCommand.class);
        SUBCOMMANDS.put("manifest", ManifestCommand.class);
        SUBCOMMANDS.put("request", RequestCommand.class);
        SUBCOMMANDS.put("sign", SignCommand.class);
        SUBCOMMANDS.put("signer", SignerCommand.class);
        SUBCOMMANDS.put("signer-audit", SignerAuditCommand.class);
        SUBCOMMANDS.put("publish", PublishCommand.class);
        SUBCOMMANDS.put("import-blocks", ImportBlocksCommand.class);
        SUBCOMMANDS.put("log-key", LogKeyCommand.class);
        SUBCOMMANDS.put("checkpoint", CheckpointCommand.class);
        SUBCOMMANDS.put("root", RootCommand.class);
        SUBCOMMANDS.put("serve", ServeCommand.class);
        SUBCOMMANDS.put("build", BuildCommand.class);
        SUBCOMMANDS.put("submit", SubmitCommand.class);
        SUBCOMMANDS.put("verify", VerifyCommand.class);
        SUBCOMMANDS.put("download", DownloadCommand.class);
        SUBCOMMANDS.put("audit", AuditCommand.class);
        SUBCOMMANDS.put("diff", DiffCommand.class);
        SUBCOMMANDS.put("export", ExportCommand.class);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
    }

    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command tree, as --help and the tests see it. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** The tree {@code args} need: only the subcommand they name, none for --version, all otherwise. */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
            cli.addSubcommand(first, SUBCOMMANDS.get(first));
        } else if (!first.equals("--version") && !first.equals("-V")) {
            for (Map.Entry<String, Class<?>> command : SUBCOMMANDS.entrySet()) {
                cli.addSubcommand(command.getKey(), command.getValue());
            }
        }
        cli.setExecutionExceptionHandler(new OneLineFailure());
        return cli;
    }

    /**
     * Any failure becomes one line on stderr saying what was wrong, and a non-zero exit. A named class, not a
     * lambda: a lambda of picocli's (Java 5) interface links picocli while the class-data archive is dumped,
     * and the JVM then leaves all of picocli out of the archive, to be parsed and verified on every start.
     */
    private static final class OneLineFailure implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
            PrintWriter err = cli.getErr();
            err.println(cli.getCommandSpec().qualifiedName() + ": " + describe(e));
            err.flush();
            if (System.getenv("BUILDCHAIN_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
    }

    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u) {
            return describe(u.getCause());
        }
        if (e instanceof BuildchainException) {
            return e.getMessage();
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": " + (n.getReason() == null ? "no such file or directory" : n.getReason());
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": " + (f.getReason() == null ? "already exists" : f.getReason());
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof IOException) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return e.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"buildchain " + (version == null ? "(development build)" : version)};
        }
    }
}
