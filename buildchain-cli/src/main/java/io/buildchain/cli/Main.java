package io.buildchain.cli;

import io.buildchain.core.BuildchainException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code buildchain} command: every role of the system as a subcommand. */
@Command(name = "buildchain", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Reproducible builds as a vote, signed by a networkless signer, published as a verifiable chain.",
            "Wire-compatible with pop-os/buildchain and system76/pihsm.", ""},
        subcommands = {
            QuickstartCommand.class, KeygenCommand.class, PubkeyCommand.class, ManifestCommand.class,
            RequestCommand.class, SignCommand.class, SignerCommand.class, SignerAuditCommand.class,
            PublishCommand.class, ImportBlocksCommand.class, ServeCommand.class, SubmitCommand.class, VerifyCommand.class,
            DownloadCommand.class, DiffCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'buildchain quickstart' to see a whole local network work end to end."})
public final class Main {
    /** Exit status for a failure that is not a usage error (picocli uses 2 for those). */
    public static final int FAILED = 1;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handleFailure);
        return cli;
    }

    /** Any failure becomes one line on stderr saying what was wrong, and a non-zero exit. */
    private static int handleFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        err.println("buildchain " + cli.getCommandName() + ": " + describe(e));
        err.flush();
        if (System.getenv("BUILDCHAIN_DEBUG") != null) {
            e.printStackTrace(err);
        }
        return FAILED;
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
