package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

/** {@code --help} of every command and subcommand reads cleanly: no picocli warning, no option twice, none undescribed. */
class HelpTest {
    /** Every command path, e.g. [] for the top, [manifest], [root, init]. */
    static Stream<List<String>> commands() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name)) {
                path.add(name);
                collect(sub, path, into);
                path.remove(path.size() - 1);
            }
        });
    }

    record Help(int exit, String out, String err) {
    }

    /** Runs {@code buildchain PATH --help} in process; picocli's own warnings go to System.err, so that is captured too. */
    static Help help(List<String> path) {
        PrintStream realErr = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        int exit;
        try {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            exit = cli.execute(args.toArray(String[]::new));
        } finally {
            System.setErr(realErr);
        }
        return new Help(exit, out.toString(), err + stderr.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "buildchain {0} --help")
    @ValueSource(strings = {"verify", "download"})
    void clientHelpDocumentsMaxAgeAndTheUnboundOptOut(String command) {
        String out = help(List.of(command)).out().replaceAll("\\s+", " ");
        assertThat(out).contains("--max-age=DURATION", "90s, 45m, 12h, 7d", "--allow-unbound-release",
                "Refused by default", "docs/client-state.md");
    }

    @ParameterizedTest(name = "buildchain {0} --help")
    @MethodSource("commands")
    void helpHasNoPicocliWarning(List<String> path) {
        Help help = help(path);
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: " + String.join(" ", prepend("buildchain", path)));
        assertThat(help.err()).as("stderr of --help").doesNotContain("WARN").isEmpty();
        assertThat(help.out()).doesNotContain("[picocli");
    }

    @ParameterizedTest(name = "buildchain {0} --help")
    @MethodSource("commands")
    void helpListsNoOptionTwice(List<String> path) {
        Set<String> seen = new HashSet<>();
        for (String line : help(path).out().lines().toList()) {
            String stripped = line.strip();
            if (stripped.startsWith("-") && line.startsWith("  ")) {
                assertThat(seen.add(stripped)).as("option line listed twice in --help: %s", stripped).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "buildchain {0} --help")
    @MethodSource("commands")
    void everyOptionAndParameterIsDescribed(List<String> path) {
        CommandLine command = Main.commandLine();
        for (String name : path) {
            command = command.getSubcommands().get(name);
        }
        List<ArgSpec> args = new ArrayList<>(command.getCommandSpec().options());
        args.addAll(command.getCommandSpec().positionalParameters());
        for (ArgSpec arg : args) {
            String description = String.join(" ", arg.description()).strip();
            assertThat(description).as("description of %s in buildchain %s", arg instanceof CommandLine.Model.OptionSpec o
                    ? o.longestName() : arg.paramLabel(), String.join(" ", path)).isNotEmpty();
        }
        String rendered = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(rendered).as("rendered help").doesNotContain("%n").doesNotContain("${");
    }

    @Test
    void aRunBuildsOnlyTheCommandItRuns() {
        assertThat(Main.commandLine(new String[] {"manifest", "--time", "1", "dir"}).getSubcommands()).containsOnlyKeys("manifest");
        assertThat(Main.commandLine(new String[] {"--version"}).getSubcommands()).isEmpty();
        assertThat(Main.commandLine(new String[] {"help", "verify"}).getSubcommands()).containsKeys("verify", "serve", "help");
        assertThat(Main.commandLine(new String[] {"frobnicate"}).getSubcommands()).hasSameSizeAs(Main.commandLine()
                .getSubcommands());
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }
}
