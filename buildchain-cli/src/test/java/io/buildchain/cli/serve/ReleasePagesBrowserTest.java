package io.buildchain.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.cli.Main;
import io.buildchain.cli.quickstart.Quickstart;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.store.FileTrees;
import io.buildchain.core.store.Store;
import io.buildchain.core.submit.SubmissionInbox;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release engineer's path through the pages in a real headless Chromium, over a store made by quickstart's own
 * code (three releases, the odd builder dissenting, a signer restart before each release) plus a submission for
 * the next release sent with the real {@code manifest}, {@code request} and {@code submit} commands to a real
 * {@code serve}: index, release, divergence, pending submissions. Each page's words are checked against what
 * {@code verify --quorum} counts, it is screenshot at 1280 and 390 px (no sideways scrolling on the phone), and
 * axe-core finds no serious or critical violation on it. Screenshots: target/screenshots/release-pages/.
 */
class ReleasePagesBrowserTest {
    private static final Path AXE = Path.of("src", "test", "browser", "node_modules", "axe-core", "axe.min.js");
    private static final Path SHOTS = Path.of("target", "screenshots", "release-pages");

    @TempDir
    Path dir;

    /** Runs the CLI in this JVM, as a user would run it; its standard output. */
    private static String cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).as("buildchain " + String.join(" ", args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** "3 of 4": what {@code verify --quorum 2 --trust} counted for {@code version}. */
    private String verifiedVote(String base, Path qs, String version) {
        String out = cli("verify", "--root", qs.resolve("root.pub").toString(), "--url", base, "-p", "hello", "-b", "main",
                "--release", version, "--quorum", "2", "--trust", qs.resolve("trusted-builders").toString(),
                "--no-last-seen", "--no-files");
        Matcher counted = Pattern.compile("(\\d+) of your (\\d+) trusted builders signed this manifest").matcher(out);
        assertThat(counted.find()).as(out).isTrue();
        return counted.group(1) + " of " + counted.group(2);
    }

    /** Checks the page at 1280 px and at 390 px: axe-core, screenshots, no sideways scrolling on the phone. */
    private static void look(HeadlessChromium chromium, String axe, String name) throws Exception {
        for (int width : new int[] {1280, 390}) {
            chromium.viewport(width, width == 1280 ? 900 : 844, width != 1280);
            chromium.open(chromium.evaluate("location.href"));
            assertThat(chromium.axeSeriousViolations(axe)).as("axe-core on " + name + " at " + width + " px").isEmpty();
            if (width == 390) {
                assertThat(chromium.fitsWidth()).as(name + " scrolls sideways at 390 px").isTrue();
            }
            chromium.screenshot(SHOTS.resolve(name + "-" + width + ".png"));
        }
        chromium.viewport(1280, 900, false);
        chromium.open(chromium.evaluate("location.href"));
    }

    @Test
    void indexReleaseDivergenceAndPendingSubmissions() throws Exception {
        assertThat(AXE).as("axe-core is installed by .ci/run (cd buildchain-cli/src/test/browser && npm ci)").exists();
        String axe = Files.readString(AXE);
        Path qs = dir.resolve("qs");
        new Quickstart(qs, new PrintStream(OutputStream.nullOutputStream()), 3).run();
        Store store = Store.open(qs.resolve("store"));
        SubmissionInbox inbox = new SubmissionInbox(store, KeyList.read(qs.resolve("trusted-builders")), 1 << 30);
        try (StoreServer server = StoreServer.start(store, inbox, "127.0.0.1", 0);
                HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("chromium-profile"))) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            submitNextRelease(qs, base);
            String[] votes = {verifiedVote(base, qs, "1.0"), verifiedVote(base, qs, "1.1"), verifiedVote(base, qs, "1.2")};
            assertThat(votes).containsOnly("3 of 4");

            chromium.viewport(1280, 900, false);
            chromium.open(base);
            String index = chromium.evaluate("document.querySelector('main').innerText");
            assertThat(index).contains("hello / main", "1.2", votes[2] + " builders agreed", "1 dissented", "1 waiting")
                    .doesNotContain("heckpoint", "Block 1", "missing");
            look(chromium, axe, "1-index");

            chromium.click("a[href='/chain/hello/main/release/1.2']");
            chromium.awaitLoaded();
            assertThat(chromium.evaluate("document.querySelector('h1').innerText")).isEqualTo("hello 1.2");
            String release = chromium.evaluate("document.querySelector('main').innerText");
            assertThat(release).contains(votes[2] + " builders agreed, 2 required", "Why builders disagreed",
                    "Version", "1.2", "Revision", "Source time", "2026-03-01 00:00:00 UTC", "Signed", "hello-1.2.jar",
                    "Environment differences", "umask", "builder-d: 0002",
                    "buildchain verify --root " + Files.readString(qs.resolve("root.pub")).strip() + " --url " + base
                            + " -p hello -b main --release 1.2 --quorum 2 --trust TRUSTED_KEYS_FILE",
                    "buildchain download --root ")
                    .doesNotContain("heckpoint");
            // Keys and digests shortened for a person, whole in the title and behind the copy button.
            assertThat(chromium.evaluate("[...document.querySelectorAll('button.copy')].every(b => !b.hidden "
                    + "&& b.dataset.copy.length > 12 && b.previousElementSibling.title === b.dataset.copy)")).isEqualTo("true");
            look(chromium, axe, "2-release");

            chromium.click("a[href$='/divergence']");
            chromium.awaitLoaded();
            assertThat(chromium.evaluate("document.querySelector('h1').innerText"))
                    .isEqualTo("Why builders disagreed on hello 1.2");
            assertThat(chromium.evaluate("document.querySelector('main').innerText"))
                    .contains("builder-d differs from", "Causes", "different umask");
            look(chromium, axe, "3-divergence");

            chromium.click("a[href='/submissions/']");
            chromium.awaitLoaded();
            String pending = chromium.evaluate("document.querySelector('main').innerText");
            assertThat(pending).contains("Pending submissions", "hello / main", "Version 1.3",
                    "1 of 2 agreeing operators: needs 1 more agreeing operator", "builder-a");
            look(chromium, axe, "4-submissions");

            // The branch page: three releases (no checkpoint among them), each with verify's count, and the chart.
            chromium.open(base + "chain/hello/main");
            assertThat(chromium.evaluate("document.querySelectorAll('tr[id^=block-]').length")).isEqualTo("3");
            String branch = chromium.evaluate("document.querySelector('main').innerText");
            for (int i = 0; i < 3; i++) {
                assertThat(branch).contains("1." + i + "\t");
            }
            assertThat(branch).contains("3 releases", votes[0] + " builders agreed");
            assertThat(chromium.evaluate("document.querySelector('table.stack').innerText")).doesNotContain("heckpoint");
            assertThat(chromium.evaluate("document.querySelectorAll('svg.chart rect.agreed').length")).isEqualTo("4");
            look(chromium, axe, "5-branch");
            // The checkpoint blocks are on the technical page, labelled as such.
            chromium.open(base + "chain/hello/main/blocks");
            assertThat(chromium.evaluate("document.querySelectorAll('tr.checkpoint').length")).isNotEqualTo("0");
            assertThat(chromium.evaluate("document.querySelector('main').innerText")).contains("Log checkpoint",
                    "Signer key changed here", "Release 1.0", "Release 1.1", "Release 1.2");
            look(chromium, axe, "6-blocks");
            // The check itself sees a critical violation when there is one (an image without a text alternative).
            chromium.evaluate("document.querySelector('main').appendChild(document.createElement('img')).src = '/style.css'");
            assertThat(chromium.axeSeriousViolations(axe)).contains("image-alt (critical)");
        }
    }

    /** Builder a builds the next release and sends it with the CLI, as a remote build node does. */
    private void submitNextRelease(Path qs, String base) throws Exception {
        Path node = qs.resolve("nodes").resolve("builder-a");
        Path next = dir.resolve("next-dist");
        Path built = node.resolve("1.2").resolve("dist");
        try (Stream<Path> files = Files.walk(built)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = next.resolve(built.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        FileTrees.delete(next.resolve(".buildchain"));
        Path manifest = dir.resolve("next-manifest.json");
        Path request = dir.resolve("next-request.bin");
        cli("manifest", "--release-version", "1.3", "--project", "hello", "--branch", "main", "--time", "1775001600",
                "--out", manifest.toString(), next.toString());
        cli("request", "--key", node.resolve("builder.key").toString(), "--state", node.resolve("state").toString(),
                "--out", request.toString(), manifest.toString());
        cli("submit", "--url", base, "-p", "hello", "-b", "main", "--manifest", manifest.toString(), "--request",
                request.toString(), "--artifacts", next.toString());
    }
}
