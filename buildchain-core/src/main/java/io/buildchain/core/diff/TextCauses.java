package io.buildchain.core.diff;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names the cause behind changed lines of text: a JDK or tool version, a user, a build date, a build path. */
final class TextCauses {
    private static final Pattern KEY = Pattern.compile("^\\s*#?\\s*([A-Za-z][A-Za-z0-9_.-]*)\\s*[:=]");
    private static final Set<String> JDK_KEYS = Set.of("build-jdk-spec", "build-jdk", "java.version",
            "java.specification.version", "java.vm.version", "java.runtime.version", "build-java-version",
            "x-compile-source-jdk", "x-compile-target-jdk", "bundle-requiredexecutionenvironment", "java-version");
    private static final Set<String> TOOL_KEYS = Set.of("created-by", "built-with", "build-tool", "maven-version",
            "gradle-version", "tool", "bnd-version");
    private static final Set<String> USER_KEYS = Set.of("built-by", "user.name", "build-user", "build.user");
    private static final Set<String> TIME_KEYS = Set.of("build-time", "build-date", "build-timestamp", "build.time",
            "build.date", "build.timestamp", "bnd-lastmodified", "timestamp");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2})?(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?"
            + "|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \\d]\\d \\d{2}:\\d{2}:\\d{2}"
            + "( [A-Z]{2,5})? \\d{4}|\\b1[5-9]\\d{8}(\\d{3})?\\b");
    private static final Pattern PATH = Pattern.compile("(?<![\\w.~@+-])(?:/[\\w.+~@-]+){2,}|\\b[A-Za-z]:\\\\[\\w.+~@ \\\\-]+");
    private static final int MAX_TOKENS = 2000;

    private TextCauses() {
    }

    interface Sink {
        void cause(CauseKind kind, String detail, String where);
    }

    /** Looks at the lines only in a ({@code removed}) and only in b ({@code added}); true if a cause is named. */
    static boolean find(List<String> removed, List<String> added, String where, String nameA, String nameB, Sink sink) {
        boolean named = false;
        Map<String, String> keyedA = new LinkedHashMap<>();
        for (String line : removed) {
            key(line).ifPresent(k -> keyedA.putIfAbsent(k, line));
        }
        Set<String> keyedLines = new java.util.HashSet<>();
        for (String lineB : added) {
            String key = key(lineB).orElse(null);
            String lineA = key == null ? null : keyedA.get(key);
            if (lineA == null || lineA.equals(lineB)) {
                continue;
            }
            CauseKind kind = JDK_KEYS.contains(key) ? CauseKind.JDK : TOOL_KEYS.contains(key) ? CauseKind.BUILD_TOOL
                    : USER_KEYS.contains(key) ? CauseKind.BUILD_USER : TIME_KEYS.contains(key) ? CauseKind.WALL_CLOCK
                    : null;
            if (kind != null) {
                sink.cause(kind, sides(nameA, lineA.strip(), nameB, lineB.strip()), where);
                keyedLines.add(lineA);
                keyedLines.add(lineB);
                named = true;
            }
        }
        for (int i = 0; i < Math.min(removed.size(), added.size()); i++) {
            String lineA = removed.get(i);
            String lineB = added.get(i);
            if (!keyedLines.contains(lineA) && !lineA.equals(lineB) && DATE.matcher(lineA).find()
                    && DATE.matcher(lineA).replaceAll("<date>").equals(DATE.matcher(lineB).replaceAll("<date>"))) {
                sink.cause(CauseKind.WALL_CLOCK, sides(nameA, lineA.strip(), nameB, lineB.strip()), where);
                named = true;
                break;
            }
        }
        return findPath(String.join("\n", removed), String.join("\n", added), where, nameA, nameB, sink) || named;
    }

    /**
     * An absolute path only in a and one only in b that end the same way: the part before the common end
     * is where each build ran. True if such a pair is found.
     */
    static boolean findPath(String a, String b, String where, String nameA, String nameB, Sink sink) {
        Set<String> tokensA = tokens(a);
        Set<String> tokensB = tokens(b);
        Set<String> onlyA = new LinkedHashSet<>(tokensA);
        onlyA.removeAll(tokensB);
        Set<String> onlyB = new LinkedHashSet<>(tokensB);
        onlyB.removeAll(tokensA);
        if (onlyA.isEmpty() || onlyB.isEmpty()) {
            return false;
        }
        Map<String, String> bySuffix = new HashMap<>();
        for (String token : onlyA) {
            for (int i = token.indexOf('/', 1); i > 0; i = token.indexOf('/', i + 1)) {
                bySuffix.putIfAbsent(token.substring(i), token);
            }
        }
        Map<String, Integer> pairs = new LinkedHashMap<>();
        for (String token : onlyB) {
            for (int j = token.indexOf('/', 1); j > 0; j = token.indexOf('/', j + 1)) {
                String tokenA = bySuffix.get(token.substring(j));
                if (tokenA != null) {
                    String prefixA = tokenA.substring(0, tokenA.length() - token.length() + j);
                    pairs.merge(prefixA + "\u0000" + token.substring(0, j), 1, Integer::sum);
                    break;
                }
            }
        }
        return pairs.entrySet().stream().max(Map.Entry.comparingByValue()).map(best -> {
            String[] prefixes = best.getKey().split("\u0000");
            sink.cause(CauseKind.BUILD_PATH, sides(nameA, prefixes[0], nameB, prefixes[1]), where);
            return true;
        }).orElse(false);
    }

    private static Set<String> tokens(String text) {
        Set<String> tokens = new LinkedHashSet<>();
        Matcher matcher = PATH.matcher(text);
        while (tokens.size() < MAX_TOKENS && matcher.find()) {
            tokens.add(matcher.group().replace('\\', '/'));
        }
        return tokens;
    }

    private static java.util.Optional<String> key(String line) {
        Matcher matcher = KEY.matcher(line);
        return matcher.find() ? java.util.Optional.of(matcher.group(1).toLowerCase(Locale.ROOT))
                : java.util.Optional.empty();
    }

    static String sides(String nameA, String valueA, String nameB, String valueB) {
        return nameA + " `" + valueA + "` vs " + nameB + " `" + valueB + "`";
    }
}
