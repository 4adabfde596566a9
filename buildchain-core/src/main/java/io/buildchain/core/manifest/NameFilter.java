package io.buildchain.core.manifest;

import io.buildchain.core.FormatException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Which files under a directory go into a manifest: glob patterns over their manifest names (relative,
 * '/'-separated). '*' stays within one directory, '**' crosses directories, so {@code *.jar} selects the
 * top-level jars and {@code **.jar} every jar. A file is taken when it matches an include (or there are
 * none) and matches no exclude.
 */
public final class NameFilter {
    public static final NameFilter ALL = new NameFilter(List.of(), List.of());

    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;

    private NameFilter(List<PathMatcher> includes, List<PathMatcher> excludes) {
        this.includes = includes;
        this.excludes = excludes;
    }

    /** @param what how the patterns were given, for errors (e.g. "--include") */
    public static NameFilter of(List<String> includes, String includeWhat, List<String> excludes, String excludeWhat) {
        if (includes.isEmpty() && excludes.isEmpty()) {
            return ALL;
        }
        return new NameFilter(compile(includes, includeWhat), compile(excludes, excludeWhat));
    }

    public boolean acceptsAll() {
        return includes.isEmpty() && excludes.isEmpty();
    }

    public boolean accepts(String name) {
        if (acceptsAll()) {
            return true;
        }
        Path path = Path.of(name);
        return (includes.isEmpty() || includes.stream().anyMatch(m -> m.matches(path)))
                && excludes.stream().noneMatch(m -> m.matches(path));
    }

    private static List<PathMatcher> compile(List<String> globs, String what) {
        return globs.stream().map(glob -> {
            try {
                return FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                throw new FormatException(what + " " + glob + ": not a valid glob (" + e.getDescription() + ")");
            }
        }).toList();
    }
}
