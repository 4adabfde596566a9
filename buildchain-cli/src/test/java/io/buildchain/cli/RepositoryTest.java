package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 23: the repository stands on its own. Nothing tracked refers to a folder beside the clone, and every
 * relative link of the README and docs/ names a tracked file of the repository (so a fresh clone has it).
 */
class RepositoryTest {
    /** The repository's root: the parent of this module. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Built here, so that this file does not name what it looks for. */
    static final String OUTSIDE = ".." + "/shared";
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    /** The tracked files, as {@code git ls-files} names them. */
    static List<String> tracked() throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", ROOT.toString(), "ls-files", "-z").redirectErrorStream(true).start();
        byte[] out = git.getInputStream().readAllBytes();
        assertThat(git.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        List<String> files = new ArrayList<>();
        for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
            if (!name.isEmpty()) {
                files.add(name);
            }
        }
        assertThat(files).contains("README.md", "pom.xml");
        return files;
    }

    @Test
    void nothingTrackedRefersToAFolderBesideTheClone() throws Exception {
        List<String> offenders = new ArrayList<>();
        for (String name : tracked()) {
            Path file = ROOT.resolve(name);
            if (!Files.isRegularFile(file) || Files.size(file) > (8 << 20)) {
                continue;
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains(OUTSIDE)) {
                    offenders.add(name + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        assertThat(offenders).as("tracked files naming %s", OUTSIDE).isEmpty();
    }

    @Test
    void everyRelativeLinkOfTheReadmeAndDocsNamesATrackedFile() throws Exception {
        Set<String> tracked = new TreeSet<>(tracked());
        List<String> documents = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).map(p -> ROOT.relativize(p).toString()).sorted()
                    .forEach(documents::add);
        }
        assertThat(documents).contains("docs/wire-format.md", "docs/architecture.md", "docs/trust-model.md",
                "docs/operator.md");
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (String document : documents) {
            Path source = ROOT.resolve(document);
            Matcher link = LINK.matcher(Files.readString(source));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
                    continue;  // a URL (https:, mailto:) or an anchor in the same page
                }
                String path = target.replaceFirst("#.*$", "");
                Path resolved = source.getParent().resolve(path).normalize();
                String relative = resolved.startsWith(ROOT) ? ROOT.relativize(resolved).toString() : null;
                boolean ok = relative != null && (tracked.contains(relative)
                        || tracked.stream().anyMatch(t -> t.startsWith(relative + "/")));
                if (!ok) {
                    broken.add(document + ": (" + target + ")");
                }
                checked++;
            }
        }
        assertThat(broken).as("links that leave the repository or name no tracked file").isEmpty();
        assertThat(checked).as("relative links checked").isGreaterThan(10);
    }

    /** The README points at the project's own docs for the formats, architecture and trust model. */
    @Test
    void theReadmeLinksTheProjectsOwnDocs() throws Exception {
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains("(docs/wire-format.md)",
                "(docs/architecture.md)", "(docs/trust-model.md)", "(docs/operator.md)");
    }
}
