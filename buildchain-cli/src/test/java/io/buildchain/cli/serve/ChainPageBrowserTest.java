package io.buildchain.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.cli.quickstart.Quickstart;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's path through the pages in a real headless Chromium: the chain page of quickstart's store,
 * a download link followed to a file whose digest is checked, the divergence page, screenshots
 * (desktop and phone) saved under target/ to look at.
 */
class ChainPageBrowserTest {
    @TempDir
    Path dir;

    static String sh(String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        process.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void chainPageDownloadAndDivergenceInARealBrowser() throws Exception {
        new Quickstart(dir.resolve("qs"), new PrintStream(OutputStream.nullOutputStream())).run();
        PublicKey pinned = PublicKey.fromArgument(dir.resolve("qs/signer.pub").toString(), "signer.pub");
        Path screenshots = Path.of("target", "screenshots");
        Path downloads = dir.resolve("downloads");
        Files.createDirectories(downloads);
        try (StoreServer server = StoreServer.start(Store.open(dir.resolve("qs/store")), "127.0.0.1", 0);
                HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("chromium-profile"))) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            chromium.downloadTo(downloads);

            chromium.open(base);
            chromium.click("a[href='/chain/hello/main']");
            chromium.awaitLoaded();
            assertThat(chromium.evaluate("location.pathname")).isEqualTo("/chain/hello/main");
            assertThat(chromium.evaluate("document.body.innerText")).contains("2 releases", "Verify this yourself",
                    "3 of 4 builders agreed", "builder-d");
            chromium.screenshot(screenshots.resolve("chain-page.png"));
            chromium.click("a[href='/chain/hello/main/release/1.1']");
            chromium.awaitLoaded();
            String text = chromium.evaluate("document.body.innerText");
            assertThat(text).contains("hello 1.1", "builder-d", "hello-1.1.jar");
            // Each builder's signed environment beside its vote: what differs shown, the whole one a click away.
            assertThat(text).contains("Environment", "host builder-a", "host builder-d", "umask 0002")
                    .doesNotContain("signature does not verify");
            assertThat(chromium.evaluate("document.body.textContent"))
                    .contains("jdk-version " + System.getProperty("java.version"), pinned.base32().substring(0, 12));
            chromium.screenshot(screenshots.resolve("release-page.png"));

            chromium.click("a[href$='/hello-1.1.jar']");
            Path downloaded = downloads.resolve("hello-1.1.jar");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(downloaded) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(downloaded).exists();
            Digest expected = new ChainVerifier(StoreReader.of(URI.create(base)), pinned).release("hello", "main")
                    .manifest().files().get("hello-1.1.jar");
            assertThat(Digest.of(Files.readAllBytes(downloaded))).isEqualTo(expected);

            chromium.click("a[href$='/divergence']");
            chromium.awaitLoaded();
            assertThat(chromium.evaluate("location.pathname")).endsWith("/divergence");
            String divergence = chromium.evaluate("document.body.innerText");
            assertThat(divergence).contains("builder-d differs from", "Causes", "0644 vs builder-d 0664 in",
                    "different umask", "Fix: build with umask 022", "SOURCE_DATE_EPOCH is not honoured", "Evidence:");
            assertThat(divergence.indexOf("Causes")).as("the causes come before the evidence")
                    .isLessThan(divergence.indexOf("Evidence:"));
            assertThat(chromium.evaluate("document.querySelectorAll('section.explanation').length")).isEqualTo("1");
            String divergenceUrl = chromium.evaluate("location.href");
            if (!"0002".equals(sh("umask"))) {
                // Environment differences come before the file differences.
                assertThat(divergence).contains("builder builder-d ran umask 0002; the agreeing builders ran " + sh("umask"));
                assertThat(divergence.indexOf("ran umask 0002")).isLessThan(divergence.indexOf("0644 vs builder-d 0664 in"));
            }
            chromium.screenshot(screenshots.resolve("divergence-page.png"));

            chromium.phone();
            chromium.open(divergenceUrl);
            assertThat(chromium.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
                    .as("the divergence page does not scroll sideways on a phone").isEqualTo("true");
            chromium.screenshot(screenshots.resolve("divergence-page-phone.png"));

            chromium.open(base + "chain/hello/main");
            assertThat(chromium.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
                    .as("no sideways scrolling of the page on a phone").isEqualTo("true");
            chromium.screenshot(screenshots.resolve("chain-page-phone.png"));
            chromium.open(base + "chain/hello/main/release/1.1");
            assertThat(chromium.fitsWidth()).as("no sideways scrolling of the release page on a phone").isTrue();
            chromium.screenshot(screenshots.resolve("release-page-phone.png"));
        }
    }

    /** The decisive lines of a JDK mismatch, rendered from stored evidence alone, read on a phone. */
    @Test
    void textDiffsOfTheDecisiveLinesReadOnAPhone() throws Exception {
        new Quickstart(dir.resolve("qs"), new PrintStream(OutputStream.nullOutputStream())).run();
        Store store = Store.open(dir.resolve("qs/store"));
        for (String jdk : new String[] {"17", "25"}) {
            Path dist = Files.createDirectories(dir.resolve("jdk" + jdk));
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dist.resolve("commons-cli-1.9.jar")))) {
                zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
                zip.write(("Manifest-Version: 1.0\r\nCreated-By: Maven JAR Plugin 3.4.1\r\nBuild-Jdk-Spec: " + jdk
                        + "\r\nAutomatic-Module-Name: org.apache.commons.cli\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Manifest a = new TreeHasher(1).manifest(dir.resolve("jdk17"), 1_700_000_000L);
        Manifest b = new TreeHasher(1).manifest(dir.resolve("jdk25"), 1_700_000_000L);
        Explanation explanation = Divergence.explain(new Divergence.Side("builder-a", a, Optional.of(dir.resolve("jdk17"))),
                new Divergence.Side("builder-jdk25", b, Optional.of(dir.resolve("jdk25"))));
        Block tail = store.tail("hello", "main").orElseThrow();
        Path evidenceFile = store.evidencePath(tail);
        Evidence stored = Evidence.parse(Files.readAllBytes(evidenceFile), evidenceFile.toString());
        Files.write(evidenceFile, new Evidence(stored.format(), stored.project(), stored.branch(), stored.quorum(),
                stored.manifest(), stored.block(), stored.trusted(), stored.submissions(), null, List.of(explanation),
                stored.operators()).toJson());
        try (StoreServer server = StoreServer.start(store, "127.0.0.1", 0);
                HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("chromium-profile"))) {
            chromium.phone();
            chromium.open("http://127.0.0.1:" + server.port() + "/chain/hello/main/" + tail.signatureBase32()
                    + "/divergence");
            String text = chromium.evaluate("document.body.innerText");
            assertThat(text).contains("builder-jdk25 differs from builder-a", "a different JDK", "Fix: pin the JDK",
                    "-Build-Jdk-Spec: 17", "+Build-Jdk-Spec: 25");
            assertThat(chromium.evaluate("getComputedStyle(document.querySelector('pre.diff .del')).color"))
                    .isEqualTo("rgb(138, 17, 22)");
            assertThat(chromium.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
                    .as("no sideways scrolling of the text diff on a phone").isEqualTo("true");
            chromium.screenshot(Path.of("target", "screenshots", "divergence-text-diff-phone.png"));
        }
    }
}
