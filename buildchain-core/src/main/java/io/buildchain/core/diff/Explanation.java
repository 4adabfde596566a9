package io.buildchain.core.diff;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.buildchain.core.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why build {@code b} differs from build {@code a}: the causes first (each once, with a count and the usual
 * fix), then the decisive lines, then the per-entry evidence as table rows. The one structure behind
 * {@code buildchain diff} (text and JSON), the publish output, the stored quorum evidence and the pages.
 * Every value pair is in the order a, b, and every sentence names the two builders.
 *
 * @param a           the first builder's name (for publish: the accepted manifest's builders)
 * @param b           the second builder's name (for publish: the dissenting builders)
 * @param manifestA   base32 SHA-384 of a's manifest, if known
 * @param files       how many files of the manifests differ
 * @param rowsLeftOut evidence rows beyond the bound, counted but not listed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Explanation(String a, String b, String manifestA, String manifestB, int files, List<Cause> causes,
        List<Decisive> decisive, List<Row> rows, int rowsLeftOut) {

    private static final int BRIEF_DECISIVE = 2;
    private static final int BRIEF_DECISIVE_LINES = 3;
    private static final int BRIEF_GROUPS = 4;
    /** Which causes explain each aspect of a row (the rows of an aspect no cause names are said to be unexplained). */
    private static final Map<String, List<String>> COVERING = Map.ofEntries(
            Map.entry("source time", List.of("source-time")), Map.entry("file", List.of("file-only")),
            Map.entry("entry", List.of("entry-only")), Map.entry("time", List.of("time-zone", "wall-clock")),
            Map.entry("mode", List.of("umask", "modes")), Map.entry("attributes", List.of("zip-attributes")),
            Map.entry("owner", List.of("owner")), Map.entry("method", List.of("compression")),
            Map.entry("compressed size", List.of("compression")), Map.entry("extra fields", List.of("extra-fields")),
            Map.entry("order", List.of("entry-order")), Map.entry("comment", List.of("comment")),
            Map.entry("content", List.of("jdk", "build-tool", "build-user", "wall-clock", "build-path")));

    public Explanation {
        causes = List.copyOf(causes);
        decisive = List.copyOf(decisive);
        rows = List.copyOf(rows);
    }

    /**
     * One cause, said once.
     *
     * @param kind    a stable name for tools ("time-zone", "umask", "jdk", "entry-order", "build-path",
     *                "wall-clock", …; callers may add their own, e.g. "environment")
     * @param summary one sentence naming both builders
     * @param fix     the usual fix, or null when there is no general one
     * @param count   how many files or entries show it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cause(String kind, String summary, String fix, int count) {
    }

    /**
     * The lines that decide one differing entry: a unified diff of text, the differing parts of a class
     * file, or where two binaries first differ.
     *
     * @param entry file name, with "!/" before each path inside an archive
     */
    public record Decisive(String entry, String kind, List<String> lines) {
        public Decisive {
            lines = List.copyOf(lines);
        }
    }

    /**
     * One difference of one file or entry, as a table row.
     *
     * @param entry  path inside the archive ("!/" between nested archives), empty for the file itself
     * @param aspect what differs: "file", "sha384", "content", "mode", "time", "owner", "order", …
     */
    public record Row(String file, String entry, String aspect, String a, String b) {
    }

    /**
     * This explanation with causes found elsewhere (e.g. differences in the builders' recorded
     * environments) put before the ones read from the artifacts.
     */
    public Explanation withCausesFirst(List<Cause> first) {
        List<Cause> all = new ArrayList<>(first);
        all.addAll(causes);
        return new Explanation(a, b, manifestA, manifestB, files, all, decisive, rows, rowsLeftOut);
    }

    public boolean same() {
        return files == 0 && causes.isEmpty();
    }

    /**
     * The plain-text report: summary, causes with fixes, decisive lines, then the evidence table. Every value
     * is printed on its own line as it is, except control characters, which become '?': names, owners and
     * text come from the artifacts, and must not add lines to the report nor steer a terminal.
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        String a = Printable.of(this.a);
        String b = Printable.of(this.b);
        if (same()) {
            return out.append("no differences between ").append(a).append(" and ").append(b).append('\n').toString();
        }
        out.append(a).append(" vs ").append(b).append(": ").append(files).append(files == 1 ? " file differs" : " files differ")
                .append('\n');
        if (manifestA != null && manifestB != null) {
            out.append("  manifests ").append(Printable.of(manifestA)).append(" (").append(a).append(") vs ")
                    .append(Printable.of(manifestB)).append(" (").append(b).append(")\n");
        }
        out.append("\nCauses:\n");
        for (Cause cause : causes) {
            out.append("  * ").append(Printable.of(cause.summary())).append('\n');
            if (cause.fix() != null) {
                out.append("    fix: ").append(Printable.of(cause.fix())).append('\n');
            }
        }
        if (!decisive.isEmpty()) {
            out.append("\nDecisive lines:\n");
            for (Decisive d : decisive) {
                out.append("  ").append(Printable.of(d.entry())).append(" (").append(Printable.of(d.kind())).append(")\n");
                for (String line : d.lines()) {
                    out.append("    ").append(Printable.of(line)).append('\n');
                }
            }
        }
        if (!rows.isEmpty()) {
            out.append("\nEvidence (file | entry | what | ").append(a).append(" | ").append(b).append("):\n");
            for (Row row : rows) {
                out.append("  ").append(Printable.of(row.file())).append(" | ")
                        .append(row.entry() == null || row.entry().isEmpty() ? "-" : Printable.of(row.entry()))
                        .append(" | ").append(Printable.of(row.aspect())).append(" | ").append(Printable.of(row.a()))
                        .append(" | ").append(Printable.of(row.b())).append('\n');
            }
            if (rowsLeftOut > 0) {
                out.append("  … ").append(rowsLeftOut).append(" more rows\n");
            }
        }
        return out.toString();
    }

    /**
     * The report for one screen, with {@link #render()} as the full one: every cause on one line with its fix, the
     * first {@value #BRIEF_DECISIVE} decisive entries cut to {@value #BRIEF_DECISIVE_LINES} lines each, and the evidence
     * rows counted per file and aspect, beside the causes that cover that aspect, instead of listed.
     *
     * @param whereAll how to see every listed row (a command or a file), said after the count
     */
    public List<String> brief(String whereAll) {
        String a = Printable.of(this.a);
        String b = Printable.of(this.b);
        List<String> out = new ArrayList<>();
        if (same()) {
            out.add("no differences between " + a + " and " + b);
            return out;
        }
        out.add(a + " vs " + b + ": " + files + (files == 1 ? " file differs" : " files differ"));
        for (Cause cause : causes) {
            out.add("  * " + Printable.of(cause.summary()) + (cause.fix() == null ? "" : " -- fix: " + Printable.of(cause.fix())));
        }
        for (Decisive d : decisive.subList(0, Math.min(BRIEF_DECISIVE, decisive.size()))) {
            // Of a unified diff, the changed lines themselves rather than its file and hunk headers.
            List<String> changed = d.lines().stream().filter(line -> (line.startsWith("-") && !line.startsWith("---"))
                    || (line.startsWith("+") && !line.startsWith("+++"))).toList();
            List<String> lines = d.kind().equals("text") && !changed.isEmpty() ? changed : d.lines();
            int shown = Math.min(BRIEF_DECISIVE_LINES, lines.size());
            out.add("  decisive: " + Printable.of(d.entry()) + " (" + Printable.of(d.kind())
                    + (shown < d.lines().size() ? ", " + shown + " of " + d.lines().size() + " lines" : "") + ")");
            lines.subList(0, shown).forEach(line -> out.add("    " + Printable.of(line)));
        }
        if (decisive.size() > BRIEF_DECISIVE) {
            out.add("  … " + (decisive.size() - BRIEF_DECISIVE) + " more decisive entries");
        }
        int total = rows.size() + rowsLeftOut;
        if (total > 0) {
            Map<String, Integer> groups = new LinkedHashMap<>();
            rows.stream().filter(row -> !row.aspect().equals("sha384"))
                    .forEach(row -> groups.merge(Printable.of(row.file()) + "\u0000" + row.aspect(), 1, Integer::sum));
            // Past the first rows, the rows are counted only, in the stored evidence too: never promise them all.
            out.add("  " + total + (total == 1 ? " evidence row" : " evidence rows")
                    + (rowsLeftOut > 0 ? " (the first " + rows.size() + " listed: " : " (all of them: ") + whereAll + ")"
                    + (groups.isEmpty() ? "" : ":"));
            groups.entrySet().stream().limit(BRIEF_GROUPS).forEach(group -> {
                String[] fileAndAspect = group.getKey().split("\u0000", 2);
                String covered = coveredBy(fileAndAspect[1]);
                out.add("    " + fileAndAspect[0] + ": " + group.getValue() + " x " + Printable.of(fileAndAspect[1])
                        + (covered.isEmpty() ? " (no cause above names it)" : " (" + covered + ")"));
            });
            if (groups.size() > BRIEF_GROUPS) {
                out.add("    … and " + (groups.size() - BRIEF_GROUPS) + " more kinds of rows");
            }
            if (rowsLeftOut > 0) {
                out.add("    (" + rowsLeftOut + " rows past the first " + rows.size() + " are counted, not listed)");
            }
        }
        return out;
    }

    /** The kinds of this explanation's causes that cover rows of {@code aspect}, comma-separated. */
    private String coveredBy(String aspect) {
        List<String> kinds = COVERING.getOrDefault(aspect, List.of());
        return String.join(", ", causes.stream().map(Cause::kind).filter(kinds::contains).distinct().toList());
    }

    /** The report as lines, e.g. for a log or an exception message. */
    public static List<String> lines(List<Explanation> explanations) {
        List<String> lines = new ArrayList<>();
        for (Explanation explanation : explanations) {
            lines.addAll(explanation.render().lines().toList());
        }
        return lines;
    }
}
