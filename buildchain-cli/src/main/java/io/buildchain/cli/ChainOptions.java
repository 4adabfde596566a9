package io.buildchain.cli;

import picocli.CommandLine.Option;

/** Which chain of a store: the original's defaults are project "default", branch "master". */
final class ChainOptions {
    @Option(names = {"-p", "--project"}, paramLabel = "PROJECT", defaultValue = "default",
            description = "Project name (default: ${DEFAULT-VALUE}).")
    String project;

    @Option(names = {"-b", "--branch"}, paramLabel = "BRANCH", defaultValue = "master",
            description = "Branch name (default: ${DEFAULT-VALUE}).")
    String branch;
}
