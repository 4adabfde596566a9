package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: what publish prints for a release with two dissenting builders, one of another umask and one of another
 * JDK, on a real jar of a few hundred entries (commons-compress, repacked as each builder's archiver would). Before,
 * it printed about 1,000 lines, named builders by their manifest's path, and printed them all again on a repeat.
 */
class PublishOutputIT {
    static final String[] NODES = {"alpha", "beta", "gamma", "umask", "jdk"};
    static final long SOURCE_TIME = 1_767_225_600L;
    @TempDir
    Path dir;
    List<String> submissions = new ArrayList<>();

    /** The real jar's entries, read once. */
    static Map<String, byte[]> realEntries() throws Exception {
        Path jar = Path.of(ZipArchiveEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
                ZipEntry entry = all.nextElement();
                entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    /** The jar as one builder makes it: entry modes from its umask, class files and manifest from its JDK. */
    static byte[] jar(Map<String, byte[]> entries, int fileMode, int jdk) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                boolean directory = e.getKey().endsWith("/");
                ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
                entry.setUnixMode(directory ? 040000 | (fileMode | 0111) : 0100000 | fileMode);
                entry.setTime(SOURCE_TIME * 1000);
                zip.putArchiveEntry(entry);
                byte[] content = e.getValue().clone();
                if (e.getKey().endsWith(".class") && content.length > 8) {
                    content[7] = (byte) (44 + jdk);  // the class file's major version
                } else if (e.getKey().equals("META-INF/MANIFEST.MF")) {
                    String text = new String(content, StandardCharsets.UTF_8)
                            .replaceAll("(?m)^Build-Jdk(-Spec)?: [^\r\n]*\r?\n", "").stripTrailing();
                    content = (text + "\r\nBuild-Jdk-Spec: " + jdk + "\r\nBuild-Jdk: " + (jdk == 17 ? "17.0.15" : "21.0.5")
                            + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
                }
                zip.write(content);
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    @BeforeEach
    void fiveBuilders() throws Exception {
        Map<String, byte[]> entries = realEntries();
        assertThat(entries).as("a real jar of a few hundred entries").hasSizeGreaterThan(200);
        StringBuilder trusted = new StringBuilder();
        for (String node : NODES) {
            String key = Cli.ok(dir, "keygen", "--out", node + ".key").out().trim();
            trusted.append(key).append(' ').append(node).append(" operator=ops-").append(node).append('\n');
            Path dist = Files.createDirectories(dir.resolve(node + "/dist"));
            Files.write(dist.resolve("app.jar"), jar(entries, node.equals("umask") ? 0600 : 0644,
                    node.equals("jdk") ? 21 : 17));
            Cli.ok(dir, "manifest", "--time", Long.toString(SOURCE_TIME), "--project", "app", "--branch", "main",
                    "--release-version", "1.0", "--out", node + "/manifest.json", node + "/dist");
            Cli.ok(dir, "request", "--key", node + ".key", "--state", node + "/state", "--out", node + "/req.bin",
                    node + "/manifest.json");
            // The environment each builder reports (as 'request --buildinfo' records it on such a machine).
            Manifest manifest = Manifest.parse(Files.readAllBytes(dir.resolve(node + "/manifest.json")), node);
            BuildInfo info = BuildInfo.of(manifest.digest(), KeyFiles.read(dir.resolve(node + ".key")).publicKey(),
                    Map.of("os", "Linux", "tz", "UTC", "umask", node.equals("umask") ? "0077" : "0022",
                            "jdk-version", node.equals("jdk") ? "21.0.5" : "17.0.15", "host", node));
            SignedBuildInfo.sign(info, KeyFiles.read(dir.resolve(node + ".key")))
                    .writeBeside(dir.resolve(node + "/req.bin"));
            submissions.add(node + "/manifest.json:" + node + "/req.bin:" + node + "/dist");
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        Cli.ok(dir, "keygen", "--out", "signer.key");
    }

    Cli.Result publish(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", "app", "-b", "main",
                "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state"));
        args.addAll(List.of(extra));
        args.addAll(submissions);
        return Cli.ok(dir, args.toArray(String[]::new));
    }

    @Test
    void theDefaultOutputFitsOnOneScreenAndARepeatSaysSoOnce() throws Exception {
        Cli.Result published = publish();
        List<String> lines = Stream.concat(published.err().lines(), published.out().lines()).toList();
        assertThat(lines).as(published.err() + published.out()).hasSizeLessThanOrEqualTo(60);
        String out = published.out();
        // The vote table on stderr, each builder by its label.
        assertThat(published.err()).contains("quorum met: 3 distinct trusted operator(s)").contains("dissent");
        for (String node : NODES) {
            assertThat(published.err()).contains(node + " (");
        }
        // One line per cause with its fix; builders named by label, never by a path.
        assertThat(out).contains("builder umask ran umask 0077; the agreeing builders ran 0022",
                "builder jdk ran JDK 21.0.5; the agreeing builders ran 17.0.15")
                .containsPattern("\\* entry modes alpha, beta, gamma 0644 vs umask 0600 in \\d+ entries of app.jar: "
                        + "different umask -- fix: build with umask 022, or have the archiver write fixed modes")
                .contains("class file version alpha, beta, gamma 61 (Java 17) vs jdk 65 (Java 21)")
                .contains(".buildchain/release.json differs only in the recorded sizes of app.jar")
                .doesNotContain("manifest.json", "outputTimestamp", "reason not named here");
        assertThat(out.lines().filter(line -> line.startsWith("  * ")))
                .allSatisfy(line -> assertThat(out.lines().filter(line::equals)).hasSize(1));
        // The evidence rows are counted, with where to see them all, and the ones a cause explains summarised.
        assertThat(out).containsPattern("  \\d{3,} evidence rows \\(the first 300 listed: add --evidence, or read "
                + ".*store/quorum/[A-Z2-7]{103}\\.json\\):")
                .containsPattern("    app.jar: \\d{3,} x mode \\(umask\\)")
                .containsPattern("    \\(\\d+ rows past the first 300 are counted, not listed\\)")
                .doesNotContain("Evidence (file | entry");
        // The decisive lines are the changed lines themselves, the first ones of each of the first entries.
        assertThat(out).contains("  decisive: app.jar!/META-INF/MANIFEST.MF (text, 3 of ", "    -Build-Jdk-Spec: 17",
                "    +Build-Jdk-Spec: 21");
        assertThat(out.lines().toList()).last().asString().startsWith("  tail ");

        // The same requests again: said once, on stdout, and nothing else.
        Cli.Result again = publish();
        assertThat(again.out().lines().toList()).singleElement().asString()
                .matches("already published as block 1 [A-Z2-7]{103} of app/main; nothing to do");
        assertThat(again.err()).isEmpty();

        // The counts are those of the stored evidence the line names, which lists the first rows, not all of them.
        Matcher count = Pattern.compile("(?m)^  (\\d+) evidence rows \\((?:the first (\\d+) listed|all of them): "
                + "add --evidence, or read (\\S+)\\)").matcher(out);
        List<Explanation> stored = List.of();
        int found = 0;
        for (int i = 0; count.find(); i++, found++) {
            Path file = dir.resolve(count.group(3));
            assertThat(file).as("the evidence file the output names").isRegularFile();
            stored = Evidence.parse(Files.readAllBytes(file), file.toString()).explanations();
            Explanation explanation = stored.get(i);
            assertThat(Integer.parseInt(count.group(1))).isEqualTo(explanation.rows().size() + explanation.rowsLeftOut());
            assertThat(count.group(2) == null ? explanation.rows().size() + explanation.rowsLeftOut()
                    : Integer.parseInt(count.group(2))).as("rows the output says are listed").isEqualTo(
                    explanation.rows().size());
        }
        assertThat(found).as("count lines, one per dissenting manifest").isEqualTo(stored.size()).isEqualTo(2);

        // Every row is one flag away.
        Cli.Result everything = publish("--evidence");
        assertThat(everything.out()).contains("Evidence (file | entry | what | alpha, beta, gamma | umask):",
                "  app.jar | META-INF/MANIFEST.MF | mode | 0644 | 0600");
        assertThat(everything.out().lines()).hasSizeGreaterThan(300);
    }
}
