package io.buildchain.core.ci;

import io.buildchain.core.FormatException;
import io.buildchain.core.store.Store;

/** Checks of Pipeline step arguments, so a step fails at once with the argument's name and what was expected. */
public final class StepArguments {
    private StepArguments() {
    }

    /** A directory inside the workspace: relative, without '..'. */
    public static String outputDir(String dir) {
        if (dir == null || dir.isBlank()) {
            throw new FormatException("dir: the build's output directory is required, relative to the workspace "
                    + "(e.g. dir: 'dist')");
        }
        String normalized = dir.strip().replace('\\', '/');
        if (normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")) {
            throw new FormatException("dir \"" + dir + "\": expected a path relative to the workspace, not an absolute "
                    + "one");
        }
        for (String segment : normalized.split("/")) {
            if (segment.equals("..")) {
                throw new FormatException("dir \"" + dir + "\": expected a path inside the workspace (no '..')");
            }
        }
        return normalized;
    }

    public static String name(String value, String argument) {
        if (value == null || value.isBlank()) {
            throw new FormatException(argument + " is required");
        }
        Store.checkName(value.strip(), argument);
        return value.strip();
    }

    public static int quorum(int quorum) {
        if (quorum < 1) {
            throw new FormatException("quorum " + quorum + ": expected at least 1 (how many independent builders must "
                    + "produce identical manifests)");
        }
        return quorum;
    }

    public static long time(long time) {
        if (time < 0) {
            throw new FormatException("time " + time + ": expected Unix seconds (e.g. from git log -1 --format=%ct)");
        }
        return time;
    }
}
