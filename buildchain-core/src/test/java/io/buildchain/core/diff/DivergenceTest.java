package io.buildchain.core.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlift.compress.zstd.ZstdOutputStream;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Archives built for each cause a release engineer meets; each test asserts the named cause and the decisive line. */
class DivergenceTest {
    static final long SOURCE_TIME = 1_700_000_000L;
    static final long T = SOURCE_TIME * 1000;

    @TempDir
    Path dir;
    Path a;
    Path b;

    record E(String name, byte[] content, int mode, long millis) {
        static E of(String name, String content) {
            return new E(name, content.getBytes(StandardCharsets.UTF_8), 0644, T);
        }

        E mode(int newMode) {
            return new E(name, content, newMode, millis);
        }

        E at(long newMillis) {
            return new E(name, content, mode, newMillis);
        }
    }

    @BeforeEach
    void dirs() throws Exception {
        a = Files.createDirectories(dir.resolve("a"));
        b = Files.createDirectories(dir.resolve("b"));
    }

    static byte[] zip(List<E> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (E e : entries) {
                ZipArchiveEntry entry = new ZipArchiveEntry(e.name());
                entry.setUnixMode((e.name().endsWith("/") ? 040000 : 0100000) | e.mode());
                entry.setTime(e.millis());
                zip.putArchiveEntry(entry);
                zip.write(e.content());
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] tar(List<E> entries, Function<OutputStream, OutputStream> compress) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = compress.apply(bytes); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (E e : entries) {
                TarArchiveEntry entry = new TarArchiveEntry(e.name());
                entry.setSize(e.content().length);
                entry.setMode(0100000 | e.mode());
                entry.setModTime(e.millis());
                tar.putArchiveEntry(entry);
                tar.write(e.content());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] classFile(int major, boolean longer) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(major, Opcodes.ACC_PUBLIC, "org/example/Hello", null, "java/lang/Object", null);
        MethodVisitor run = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "()I", null, null);
        run.visitCode();
        run.visitIntInsn(Opcodes.BIPUSH, longer ? 42 : 41);
        run.visitInsn(Opcodes.IRETURN);
        run.visitMaxs(1, 0);
        run.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    Explanation explain(String name, byte[] bytesA, byte[] bytesB) throws Exception {
        Files.write(a.resolve(name), bytesA);
        Files.write(b.resolve(name), bytesB);
        Manifest ma = new TreeHasher(1).manifest(a, SOURCE_TIME);
        Manifest mb = new TreeHasher(1).manifest(b, SOURCE_TIME);
        return Divergence.explain(new Divergence.Side("ci-1", ma, Optional.of(a)), new Divergence.Side("ci-2", mb,
                Optional.of(b)));
    }

    static List<String> kinds(Explanation e) {
        return e.causes().stream().map(Explanation.Cause::kind).toList();
    }

    static String summaries(Explanation e) {
        return String.join("\n", e.causes().stream().map(Explanation.Cause::summary).toList());
    }

    static List<String> decisive(Explanation e, String entry) {
        return e.decisive().stream().filter(d -> d.entry().equals(entry)).findFirst().orElseThrow().lines();
    }

    static List<E> entries(Function<E, E> change) {
        List<E> entries = new ArrayList<>();
        entries.add(E.of("META-INF/", "").mode(0755));
        entries.add(E.of("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: Maven JAR Plugin 3.4.1\r\n"
                + "Build-Jdk-Spec: 17\r\n\r\n"));
        for (int i = 0; i < 28; i++) {
            entries.add(E.of("org/example/C" + i + ".class", "class " + i));
        }
        return entries.stream().map(change).toList();
    }

    /** The report of today: "(all entries identical…)" when only the zip external attributes (modes) differ. */
    @Test
    void umaskInZipExternalAttributesIsNamedNotCalledIdentical() throws Exception {
        Explanation e = explain("app-tests.jar", zip(entries(x -> x)),
                zip(entries(x -> x.mode(x.mode() & 0700))));
        assertThat(e.causes().get(0).kind()).isEqualTo("umask");
        assertThat(summaries(e)).contains("entry modes ci-1 0644 vs ci-2 0600 in 29 entries of app-tests.jar: different umask")
                .contains("entry modes ci-1 0755 vs ci-2 0700 in 1 entry").doesNotContain("identical");
        assertThat(e.causes().get(0).fix()).contains("umask 022");
        assertThat(e.rows()).contains(new Explanation.Row("app-tests.jar", "org/example/C3.class", "mode", "0644", "0600"));
        assertThat(e.render()).doesNotContain("all entries identical");
    }

    @Test
    void timeZoneShiftOfZipLocalTimesIsNamedAndNeverPrintedAsUtc() throws Exception {
        Explanation e = explain("app.jar", zip(entries(x -> x)), zip(entries(x -> x.at(x.millis() - 7 * 3600_000L))));
        assertThat(kinds(e)).containsExactly("time-zone");
        java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(T),
                java.time.ZoneId.systemDefault());
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        assertThat(summaries(e)).contains("all 30 entry timestamps of app.jar are 7 h apart (zip times are local: ci-1 "
                + format.format(local) + " (local) vs ci-2 " + format.format(local.minusHours(7))
                + " (local)): the builds ran in different time zones");
        assertThat(e.rows()).filteredOn(r -> r.aspect().equals("time")).hasSize(30)
                .allMatch(r -> r.a().endsWith("(local)") && !r.a().contains("Z") && !r.a().contains("UTC"));
        assertThat(e.causes().get(0).fix()).contains("TZ=UTC");
    }

    @Test
    void jdkLineInManifestAndClassVersionAreNamedWithTheDecisiveLines() throws Exception {
        Function<Integer, byte[]> jar = jdk -> {
            try {
                return zip(List.of(E.of("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nBuild-Jdk-Spec: " + jdk + "\r\n"),
                        new E("org/example/Hello.class", classFile(44 + jdk, jdk > 17), 0644, T)));
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        Explanation e = explain("app.jar", jar.apply(17), jar.apply(25));
        assertThat(e.causes()).first().extracting(Explanation.Cause::kind).isEqualTo("jdk");
        assertThat(summaries(e)).contains("ci-1 `Build-Jdk-Spec: 17` vs ci-2 `Build-Jdk-Spec: 25` in "
                + "app.jar!/META-INF/MANIFEST.MF: a different JDK")
                .contains("class file version ci-1 61 (Java 17) vs ci-2 69 (Java 25) in 1 class file(s)");
        assertThat(decisive(e, "app.jar!/META-INF/MANIFEST.MF")).contains("-Build-Jdk-Spec: 17", "+Build-Jdk-Spec: 25");
        assertThat(decisive(e, "app.jar!/org/example/Hello.class"))
                .contains("class file version: ci-1 61 (Java 17) vs ci-2 69 (Java 25)")
                .anyMatch(line -> line.startsWith("code differs in 1 method(s): run()I"))
                .anyMatch(line -> line.contains("-    BIPUSH 41")).anyMatch(line -> line.contains("+    BIPUSH 42"));
        assertThat(kinds(e)).doesNotContain("content");
    }

    /** Issue 23: the umask fix suggested project.build.outputTimestamp, which fixes times and order, not modes. */
    @Test
    void theUmaskFixNamesWhatFixesModes() throws Exception {
        Explanation e = explain("app.jar", zip(entries(x -> x)), zip(entries(x -> x.mode(x.mode() & 0700))));
        assertThat(e.causes()).filteredOn(c -> c.kind().equals("umask")).isNotEmpty().allSatisfy(c -> assertThat(c.fix())
                .contains("umask 022", "fixed modes").doesNotContain("outputTimestamp"));
    }

    static byte[] jdkJar(int jdk) throws Exception {
        return zip(List.of(E.of("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nBuild-Jdk-Spec: " + jdk + "\r\n"),
                new E("org/example/Hello.class", classFile(44 + jdk, jdk > 17), 0644, T)));
    }

    /** Both sides' artifacts with a release record of {@code version}, explained. */
    Explanation explainReleases(byte[] jarA, String versionA, byte[] jarB, String versionB) throws Exception {
        Files.write(a.resolve("app.jar"), jarA);
        Files.write(b.resolve("app.jar"), jarB);
        Manifest ma = io.buildchain.core.release.ReleaseRecord.writeInto(a, new TreeHasher(1).hashTree(a), "hello", "main",
                versionA, null, SOURCE_TIME);
        Manifest mb = io.buildchain.core.release.ReleaseRecord.writeInto(b, new TreeHasher(1).hashTree(b), "hello", "main",
                versionB, null, SOURCE_TIME);
        return Divergence.explain(new Divergence.Side("ci-1", ma, Optional.of(a)), new Divergence.Side("ci-2", mb,
                Optional.of(b)));
    }

    /**
     * Issue 23: a JDK dissent added "1 entry … differs for a reason not named here (in .buildchain/release.json)" when
     * the record differed only in the size of the jar the JDK changed.
     */
    @Test
    void aReleaseRecordDifferingOnlyInSizesOfDifferingFilesIsExplainedByThem() throws Exception {
        Explanation e = explainReleases(jdkJar(17), "1.0", jdkJar(25), "1.0");
        assertThat(e.files()).isEqualTo(2);
        assertThat(kinds(e)).contains("jdk", "record-sizes").doesNotContain("content");
        assertThat(summaries(e)).contains(".buildchain/release.json differs only in the recorded sizes of app.jar, which "
                + "differ themselves").doesNotContain("reason not named");
    }

    /** ...but a record that says something else too (another version) is not explained by the sizes. */
    @Test
    void aReleaseRecordNamingAnotherVersionStaysUnexplained() throws Exception {
        Explanation e = explainReleases(jdkJar(17), "1.0", jdkJar(25), "1.1");
        assertThat(kinds(e)).contains("jdk", "content").doesNotContain("record-sizes");
        assertThat(summaries(e)).contains("reason not named here (in .buildchain/release.json)");
    }

    /**
     * Entries past the count the explanation reads were called "differ for a reason not named here … see the decisive
     * lines", though nobody looked at them: they are said to be unread, and the ones read keep their own verdict.
     */
    @Test
    void entriesPastTheReadCountAreSaidToBeUnreadNotUnexplained() throws Exception {
        int count = Divergence.MAX_INSPECTED + 50;
        List<E> before = new ArrayList<>();
        List<E> after = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            before.add(E.of("data/" + i + ".bin", "\u0000\u0001 payload " + i));
            after.add(E.of("data/" + i + ".bin", "\u0000\u0002 payload " + i));
        }
        Explanation e = explain("data.zip", zip(before), zip(after));
        assertThat(summaries(e)).contains(Divergence.MAX_INSPECTED + " entries or files differ in content for a reason "
                + "not named here (in data.zip)", "50 more entries of data.zip differ in content and were not read: the "
                + "explanation reads the first " + Divergence.MAX_INSPECTED + " differing entries");
    }

    /** Issue 23: the one-screen report counts the evidence rows a cause explains instead of listing them. */
    @Test
    void theBriefReportSummarisesTheRowsACauseExplains() throws Exception {
        Explanation e = explain("app.jar", zip(entries(x -> x)), zip(entries(x -> x.at(x.millis() - 7 * 3600_000L))));
        List<String> brief = e.brief("add --evidence");
        assertThat(e.render().lines()).hasSizeGreaterThan(30);
        assertThat(brief).hasSizeLessThan(8)
                .contains("  31 evidence rows (all of them: add --evidence):", "    app.jar: 30 x time (time-zone)")
                .anyMatch(line -> line.startsWith("  * all 30 entry timestamps of app.jar are 7 h apart")
                        && line.contains(" -- fix: build with TZ=UTC"));
        assertThat(String.join("\n", brief)).doesNotContain("org/example/C3.class");
    }

    @Test
    void sameEntriesInADifferentOrderAreNamed() throws Exception {
        List<E> sorted = entries(x -> x);
        List<E> reversed = new ArrayList<>(sorted);
        java.util.Collections.reverse(reversed);
        Explanation e = explain("app.jar", zip(sorted), zip(reversed));
        assertThat(kinds(e)).containsExactly("entry-order");
        assertThat(summaries(e)).contains("same entries in a different order in app.jar (from position 1: ci-1 META-INF/, "
                + "ci-2 org/example/C27.class)");
    }

    @Test
    void embeddedAbsoluteBuildPathIsNamed() throws Exception {
        Function<String, byte[]> tgz = root -> {
            try {
                return tar(List.of(E.of("share/doc/build.txt", "compiled from " + root + "/proj/src/hello.c\nok\n"),
                        E.of("lib/hello.debug", "\u0001ELF\u0000" + root + "/proj/src/hello.c\u0000")),
                        out -> gzip(out));
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        Explanation e = explain("hello.tar.gz", tgz.apply("/home/alice"), tgz.apply("/srv/ci"));
        assertThat(kinds(e)).containsExactly("build-path");
        assertThat(summaries(e)).contains("an absolute build path is embedded: ci-1 `/home/alice` vs ci-2 `/srv/ci` in 2 "
                + "entries (hello.tar.gz!/share/doc/build.txt, hello.tar.gz!/lib/hello.debug)");
        assertThat(decisive(e, "hello.tar.gz!/share/doc/build.txt")).contains(
                "-compiled from /home/alice/proj/src/hello.c", "+compiled from /srv/ci/proj/src/hello.c");
        assertThat(decisive(e, "hello.tar.gz!/lib/hello.debug")).singleElement().asString()
                .startsWith("first difference at byte 6 (0x6): ci-1 0x68 vs ci-2 0x73");
    }

    @Test
    void wallClockTimestampsNotHonouringSourceDateEpochAreNamed() throws Exception {
        long buildA = T + 86_400_000L;
        long buildB = T + 2 * 86_400_000L;
        Function<Long, byte[]> tgz = clock -> {
            try {
                List<E> list = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    list.add(E.of("lib/f" + i, "same").at(clock + i * 1000L * (clock == buildA ? 1 : 3)));
                }
                list.add(E.of("pom.properties", "#" + (clock == buildA ? "Wed Nov 15 22:13:20 UTC 2023"
                        : "Thu Nov 16 22:13:21 UTC 2023") + "\nversion=1.0\n"));
                return tar(list, out -> out);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        Explanation e = explain("dist.tar", tgz.apply(buildA), tgz.apply(buildB));
        assertThat(kinds(e)).containsOnly("wall-clock");
        assertThat(summaries(e)).contains("5 entry timestamps of dist.tar differ and follow the build's clock, not the "
                + "source time (ci-1 up to 2023-11-15 22:13:24 UTC, ci-2 up to 2023-11-16 22:13:32 UTC, after the source "
                + "time 2023-11-14 22:13:20 UTC): SOURCE_DATE_EPOCH is not honoured")
                .contains("a build date is written into 1 entry (dist.tar!/pom.properties: ci-1 `#Wed Nov 15 22:13:20 UTC "
                        + "2023` vs ci-2 `#Thu Nov 16 22:13:21 UTC 2023`)");
        assertThat(e.causes().get(0).fix()).contains("SOURCE_DATE_EPOCH");
    }

    @Test
    void aJarInsideATarInsideAZipIsOpenedToTheDecisiveLine() throws Exception {
        Function<String, byte[]> outer = value -> {
            try {
                byte[] jar = zip(List.of(E.of("app.properties", "name=hello\nmode=" + value + "\n")));
                byte[] tar = tar(List.of(new E("lib/inner.jar", jar, 0644, T)), out -> out);
                return zip(List.of(new E("dist.tar", tar, 0644, T)));
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        Explanation e = explain("bundle.zip", outer.apply("fast"), outer.apply("slow"));
        assertThat(decisive(e, "bundle.zip!/dist.tar!/lib/inner.jar!/app.properties")).contains("-mode=fast", "+mode=slow");
        assertThat(e.rows()).extracting(Explanation.Row::entry).contains("dist.tar", "dist.tar!/lib/inner.jar",
                "dist.tar!/lib/inner.jar!/app.properties");
        assertThat(summaries(e)).contains("1 entry or file differs in content for a reason not named here (in "
                + "bundle.zip!/dist.tar!/lib/inner.jar)");
    }

    @Test
    void entriesOnlyOnOneSideNameThatSide() throws Exception {
        Explanation e = explain("app.jar", zip(List.of(E.of("x", "1"))), zip(List.of(E.of("x", "1"), E.of("added", "2"))));
        assertThat(summaries(e)).contains("1 entry only in ci-2 (in app.jar; e.g. added)");
        assertThat(e.rows()).contains(new Explanation.Row("app.jar", "added", "entry", "absent", "present"));
    }

    @Test
    void modesInsideATarZstAreRead() throws Exception {
        Function<Integer, byte[]> zst = mode -> {
            try {
                return tar(List.of(E.of("bin/run", "#!/bin/sh\n").mode(mode)), out -> {
                    try {
                        return new ZstdOutputStream(out);
                    } catch (java.io.IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                });
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        Explanation e = explain("tool.tar.zst", zst.apply(0755), zst.apply(0700));
        assertThat(summaries(e)).contains("entry modes ci-1 0755 vs ci-2 0700 in 1 entry of tool.tar.zst: different umask");
    }

    @Test
    void textDiffsAreBoundedInLinesAndBytes() throws Exception {
        StringBuilder textA = new StringBuilder();
        StringBuilder textB = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            textA.append("line ").append(i).append(" a").append("x".repeat(300)).append('\n');
            textB.append("line ").append(i).append(" b").append("x".repeat(300)).append('\n');
        }
        Explanation e = explain("notes.txt", textA.toString().getBytes(StandardCharsets.UTF_8),
                textB.toString().getBytes(StandardCharsets.UTF_8));
        List<String> lines = decisive(e, "notes.txt");
        assertThat(lines.size()).isLessThanOrEqualTo(TextDiff.MAX_OUTPUT_LINES + 1);
        assertThat(String.join("\n", lines).length()).isLessThan(TextDiff.MAX_OUTPUT_CHARS + 400);
        assertThat(lines.get(lines.size() - 1)).matches("… \\d+ more diff lines");
    }

    @Test
    void anArchiveBombStopsAtTheBoundAndSaysSo() throws Exception {
        byte[] bomb = zip(List.of(new E("zeros", new byte[8 << 20], 0644, T)));
        ArchiveEntries.Listing listing = ArchiveEntries.list(ArchiveEntries.Source.of(bomb), "zip",
                new ReadBounds(1 << 20, 1 << 20, 10));
        assertThat(listing.problem()).contains("more than 1048576 bytes inflated in all (an archive bomb?)");
        Explanation e = explain("bomb.zip", bomb, zip(List.of(new E("zeros", new byte[(8 << 20) + 1], 0644, T))));
        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThat(e.causes()).isNotEmpty();
    }

    /** What fuzzing found: a tar's bytes after decompression were not counted, only the few compressed ones. */
    @Test
    void aCompressedTarBombStopsAtTheBoundAndSaysSo() throws Exception {
        for (String kind : List.of("tar.gz", "tar.bz2")) {
            byte[] bomb = tar(List.of(new E("zeros", new byte[8 << 20], 0644, T)),
                    kind.equals("tar.gz") ? DivergenceTest::gzip : DivergenceTest::bzip2);
            assertThat(bomb.length).as(kind).isLessThan(64 * 1024);
            ArchiveEntries.Listing listing = ArchiveEntries.list(ArchiveEntries.Source.of(bomb), kind,
                    new ReadBounds(1 << 20, 1 << 20, 10));
            assertThat(listing.problem()).as(kind).contains("more than 1048576 bytes inflated in all (an archive bomb?)");
        }
    }

    /**
     * What fuzzing found next to it: 400 bytes of tar.bz2 inflate to thousands of entries of one name, and each
     * copy's "name#k" was found by trying #2, #3, ... again (4.3 GB allocated, 7 s). Now the listing allocates in
     * proportion to the entries.
     */
    @Test
    void manyEntriesOfOneNameAreNamedInLinearWork() throws Exception {
        List<E> same = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            same.add(E.of(i == 5 ? "x#100" : "x", ""));
        }
        byte[] archive = tar(same, DivergenceTest::bzip2);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        // Bounds that let all 20,000 through: what is measured is the naming, not the entry bound.
        ArchiveEntries.Listing listing = ArchiveEntries.list(ArchiveEntries.Source.of(archive), "tar.bz2",
                new ReadBounds(1L << 30, 1L << 30, 100_000));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(listing.problem()).isNull();
        assertThat(listing.entries()).hasSize(20_000);
        assertThat(listing.entries().stream().map(ArchiveEntries.Entry::name).distinct()).hasSize(20_000);
        assertThat(listing.entries().get(1).name()).isEqualTo("x#2");
        assertThat(listing.entries().get(6).name()).isEqualTo("x#6");
        assertThat(listing.entries().get(100).name()).isEqualTo("x#101");
        assertThat(listing.entries().get(19_999).name()).isEqualTo("x#20000");
        assertThat(allocated).as("bytes allocated listing 20,000 entries").isLessThan(512L << 20);
        assertThat(ArchiveEntries.list(ArchiveEntries.Source.of(archive), "tar.bz2", ReadBounds.forInputs(archive.length, 0))
                .problem()).startsWith("more than").endsWith("entries in all");
    }

    /**
     * From the adversarial read: a sparse entry's holes are zeros the tar reader makes up, never read through the
     * counted stream; 129 bytes of tar.gz (GNU tar --sparse of a 1000 MB hole) were hashed to the last byte.
     */
    @Test
    void aSparseEntrysHolesCountAgainstTheBound() throws Exception {
        byte[] sparse = DivergenceTest.class.getResourceAsStream("sparse-hole-of-1000-mb.tar.gz").readAllBytes();
        assertThat(sparse.length).isLessThan(200);
        ArchiveEntries.Listing listing = ArchiveEntries.list(ArchiveEntries.Source.of(sparse), "tar.gz",
                ReadBounds.forInputs(sparse.length, 0));
        assertThat(listing.problem()).contains("bytes inflated in all (an archive bomb?)");
    }

    /** From the adversarial read: long tar names (GNU or PAX) are kept whole, so they count as memory held. */
    @Test
    void longEntryNamesCountAsMemoryHeld() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String name = "n".repeat(32 << 10);
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip(bytes))) {
            for (int i = 0; i < 24; i++) {
                // The GNU long-name record, written by hand: the writer's own search for a 100-byte prefix is
                // quadratic in the name's length.
                TarArchiveEntry longName = new TarArchiveEntry("././@LongLink",
                        org.apache.commons.compress.archivers.tar.TarConstants.LF_GNUTYPE_LONGNAME);
                longName.setSize(nameBytes.length);
                tar.putArchiveEntry(longName);
                tar.write(nameBytes);
                tar.closeArchiveEntry();
                tar.putArchiveEntry(new TarArchiveEntry("short"));
                tar.closeArchiveEntry();
            }
        }
        ArchiveEntries.Listing listing = ArchiveEntries.list(ArchiveEntries.Source.of(bytes.toByteArray()), "tar.gz",
                new ReadBounds(1L << 30, 1L << 20, 100));
        assertThat(listing.problem()).isEqualTo("more than 1048576 bytes of entry names and contents");
        assertThat(listing.entries()).hasSize(16);
    }

    /** bzip2 streams one after another (pbzip2, lbzip2) are one archive, and trailing bytes are ignored. */
    @Test
    void concatenatedBzip2StreamsAreReadAsOneArchive() throws Exception {
        byte[] whole = tar(List.of(E.of("a.txt", "alpha\n"), E.of("b.txt", "beta\n"), E.of("c.txt", "gamma\n")), out -> out);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int from = 0; from < whole.length; from += 700) {
            try (OutputStream bz = bzip2(new NonClosing(joined))) {
                bz.write(whole, from, Math.min(700, whole.length - from));
            }
        }
        joined.write("trailing junk".getBytes(StandardCharsets.UTF_8));
        ArchiveEntries.Listing listing = ArchiveEntries.list(ArchiveEntries.Source.of(joined.toByteArray()), "tar.bz2",
                ReadBounds.forInputs(joined.size(), 0));
        assertThat(listing.problem()).isNull();
        assertThat(listing.entries()).extracting(ArchiveEntries.Entry::name).containsExactly("a.txt", "b.txt", "c.txt");
    }

    /**
     * Fuzzing's next finding of the kind: commons-compress started a decoder, about 1 MiB, for each of any number
     * of concatenated 37-byte bzip2 streams (2,000 of them allocated 2 GB). Each stream is charged now.
     */
    @Test
    void thousandsOfTinyBzip2StreamsStopAtTheBound() throws Exception {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (OutputStream bz = bzip2(one)) {
            bz.write('x');
        }
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        for (int i = 0; i < 2_000; i++) {
            many.write(one.toByteArray());
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        // Reading the first 512-byte header takes 512 streams: the bound stops it after the 32nd.
        ArchiveEntries.Listing listing = ArchiveEntries.list(ArchiveEntries.Source.of(many.toByteArray()), "tar.bz2",
                ReadBounds.forInputs(many.size(), 0));
        assertThat(listing.problem()).contains("bytes inflated in all (an archive bomb?)");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated reading 2,000 bzip2 streams of %d bytes", many.size())
                .isLessThan(160L << 20);
    }

    /** A dissenting builder's damaged archive: its data is cut off after the entry headers. */
    @Test
    void aDamagedArchiveIsReportedNotThrown() throws Exception {
        byte[] good = zip(entries(x -> x));
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
        Explanation e = explain("app.jar", good, cut);
        assertThat(kinds(e)).containsExactly("unread");
        assertThat(summaries(e)).startsWith("app.jar differs but cannot be read as zip: ");
    }

    @Test
    void identicalManifestsAreTheSame() throws Exception {
        Explanation e = explain("app.jar", zip(entries(x -> x)), zip(entries(x -> x)));
        assertThat(e.same()).isTrue();
        assertThat(e.render()).isEqualTo("no differences between ci-1 and ci-2\n");
    }

    @Test
    void withoutArtifactsTheCauseSaysWhatIsMissing() throws Exception {
        Files.writeString(a.resolve("x.bin"), "1");
        Files.writeString(b.resolve("x.bin"), "2");
        Manifest ma = new TreeHasher(1).manifest(a, SOURCE_TIME);
        Manifest mb = new TreeHasher(1).manifest(b, SOURCE_TIME + 1);
        Explanation e = Divergence.explain(new Divergence.Side("ci-1", ma, Optional.empty()),
                new Divergence.Side("ci-2", mb, Optional.of(b)));
        assertThat(kinds(e)).containsExactly("source-time", "unread");
        assertThat(summaries(e)).contains("source times differ: ci-1 2023-11-14 22:13:20 UTC vs ci-2 2023-11-14 22:13:21 UTC")
                .contains("1 file differs (x.bin) but ci-1's artifacts were not given");
    }

    @Test
    void causesFromOutsideComeFirst() throws Exception {
        Explanation e = explain("x.txt", "a\n".getBytes(StandardCharsets.UTF_8), "b\n".getBytes(StandardCharsets.UTF_8))
                .withCausesFirst(List.of(new Explanation.Cause("environment", "ci-1 TZ=UTC vs ci-2 TZ=PST", null, 1)));
        assertThat(kinds(e)).startsWith("environment", "content");
    }

    /** Leaves the stream open when a compressor over it is closed, so compressed streams can follow. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }

    private static OutputStream bzip2(OutputStream out) {
        try {
            return new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OutputStream gzip(OutputStream out) {
        try {
            return new GzipCompressorOutputStream(out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
