package io.buildchain.core.diff;

import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.ManifestNames;
import io.buildchain.core.release.ReleaseRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Why two builds of one revision differ, as an {@link Explanation}: the manifests' files, and with both
 * artifact directories the entries of differing archives (nested ones too), grouped into causes.
 */
public final class Divergence {
    static final int MAX_ROWS = 300;
    static final int MAX_DECISIVE = 30;
    /** Differing entries whose bytes we fetch to name a cause (each at most 1 MiB, all within the bounds). */
    static final int MAX_INSPECTED = 200;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Divergence() {
    }

    /**
     * One build as compared.
     *
     * @param name      how reports call it (a trust-file label, a Jenkins branch, a path), given as is
     * @param artifacts its output directory, to look inside differing files
     */
    public record Side(String name, Manifest manifest, Optional<Path> artifacts) {
        public Side {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Explains how {@code b} differs from {@code a}; every pair of values in the result is in that order. */
    public static Explanation explain(Side a, Side b) throws IOException {
        return new Comparison(a, b).run();
    }

    /** Pairs of files that differ on both sides, for an external tool such as diffoscope. */
    public static List<Map.Entry<Path, Path>> differingPairs(Manifest a, Manifest b, Path dirA, Path dirB) {
        List<Map.Entry<Path, Path>> pairs = new ArrayList<>();
        for (Map.Entry<String, Digest> file : a.files().entrySet()) {
            Digest other = b.files().get(file.getKey());
            if (other != null && !other.equals(file.getValue())) {
                pairs.add(Map.entry(dirA.resolve(file.getKey()), dirB.resolve(file.getKey())));
            }
        }
        return pairs;
    }

    static String time(long seconds, boolean local) {
        String text = TIME.format(LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC));
        return local ? text + " (local)" : text + " UTC";
    }

    static String octal(int mode) {
        return mode < 0 ? "(none)" : String.format("%04o", mode);
    }

    static String shift(long seconds) {
        long abs = Math.abs(seconds);
        long hours = abs / 3600;
        long minutes = abs % 3600 / 60;
        return (hours > 0 ? hours + " h" : "") + (minutes > 0 ? (hours > 0 ? " " : "") + minutes + " min" : "")
                + (abs % 60 > 0 ? " " + abs % 60 + " s" : "");
    }

    /** One comparison's state: what was found so far, and the bounds everything read counts against. */
    private static final class Comparison {
        private final Side a;
        private final Side b;
        private final Map<String, Finding> findings = new LinkedHashMap<>();
        private final List<Explanation.Row> rows = new ArrayList<>();
        private final List<Explanation.Decisive> decisive = new ArrayList<>();
        private int rowsLeftOut;
        private int inspected;
        private ReadBounds bounds;

        Comparison(Side a, Side b) {
            this.a = a;
            this.b = b;
        }

        /** A cause as collected: merged by kind and key over files and entries. */
        private static final class Finding {
            final CauseKind kind;
            final Function<Finding, String> summary;
            final Set<String> where = new LinkedHashSet<>();
            int count;
            boolean all = true;
            final List<String> examples = new ArrayList<>();

            Finding(CauseKind kind, Function<Finding, String> summary) {
                this.kind = kind;
                this.summary = summary;
            }

            String places() {
                List<String> shown = new ArrayList<>(where).subList(0, Math.min(3, where.size()));
                return String.join(", ", shown) + (where.size() > 3 ? " and " + (where.size() - 3) + " more" : "");
            }

            String examples() {
                return String.join(", ", examples);
            }
        }

        private Finding finding(CauseKind kind, String key, String where, int count, Function<Finding, String> summary) {
            Finding f = findings.computeIfAbsent(kind + "\u0000" + key, k -> new Finding(kind, summary));
            f.where.add(where);
            f.count += count;
            return f;
        }

        private void row(String file, String entry, String aspect, String valueA, String valueB) {
            if (rows.size() < MAX_ROWS) {
                rows.add(new Explanation.Row(file, entry, aspect, valueA, valueB));
            } else {
                rowsLeftOut++;
            }
        }

        Explanation run() throws IOException {
            Manifest ma = a.manifest();
            Manifest mb = b.manifest();
            bounds = ReadBounds.forInputs(totalSize(a, differingNames()), totalSize(b, differingNames()));
            if (ma.time() != mb.time()) {
                String ta = time(ma.time(), false);
                String tb = time(mb.time(), false);
                finding(CauseKind.SOURCE_TIME, "", "manifest", 1, f -> "source times differ: " + a.name() + " " + ta
                        + " vs " + b.name() + " " + tb + ": the builds are of different revisions, or the source time "
                        + "was not taken from the commit");
                row("(manifest)", "", "source time", ta, tb);
            }
            int files = 0;
            TreeSet<String> names = new TreeSet<>(ManifestNames.ORDER);
            names.addAll(ma.files().keySet());
            names.addAll(mb.files().keySet());
            for (String name : names) {
                Digest da = ma.files().get(name);
                Digest db = mb.files().get(name);
                if (da != null && da.equals(db)) {
                    continue;
                }
                files++;
                if (da == null || db == null) {
                    String side = da == null ? b.name() : a.name();
                    Finding f = finding(CauseKind.FILE_ONLY, side, name, 1,
                            x -> x.count + (x.count == 1 ? " file" : " files") + " only in " + side + ": " + x.places());
                    f.all = false;
                    row(name, "", "file", da == null ? "absent" : "present", db == null ? "absent" : "present");
                    continue;
                }
                row(name, "", "sha384", abbreviate(da.base32()), abbreviate(db.base32()));
                try {
                    compareFile(name);
                } catch (IOException | RuntimeException e) {
                    // A damaged or hostile artifact must not stop the explanation (nor a publish): say so.
                    finding(CauseKind.UNREAD, "failed " + name, name, 1, f -> name + " differs but reading it failed: "
                            + e.getMessage());
                }
            }
            if (files == 0 && ma.time() == mb.time()) {
                return new Explanation(a.name(), b.name(), ma.digest().base32(), mb.digest().base32(), 0, List.of(),
                        List.of(), List.of(), 0);
            }
            return new Explanation(a.name(), b.name(), ma.digest().base32(), mb.digest().base32(), files, causes(),
                    decisiveInOrder(), rows, rowsLeftOut);
        }

        private Set<String> differingNames() {
            Set<String> names = new TreeSet<>();
            for (Map.Entry<String, Digest> file : a.manifest().files().entrySet()) {
                Digest other = b.manifest().files().get(file.getKey());
                if (other != null && !other.equals(file.getValue())) {
                    names.add(file.getKey());
                }
            }
            return names;
        }

        private static long totalSize(Side side, Set<String> names) {
            long total = 0;
            if (side.artifacts().isPresent()) {
                for (String name : names) {
                    try {
                        total += Files.size(side.artifacts().get().resolve(name));
                    } catch (IOException e) {
                        // Missing on this side: reported when compared.
                    }
                }
            }
            return total;
        }

        private void compareFile(String name) throws IOException {
            if (a.artifacts().isEmpty() || b.artifacts().isEmpty()) {
                String missing = a.artifacts().isEmpty() && b.artifacts().isEmpty() ? a.name() + "'s and " + b.name() + "'s"
                        : (a.artifacts().isEmpty() ? a.name() : b.name()) + "'s";
                finding(CauseKind.UNREAD, "artifacts", name, 1, f -> f.count + (f.count == 1 ? " file differs" : " files differ")
                        + " (" + f.places() + ") but " + missing + " artifacts were not given, so we cannot look inside");
                return;
            }
            Path fileA = a.artifacts().get().resolve(name);
            Path fileB = b.artifacts().get().resolve(name);
            for (Path file : List.of(fileA, fileB)) {
                if (!Files.isRegularFile(file)) {
                    finding(CauseKind.UNREAD, "missing " + file, name, 1, f -> name + " differs but " + file
                            + " is missing, so we cannot look inside");
                    return;
                }
            }
            ArchiveEntries.Source sa = ArchiveEntries.Source.of(fileA);
            ArchiveEntries.Source sb = ArchiveEntries.Source.of(fileB);
            Optional<String> kind = ArchiveEntries.kind(name);
            if (kind.isPresent()) {
                compareArchives(name, "", sa, sb, kind.get(), 1);
                return;
            }
            byte[] contentA = Files.size(fileA) <= ReadBounds.MAX_DETAIL_ENTRY ? readSmall(fileA) : null;
            byte[] contentB = Files.size(fileB) <= ReadBounds.MAX_DETAIL_ENTRY ? readSmall(fileB) : null;
            Optional<List<String>> resized = name.equals(ReleaseRecord.NAME) && contentA != null && contentB != null
                    ? recordSizesOnly(contentA, contentB) : Optional.empty();
            if (resized.isPresent()) {
                finding(CauseKind.RECORD_SIZES, "", name, 1, f -> name + " differs only in the recorded sizes of "
                        + String.join(", ", resized.get().subList(0, Math.min(3, resized.get().size())))
                        + (resized.get().size() > 3 ? " and " + (resized.get().size() - 3) + " more" : "")
                        + ", which differ themselves: it follows from them");
            } else if (contentA != null && contentB != null) {
                if (!explainContent(name, "", contentA, contentB)) {
                    unexplainedContent(name);
                }
            } else {
                decisive.add(new Explanation.Decisive(name, "binary", List.of(firstDifference(sa, sb))));
                unexplainedContent(name);
            }
        }

        /**
         * The files whose recorded sizes are all that tells two release records apart, if each of those files differs
         * in the manifests too: a record that changed only because the files it lists changed explains nothing more.
         */
        private Optional<List<String>> recordSizesOnly(byte[] contentA, byte[] contentB) {
            ReleaseRecord ra;
            ReleaseRecord rb;
            try {
                ra = ReleaseRecord.parse(contentA, a.name() + " " + ReleaseRecord.NAME);
                rb = ReleaseRecord.parse(contentB, b.name() + " " + ReleaseRecord.NAME);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
            if (!new ReleaseRecord(ra.project(), ra.branch(), ra.version(), ra.revision(), ra.sourceTime(), rb.sizes())
                    .equals(rb)) {
                return Optional.empty();
            }
            Set<String> names = new TreeSet<>(ManifestNames.ORDER);
            names.addAll(ra.sizes().keySet());
            names.addAll(rb.sizes().keySet());
            List<String> resized = names.stream().filter(n -> !Objects.equals(ra.sizes().get(n), rb.sizes().get(n))).toList();
            boolean eachDiffers = resized.stream().allMatch(n -> !Objects.equals(a.manifest().files().get(n),
                    b.manifest().files().get(n)));
            return eachDiffers ? Optional.of(resized) : Optional.empty();
        }

        private byte[] readSmall(Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(ReadBounds.MAX_DETAIL_ENTRY + 1);
                return bytes.length <= ReadBounds.MAX_DETAIL_ENTRY && bounds.hold(bytes.length) ? bytes : null;
            }
        }

        private void unexplainedContent(String where) {
            finding(CauseKind.CONTENT, "", where, 1, f -> f.count + (f.count == 1 ? " entry or file differs"
                    : " entries or files differ") + " in content for a reason not named here (in " + f.places()
                    + "): see the decisive lines");
        }

        private void compareArchives(String file, String prefix, ArchiveEntries.Source sa, ArchiveEntries.Source sb,
                String kind, int depth) throws IOException {
            String archive = archiveName(file, prefix);
            ArchiveEntries.Listing la;
            ArchiveEntries.Listing lb;
            try {
                la = ArchiveEntries.list(sa, kind, bounds);
                lb = ArchiveEntries.list(sb, kind, bounds);
            } catch (IOException | RuntimeException e) {
                finding(CauseKind.UNREAD, "unreadable " + archive, archive, 1,
                        f -> archive + " differs but cannot be read as " + kind + ": " + e.getMessage());
                return;
            }
            for (ArchiveEntries.Listing listing : List.of(la, lb)) {
                if (listing.problem() != null) {
                    String side = listing == la ? a.name() : b.name();
                    finding(CauseKind.UNREAD, "bound " + archive + side, archive, 1, f -> archive + " of " + side
                            + " was not read to the end: " + listing.problem());
                }
            }
            Map<String, ArchiveEntries.Entry> byNameA = la.byName();
            Map<String, ArchiveEntries.Entry> byNameB = lb.byName();
            List<ArchiveEntries.Entry> common = new ArrayList<>();
            List<String> contentDiffers = new ArrayList<>();
            boolean anyFact = false;
            for (ArchiveEntries.Entry ea : la.entries()) {
                ArchiveEntries.Entry eb = byNameB.get(ea.name());
                if (eb == null) {
                    entryOnlyIn(a.name(), file, prefix, ea.name());
                    anyFact = true;
                } else {
                    common.add(ea);
                    anyFact |= compareEntry(file, archive, prefix, ea, eb, contentDiffers);
                }
            }
            for (ArchiveEntries.Entry eb : lb.entries()) {
                if (!byNameA.containsKey(eb.name())) {
                    entryOnlyIn(b.name(), file, prefix, eb.name());
                    anyFact = true;
                }
            }
            anyFact |= compareTimes(file, prefix, common, byNameB);
            anyFact |= compareOrder(file, archive, prefix, la, lb, byNameA, byNameB);
            if (!la.comment().equals(lb.comment())) {
                anyFact = true;
                finding(CauseKind.COMMENT, archive, archive, 1, f -> "archive comment of " + archive + ": " + a.name()
                        + " \"" + la.comment() + "\" vs " + b.name() + " \"" + lb.comment() + "\"");
                row(file, prefix, "comment", la.comment(), lb.comment());
            }
            inspectContents(file, prefix, sa, sb, kind, depth, contentDiffers, byNameA, byNameB);
            if (!anyFact && la.problem() == null && lb.problem() == null) {
                String where = firstDifference(sa, sb);
                finding(CauseKind.LAYOUT, archive, archive, 1, f -> archive + ": the same entries with the same "
                        + "content, times, modes, owners, order, compression and extra fields, yet the archives differ ("
                        + where + "): they are laid out or compressed differently");
            }
        }

        private void entryOnlyIn(String side, String file, String prefix, String name) {
            boolean inA = side.equals(a.name());
            Finding f = finding(CauseKind.ENTRY_ONLY, side, archiveName(file, prefix), 1, x -> x.count
                    + (x.count == 1 ? " entry" : " entries") + " only in " + side + " (in " + x.places() + "; e.g. "
                    + x.examples() + ")");
            if (f.examples.size() < 3) {
                f.examples.add(prefix + name);
            }
            row(file, prefix + name, "entry", inA ? "present" : "absent", inA ? "absent" : "present");
        }

        /** Compares one entry's facts except its time and position; true if any differs. */
        private boolean compareEntry(String file, String archive, String prefix, ArchiveEntries.Entry ea,
                ArchiveEntries.Entry eb, List<String> contentDiffers) {
            String entry = prefix + ea.name();
            boolean differs = false;
            if (!ea.sameContent(eb)) {
                differs = true;
                contentDiffers.add(ea.name());
                row(file, entry, "content", describe(ea), describe(eb));
            }
            if (ea.mode() != eb.mode()) {
                differs = true;
                String ma = octal(ea.mode());
                String mb = octal(eb.mode());
                boolean umask = ea.mode() >= 0 && eb.mode() >= 0 && (ea.mode() & ~077) == (eb.mode() & ~077)
                        && ((ea.mode() & eb.mode()) == ea.mode() || (ea.mode() & eb.mode()) == eb.mode());
                finding(umask ? CauseKind.UMASK : CauseKind.MODES, ma + ">" + mb, archive, 1, f -> "entry modes "
                        + a.name() + " " + ma + " vs " + b.name() + " " + mb + " in " + f.count
                        + (f.count == 1 ? " entry" : " entries") + " of " + f.places()
                        + (umask ? ": different umask" : ": the files' permissions differ in the build trees"));
                row(file, entry, "mode", ma, mb);
            } else if (!ea.attributes().equals(eb.attributes())) {
                differs = true;
                finding(CauseKind.ZIP_ATTRIBUTES, ea.attributes() + ">" + eb.attributes(), archive, 1,
                        f -> "zip external attributes " + a.name() + " " + ea.attributes() + " vs " + b.name() + " "
                                + eb.attributes() + " in " + f.count + (f.count == 1 ? " entry" : " entries") + " of "
                                + f.places() + ": a different zip tool or host system");
                row(file, entry, "attributes", ea.attributes(), eb.attributes());
            }
            if (!ea.owner().equals(eb.owner())) {
                differs = true;
                finding(CauseKind.OWNER, ea.owner() + ">" + eb.owner(), archive, 1, f -> "entry owners " + a.name() + " "
                        + ea.owner() + " vs " + b.name() + " " + eb.owner() + " in " + f.count
                        + (f.count == 1 ? " entry" : " entries") + " of " + f.places() + ": the build users differ");
                row(file, entry, "owner", ea.owner(), eb.owner());
            }
            if (!ea.method().equals(eb.method())) {
                differs = true;
                finding(CauseKind.COMPRESSION, ea.method() + ">" + eb.method(), archive, 1, f -> "compression "
                        + a.name() + " " + ea.method() + " vs " + b.name() + " " + eb.method() + " in " + f.count
                        + (f.count == 1 ? " entry" : " entries") + " of " + f.places() + ": different archiver settings");
                row(file, entry, "method", ea.method(), eb.method());
            } else if (ea.sameContent(eb) && ea.compressedSize() != eb.compressedSize() && !ea.method().isEmpty()) {
                differs = true;
                finding(CauseKind.COMPRESSION, "level", archive, 1, f -> f.count + (f.count == 1 ? " entry" : " entries")
                        + " of " + f.places() + " have the same content but compress to different sizes: a different "
                        + "compression level or zlib version");
                row(file, entry, "compressed size", ea.compressedSize() + " B", eb.compressedSize() + " B");
            }
            if (!ea.extra().equals(eb.extra())) {
                differs = true;
                String xa = ea.extra().isEmpty() ? "none" : ea.extra();
                String xb = eb.extra().isEmpty() ? "none" : eb.extra();
                finding(CauseKind.EXTRA_FIELDS, xa + ">" + xb, archive, 1, f -> "extra fields " + a.name() + " [" + xa
                        + "] vs " + b.name() + " [" + xb + "] in " + f.count + (f.count == 1 ? " entry" : " entries")
                        + " of " + f.places() + ": a different archiver or options");
                row(file, entry, "extra fields", xa, xb);
            }
            return differs;
        }

        /** Entry times: a constant whole-quarter-hour shift of zip local times is a time zone; else the wall clock. */
        private boolean compareTimes(String file, String prefix, List<ArchiveEntries.Entry> common,
                Map<String, ArchiveEntries.Entry> byNameB) {
            String archive = archiveName(file, prefix);
            List<ArchiveEntries.Entry[]> differing = new ArrayList<>();
            Set<Long> shifts = new TreeSet<>();
            boolean local = true;
            for (ArchiveEntries.Entry ea : common) {
                ArchiveEntries.Entry eb = byNameB.get(ea.name());
                if (ea.time() != eb.time() || ea.localTime() != eb.localTime()) {
                    differing.add(new ArchiveEntries.Entry[] {ea, eb});
                    shifts.add(eb.time() - ea.time());
                    local &= ea.localTime() && eb.localTime();
                }
            }
            if (differing.isEmpty()) {
                return false;
            }
            for (ArchiveEntries.Entry[] pair : differing) {
                row(file, prefix + pair[0].name(), "time", time(pair[0].time(), pair[0].localTime()),
                        time(pair[1].time(), pair[1].localTime()));
            }
            ArchiveEntries.Entry[] first = differing.get(0);
            String example = a.name() + " " + time(first[0].time(), first[0].localTime()) + " vs " + b.name() + " "
                    + time(first[1].time(), first[1].localTime());
            long shift = shifts.iterator().next();
            if (local && shifts.size() == 1 && shift % 900 == 0 && Math.abs(shift) <= 14 * 3600) {
                boolean all = differing.size() == common.size();
                Finding f = finding(CauseKind.TIME_ZONE, Long.toString(shift), archive, differing.size(),
                        x -> (x.all ? "all " : "") + x.count + " entry timestamps of " + x.places() + " are " + shift(shift)
                                + " apart (zip times are local: " + x.examples() + "): the builds ran in different time zones");
                f.all &= all;
                if (f.examples.isEmpty()) {
                    f.examples.add(example);
                }
                return true;
            }
            long sourceA = a.manifest().time();
            long sourceB = b.manifest().time();
            long maxA = differing.stream().mapToLong(p -> p[0].time()).max().orElse(0);
            long maxB = differing.stream().mapToLong(p -> p[1].time()).max().orElse(0);
            long slack = local ? 14 * 3600 + 2 : 2;
            List<String> late = new ArrayList<>();
            if (sourceA > 0 && maxA > sourceA + slack) {
                late.add(a.name() + " up to " + time(maxA, first[0].localTime()));
            }
            if (sourceB > 0 && maxB > sourceB + slack) {
                late.add(b.name() + " up to " + time(maxB, first[1].localTime()));
            }
            String detail = late.isEmpty() ? "e.g. " + example : String.join(", ", late) + ", after the source time "
                    + time(Math.max(sourceA, sourceB), false);
            Finding f = finding(CauseKind.WALL_CLOCK, "times", archive, differing.size(),
                    x -> x.count + " entry timestamps of " + x.places() + " differ and follow the build's clock, not the "
                            + "source time (" + x.examples() + "): SOURCE_DATE_EPOCH is not honoured");
            if (f.examples.isEmpty()) {
                f.examples.add(detail);
            }
            return true;
        }

        private boolean compareOrder(String file, String archive, String prefix, ArchiveEntries.Listing la,
                ArchiveEntries.Listing lb, Map<String, ArchiveEntries.Entry> byNameA,
                Map<String, ArchiveEntries.Entry> byNameB) {
            List<String> orderA = la.entries().stream().map(ArchiveEntries.Entry::name).filter(byNameB::containsKey).toList();
            List<String> orderB = lb.entries().stream().map(ArchiveEntries.Entry::name).filter(byNameA::containsKey).toList();
            if (orderA.equals(orderB)) {
                return false;
            }
            int i = 0;
            while (orderA.get(i).equals(orderB.get(i))) {
                i++;
            }
            int at = i;
            boolean sameSet = la.entries().size() == lb.entries().size() && orderA.size() == la.entries().size();
            finding(CauseKind.ENTRY_ORDER, archive, archive, 1, f -> (sameSet ? "same entries" : "the common entries")
                    + " in a different order in " + archive + " (from position " + (at + 1) + ": " + a.name() + " "
                    + orderA.get(at) + ", " + b.name() + " " + orderB.get(at) + ")");
            row(file, prefix, "order", "#" + (at + 1) + " " + orderA.get(at), "#" + (at + 1) + " " + orderB.get(at));
            return true;
        }

        private void inspectContents(String file, String prefix, ArchiveEntries.Source sa, ArchiveEntries.Source sb,
                String kind, int depth, List<String> contentDiffers, Map<String, ArchiveEntries.Entry> byNameA,
                Map<String, ArchiveEntries.Entry> byNameB) throws IOException {
            Set<String> wanted = new LinkedHashSet<>();
            for (String name : contentDiffers) {
                boolean nested = ArchiveEntries.kind(name).isPresent() && depth < ReadBounds.MAX_DEPTH;
                boolean small = byNameA.get(name).size() <= ReadBounds.MAX_DETAIL_ENTRY
                        && byNameB.get(name).size() <= ReadBounds.MAX_DETAIL_ENTRY;
                if (nested || (small && inspected < MAX_INSPECTED)) {
                    wanted.add(name);
                    inspected += nested ? 0 : 1;
                }
            }
            java.util.function.ToLongFunction<String> limit = name -> ArchiveEntries.kind(name).isPresent()
                    ? Long.MAX_VALUE : ReadBounds.MAX_DETAIL_ENTRY;
            Map<String, byte[]> contentsA = ArchiveEntries.contents(sa, kind, wanted, limit, bounds);
            Map<String, byte[]> contentsB = ArchiveEntries.contents(sb, kind, wanted, limit, bounds);
            List<String> classesUnexplained = new ArrayList<>();
            for (String name : contentDiffers) {
                byte[] ca = contentsA.get(name);
                byte[] cb = contentsB.get(name);
                String entry = prefix + name;
                Optional<String> nestedKind = ArchiveEntries.kind(name);
                if (ca != null && cb != null && nestedKind.isPresent()) {
                    compareArchives(file, entry + "!/", ArchiveEntries.Source.of(ca), ArchiveEntries.Source.of(cb),
                            nestedKind.get(), depth + 1);
                } else if (ca != null && cb != null) {
                    boolean explained = explainContent(file, entry, ca, cb);
                    if (!explained && ClassDiff.isClass(ca) && ClassDiff.isClass(cb)) {
                        classesUnexplained.add(entry);
                    } else if (!explained) {
                        unexplainedContent(archiveName(file, prefix));
                    }
                } else if (!wanted.contains(name) && ArchiveEntries.kind(name).isEmpty()
                        && byNameA.get(name).size() <= ReadBounds.MAX_DETAIL_ENTRY
                        && byNameB.get(name).size() <= ReadBounds.MAX_DETAIL_ENTRY) {
                    // Past the count of entries we read: not looked at, so no cause is claimed or denied for it.
                    String archive = archiveName(file, prefix);
                    finding(CauseKind.UNREAD, "uninspected", archive, 1, f -> f.count + " more "
                            + (f.count == 1 ? "entry" : "entries") + " of " + f.places() + " differ in content and were "
                            + "not read: the explanation reads the first " + MAX_INSPECTED + " differing entries "
                            + "(the evidence rows list them)");
                } else {
                    unexplainedContent(archiveName(file, prefix));
                    if (decisive.size() < MAX_DECISIVE * 2) {
                        decisive.add(new Explanation.Decisive(file + "!/" + entry, "binary", List.of(a.name() + " "
                                + byNameA.get(name).size() + " B vs " + b.name() + " " + byNameB.get(name).size()
                                + " B; not compared byte by byte (over the bound of what we read into memory)")));
                    }
                }
            }
            String archive = archiveName(file, prefix);
            boolean jdk = findings.values().stream().anyMatch(f -> f.kind == CauseKind.JDK);
            for (String entry : classesUnexplained) {
                if (jdk) {
                    finding(CauseKind.JDK, "classes", archive, 1, f -> f.count + " class file(s) of " + f.places()
                            + " differ in their code, as different JDKs compile differently");
                } else {
                    unexplainedContent(archive);
                }
            }
        }

        /** Decisive lines for one differing content pair and the causes they show; true if a cause is named. */
        private boolean explainContent(String file, String entry, byte[] ca, byte[] cb) {
            String where = entry.isEmpty() ? file : file + "!/" + entry;
            Optional<String> ta = TextDiff.text(ca);
            Optional<String> tb = TextDiff.text(cb);
            if (ta.isPresent() && tb.isPresent()) {
                Optional<TextDiff.Result> diff = TextDiff.diff(ta.get(), tb.get(), a.name() + " " + where,
                        b.name() + " " + where);
                if (diff.isPresent()) {
                    decisive.add(new Explanation.Decisive(where, "text", diff.get().unified()));
                    return TextCauses.find(diff.get().removed(), diff.get().added(), where, a.name(), b.name(),
                            this::textCause);
                }
            }
            boolean named = false;
            if (ClassDiff.isClass(ca) && ClassDiff.isClass(cb)) {
                ClassDiff.Result result = ClassDiff.compare(ca, cb, a.name(), b.name());
                decisive.add(new Explanation.Decisive(where, "class", result.lines()));
                if (result.majorA() != result.majorB()) {
                    String va = ClassDiff.java(result.majorA());
                    String vb = ClassDiff.java(result.majorB());
                    finding(CauseKind.JDK, "major " + va + vb, where, 1, f -> "class file version " + a.name() + " " + va
                            + " vs " + b.name() + " " + vb + " in " + f.count + " class file(s) (" + f.places()
                            + "): compiled for a different Java release (JDK or --release differs)");
                    named = true;
                }
            } else {
                decisive.add(new Explanation.Decisive(where, "binary", List.of(firstDifference(ca, cb))));
            }
            String latinA = new String(ca, java.nio.charset.StandardCharsets.ISO_8859_1);
            String latinB = new String(cb, java.nio.charset.StandardCharsets.ISO_8859_1);
            named |= TextCauses.findPath(latinA, latinB, where, a.name(), b.name(), this::textCause);
            return named;
        }

        /** A cause that {@link TextCauses} found in one entry's changed lines. */
        private void textCause(CauseKind kind, String detail, String where) {
            finding(kind, detail, where, 1, f -> switch (kind) {
                case JDK -> detail + " in " + f.places() + ": a different JDK";
                case BUILD_TOOL -> detail + " in " + f.places() + ": different build tool versions";
                case BUILD_USER -> detail + " in " + f.places() + ": the build user's name is embedded";
                case WALL_CLOCK -> "a build date is written into " + f.count + (f.count == 1 ? " entry" : " entries")
                        + " (" + f.places() + ": " + detail + "): SOURCE_DATE_EPOCH is not honoured";
                case BUILD_PATH -> "an absolute build path is embedded: " + detail + " in " + f.count
                        + (f.count == 1 ? " entry" : " entries") + " (" + f.places() + ")";
                default -> detail + " in " + f.places();
            });
        }

        private String firstDifference(byte[] ca, byte[] cb) {
            int n = Math.min(ca.length, cb.length);
            int i = java.util.Arrays.mismatch(ca, cb);
            return firstDifferenceText(i < 0 ? n : i, ca.length, cb.length, i >= 0 && i < n ? ca[i] & 0xff : -1,
                    i >= 0 && i < n ? cb[i] & 0xff : -1);
        }

        private String firstDifference(ArchiveEntries.Source sa, ArchiveEntries.Source sb) throws IOException {
            try (InputStream ia = sa.open(); InputStream ib = sb.open()) {
                byte[] ba = new byte[65536];
                byte[] bb = new byte[65536];
                long offset = 0;
                while (true) {
                    int na = ia.readNBytes(ba, 0, ba.length);
                    int nb = ib.readNBytes(bb, 0, bb.length);
                    int i = java.util.Arrays.mismatch(ba, 0, na, bb, 0, nb);
                    if (i >= 0) {
                        int m = Math.min(na, nb);
                        return firstDifferenceText(offset + i, sa.size(), sb.size(), i < m ? ba[i] & 0xff : -1,
                                i < m ? bb[i] & 0xff : -1);
                    }
                    if (na == 0) {
                        return "identical bytes";
                    }
                    offset += na;
                }
            }
        }

        private String firstDifferenceText(long offset, long sizeA, long sizeB, int byteA, int byteB) {
            return "first difference at byte " + offset + " (0x" + Long.toHexString(offset) + ")"
                    + (byteA >= 0 ? ": " + a.name() + " 0x" + HexFormat.of().toHexDigits((byte) byteA) + " vs " + b.name()
                            + " 0x" + HexFormat.of().toHexDigits((byte) byteB) : "")
                    + "; sizes " + a.name() + " " + sizeA + " B vs " + b.name() + " " + sizeB + " B";
        }

        private List<Explanation.Cause> causes() {
            return findings.values().stream().sorted(Comparator.comparingInt(f -> f.kind.ordinal()))
                    .map(f -> new Explanation.Cause(f.kind.label(), f.summary.apply(f), f.kind.fix, f.count)).toList();
        }

        private List<Explanation.Decisive> decisiveInOrder() {
            List<String> order = List.of("text", "class", "binary");
            return decisive.stream().sorted(Comparator.comparingInt(d -> order.indexOf(d.kind()))).limit(MAX_DECISIVE)
                    .toList();
        }

        /** "x.jar" for the file itself, "x.jar!/lib/y.jar" for an archive nested in it. */
        private static String archiveName(String file, String prefix) {
            return prefix.isEmpty() ? file : file + "!/" + prefix.substring(0, prefix.length() - 2);
        }

        private static String describe(ArchiveEntries.Entry entry) {
            return entry.size() + " B" + (entry.sha256() == null ? ""
                    : ", sha256 " + HexFormat.of().formatHex(entry.sha256(), 0, 6) + "…");
        }

        private static String abbreviate(String digest) {
            return digest.substring(0, 16) + "…";
        }
    }
}
