package io.buildchain.core.diff;

import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Why two builds of one revision differ: which files, and for archives which entries and whether only
 * timestamps, permissions or owners (the usual reproducibility bugs) or the content itself.
 */
public final class Divergence {
    private Divergence() {
    }

    public enum Kind { ONLY_IN_A, ONLY_IN_B, DIFFERENT }

    /** One differing file; {@code entries} is filled when both sides' archives could be read. */
    public record FileDifference(String name, Kind kind, Digest a, Digest b, List<String> entries) {
    }

    public static List<FileDifference> compare(Manifest a, Manifest b) throws IOException {
        return compare(a, b, Optional.empty(), Optional.empty());
    }

    /** Compares two manifests; with both artifact directories, looks inside differing archives too. */
    public static List<FileDifference> compare(Manifest a, Manifest b, Optional<Path> artifactsA,
            Optional<Path> artifactsB) throws IOException {
        List<FileDifference> differences = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(io.buildchain.core.manifest.ManifestNames.ORDER);
        names.addAll(a.files().keySet());
        names.addAll(b.files().keySet());
        for (String name : names) {
            Digest da = a.files().get(name);
            Digest db = b.files().get(name);
            if (da == null) {
                differences.add(new FileDifference(name, Kind.ONLY_IN_B, null, db, List.of()));
            } else if (db == null) {
                differences.add(new FileDifference(name, Kind.ONLY_IN_A, da, null, List.of()));
            } else if (!da.equals(db)) {
                List<String> entries = List.of();
                Optional<String> kind = ArchiveEntries.kind(name);
                if (kind.isPresent() && artifactsA.isPresent() && artifactsB.isPresent()) {
                    entries = compareArchives(artifactsA.get().resolve(name), artifactsB.get().resolve(name), kind.get());
                }
                differences.add(new FileDifference(name, Kind.DIFFERENT, da, db, entries));
            }
        }
        if (a.time() != b.time()) {
            differences.add(0, new FileDifference("(source time)", Kind.DIFFERENT, null, null,
                    List.of("time " + Long.toUnsignedString(a.time()) + " vs " + Long.toUnsignedString(b.time())
                            + ": the builds are of different source revisions or clocks")));
        }
        return differences;
    }

    static List<String> compareArchives(Path fileA, Path fileB, String kind) {
        if (!Files.isRegularFile(fileA) || !Files.isRegularFile(fileB)) {
            return List.of("(archive not available on both sides; cannot compare entries)");
        }
        SortedMap<String, ArchiveEntries.Entry> a;
        SortedMap<String, ArchiveEntries.Entry> b;
        try {
            a = ArchiveEntries.list(fileA, kind);
            b = ArchiveEntries.list(fileB, kind);
        } catch (IOException | RuntimeException e) {
            return List.of("(cannot read as " + kind + ": " + e.getMessage() + ")");
        }
        List<String> lines = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            ArchiveEntries.Entry ea = a.get(name);
            ArchiveEntries.Entry eb = b.get(name);
            if (ea == null) {
                lines.add(name + ": only in B");
            } else if (eb == null) {
                lines.add(name + ": only in A");
            } else {
                List<String> causes = new ArrayList<>();
                if (!Objects.equals(ea.digest(), eb.digest()) || ea.size() != eb.size()) {
                    causes.add("content differs (size " + ea.size() + " vs " + eb.size()
                            + (ea.digest() == null || eb.digest() == null ? ""
                                    : ", sha384 " + ea.digest().base32().substring(0, 12) + "… vs "
                                            + eb.digest().base32().substring(0, 12) + "…") + ")");
                }
                if (!ea.modified().equals(eb.modified())) {
                    causes.add("timestamp " + ea.modified() + " vs " + eb.modified());
                }
                if (ea.mode() != eb.mode()) {
                    causes.add("mode " + octal(ea.mode()) + " vs " + octal(eb.mode()));
                }
                if (!ea.owner().equals(eb.owner())) {
                    causes.add("owner " + ea.owner() + " vs " + eb.owner());
                }
                if (!causes.isEmpty()) {
                    lines.add(name + ": " + String.join("; ", causes));
                }
            }
        }
        if (lines.isEmpty()) {
            lines.add("(all entries identical: the difference is in the archive's own metadata, order or compression)");
        }
        return lines;
    }

    /** A plain-text report, one file per line and its archive entries indented below. */
    public static String render(List<FileDifference> differences, String labelA, String labelB) {
        if (differences.isEmpty()) {
            return "no differences between " + labelA + " and " + labelB + "\n";
        }
        StringBuilder out = new StringBuilder("A = " + labelA + "\nB = " + labelB + "\n");
        for (String line : lines(differences)) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** The report as lines (stored in the quorum evidence). */
    public static List<String> lines(List<FileDifference> differences) {
        List<String> lines = new ArrayList<>();
        for (FileDifference d : differences) {
            lines.add(switch (d.kind()) {
                case ONLY_IN_A -> d.name() + ": only in A";
                case ONLY_IN_B -> d.name() + ": only in B";
                case DIFFERENT -> d.a() == null ? d.name() + ":" : d.name() + ": sha384 " + d.a() + " vs " + d.b();
            });
            for (String entry : d.entries()) {
                lines.add("    " + entry);
            }
        }
        return lines;
    }

    /** Pairs of files that differ on both sides, for an external tool such as diffoscope. */
    public static List<Map.Entry<Path, Path>> differingPairs(List<FileDifference> differences, Path dirA, Path dirB) {
        return differences.stream().filter(d -> d.kind() == Kind.DIFFERENT && d.a() != null)
                .map(d -> Map.entry(dirA.resolve(d.name()), dirB.resolve(d.name()))).toList();
    }

    private static String octal(int mode) {
        return mode < 0 ? "(none)" : String.format("%04o", mode);
    }
}
