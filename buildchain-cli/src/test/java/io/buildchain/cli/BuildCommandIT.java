package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.build.BuildInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code buildchain build} against the real Docker engine (and registry) that {@code .ci/run} starts: the samples of
 * build-samples/ as git repositories, built in images made from busybox-static and the host's JDK 25.
 */
class BuildCommandIT {
    @TempDir
    Path dir;

    private Cli.Result build(String sample, String image, String... more) throws Exception {
        Path repo = ContainerImages.sampleRepository(sample, dir);
        List<String> args = new java.util.ArrayList<>(List.of("build", "--git", repo.toString(), "--node",
                dir.resolve("node").toString()));
        args.addAll(List.of(more));
        if (image != null) {
            args.addAll(List.of("--image", image));
        }
        args.addAll(List.of("--", "sh", "build.sh"));
        return Cli.run(dir, args.toArray(String[]::new));
    }

    /** {@code --vary} of a sample whose builds differ: it exits 3. */
    private Cli.Result varyExpectingDifferences(String sample, String image) throws Exception {
        Cli.Result varied = build(sample, image, "--vary", "--out", "vary", "--outputs", "out/*");
        assertThat(varied.exit()).as(varied.out() + varied.err()).isEqualTo(3);
        return varied;
    }

    /** The one line of a --vary report that says under what the build is reproducible and under what not. */
    private static String summary(Cli.Result varied) {
        return varied.out().lines().filter(l -> l.contains("reproducible under")).findFirst().orElseThrow();
    }

    private static BuildInfo buildinfo(Path out) throws Exception {
        return BuildInfo.parse(Files.readAllBytes(out.resolve("request.bin.buildinfo")), "buildinfo");
    }

    @Test
    void twoBuildsOfTheSampleInABusyboxImageGiveByteIdenticalManifests() throws Exception {
        String image = ContainerImages.busybox(dir);
        Cli.Result first = build("hello", image, "--out", "one", "--outputs", "out/*", "-p", "hello", "-b", "main",
                "--release-version", "1.0");
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        Cli.Result second = build("hello", image, "--out", "two", "--outputs", "out/*", "-p", "hello", "-b", "main",
                "--release-version", "1.0");
        assertThat(second.exit()).as(second.out() + second.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("two/manifest.json"))).isEqualTo(Files.readAllBytes(dir.resolve("one/manifest.json")));
        assertThat(dir.resolve("one/artifacts/hello.txt")).hasContent("Hello,\nworld");
        assertThat(dir.resolve("one/artifacts/.buildchain/release.json")).exists();
        assertThat(first.out()).contains("built ", "manifest ", "NEW builder key").contains(image);
        assertThat(second.out()).doesNotContain("NEW builder key");

        BuildInfo info = buildinfo(dir.resolve("one"));
        Map<String, String> env = info.environment();
        assertThat(env).containsEntry("container", "docker").containsEntry("image", image)
                .containsEntry("image-digest", image.substring(image.indexOf('@') + 1)).containsEntry("tz", "UTC")
                .containsEntry("umask", "0022").containsEntry("locale", "C.UTF-8").containsEntry("user", "1000:1000")
                .containsEntry("build-path", "/build/src").containsEntry("hostname", "buildchain")
                .containsEntry("os", "Linux").containsKeys("git-revision", "git-tree", "kernel", "host");
        assertThat(info.measured()).contains("os", "kernel", "tz", "umask", "locale", "user", "build-path", "hostname")
                .doesNotContain("image", "image-digest", "git-revision", "git-tree", "host", "container");
        // The release record names the revision that was checked out, and the manifest its commit's time.
        assertThat(Files.readString(dir.resolve("one/artifacts/.buildchain/release.json"))).contains(env.get("git-revision"));
        assertThat(Files.readString(dir.resolve("one/manifest.json"))).contains("\"time\": 1709294400");
        assertThat(dir.resolve("one/request.bin")).hasSize(224);
        // diff shows what each build was made from beside the comparison, under the builders' names (issue 23).
        Cli.Result diff = Cli.run(dir, "diff", "one/manifest.json", "two/manifest.json", "--buildinfo-a",
                "one/request.bin.buildinfo", "--buildinfo-b", "two/request.bin.buildinfo", "--name-a", "node-1",
                "--name-b", "node-2");
        assertThat(diff.out()).contains("node-1: git tree " + env.get("git-tree") + ", image digest "
                + env.get("image-digest") + ", container docker; measured inside the build: os, arch, kernel");
        assertThat(diff.out().lines().filter(l -> l.startsWith("node-2: git tree ")).count()).isEqualTo(1);
    }

    @Test
    void twoBuildNodesSubmitToARealPublisherWhichPublishesWithTheirMeasuredBuildinfo() throws Exception {
        String image = ContainerImages.busybox(dir);
        StringBuilder trusted = new StringBuilder();
        for (String node : List.of("node-a", "node-b")) {
            trusted.append(Cli.ok(dir, "keygen", "--out", node + "/builder.key").out().strip()).append(' ').append(node)
                    .append('\n');
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        Process server = Cli.builder(dir, Map.of(), "serve", "--store", "store", "--bind", "127.0.0.1:0",
                "--accept-submissions", "--trust", "trusted").redirectError(dir.resolve("serve.log").toFile()).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            var address = java.util.regex.Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(line == null ? "" : line);
            assertThat(address.find()).as("serve printed its address: %s", line).isTrue();
            Path repo = ContainerImages.sampleRepository("hello", dir);
            for (String node : List.of("node-a", "node-b")) {
                Cli.Result built = Cli.run(dir, "build", "--git", repo.toString(), "--node", node, "--image", image,
                        "--out", node + "-out", "--outputs", "out/*", "-p", "hello", "-b", "main", "--release-version",
                        "1.0", "--submit", address.group(1), "--", "sh", "build.sh");
                assertThat(built.exit()).as(built.out() + built.err()).isZero();
                assertThat(built.out()).contains("accepted");
            }
            Cli.ok(dir, "keygen", "--out", "signer.key");
            Cli.Result published = Cli.run(dir, "publish", "--store", "store", "-p", "hello", "-b", "main", "--quorum",
                    "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state",
                    "--from-submissions");
            assertThat(published.exit()).as(published.out() + published.err()).isZero();
            assertThat(Files.readString(dir.resolve("store/manifest.json")))
                    .isEqualTo(Files.readString(dir.resolve("node-a-out/manifest.json")));
        } finally {
            server.destroy();
            server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Two build nodes run {@code build --in-toto} in the real engine: each signs its link beside its request, publish
     * keeps both, and the real in-toto-verify accepts the export with the owner's layout (quorum 2).
     */
    @Test
    void buildInTotoSignsLinksThatInTotoVerifyAcceptsAfterPublish() throws Exception {
        String image = ContainerImages.busybox(dir);
        Path repo = ContainerImages.sampleRepository("hello", dir);
        Cli.ok(dir, "root", "init", "--out", "root.key", "--pub-out", "root.pub");
        StringBuilder trusted = new StringBuilder();
        List<String> submissions = new java.util.ArrayList<>();
        for (String node : List.of("node-a", "node-b")) {
            trusted.append(Cli.ok(dir, "keygen", "--out", node + "/builder.key").out().strip()).append(' ').append(node)
                    .append(" operator=").append(node).append('\n');
            Cli.Result built = Cli.run(dir, "build", "--git", repo.toString(), "--node", node, "--image", image,
                    "--out", node + "-out", "--outputs", "out/*", "-p", "hello", "-b", "main", "--release-version",
                    "1.0", "--in-toto", "--", "sh", "build.sh");
            assertThat(built.exit()).as(built.out() + built.err()).isZero();
            assertThat(built.out()).contains("in-toto link -> " + node + "-out/request.bin.link");
            submissions.add(node + "-out/manifest.json:" + node + "-out/request.bin:" + node + "-out/artifacts");
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        Cli.ok(dir, "keygen", "--out", "signer.key");
        List<String> publish = new java.util.ArrayList<>(List.of("publish", "--store", "store", "-p", "hello", "-b",
                "main", "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state",
                "signer-state"));
        publish.addAll(submissions);
        Cli.Result published = Cli.run(dir, publish.toArray(String[]::new));
        assertThat(published.exit()).as(published.out() + published.err()).isZero();
        assertThat(published.err()).contains("in-toto: ").doesNotContain("left out");
        Cli.ok(dir, "root", "in-toto-layout", "--root-key", "root.key", "--trust", "trusted", "-p", "hello", "-b",
                "main", "--quorum", "2", "--product", "*", "--expires", java.time.Instant.now().plusSeconds(86400)
                        .toString(), "--out", "hello.layout");
        Cli.Result exported = Cli.ok(dir, "export", "in-toto", "--store", "store", "-p", "hello", "-b", "main",
                "--layout", "hello.layout", "--root", "root.pub", "--out", "export");
        assertThat(exported.out()).contains("2 agreeing builder links (threshold 2)");
        InTotoIT.Verify accepted = InTotoIT.inTotoVerify(dir.resolve("export"));
        assertThat(accepted.exit()).as(accepted.output()).isZero();

        // --in-toto without a release record is refused before anything is built.
        Cli.Result plain = Cli.run(dir, "build", "--git", repo.toString(), "--node", "node-a", "--image", image,
                "--out", "plain", "--outputs", "out/*", "--in-toto", "--", "sh", "build.sh");
        assertThat(plain.exit()).isNotZero();
        assertThat(plain.err()).contains("--in-toto needs --release-version");
        assertThat(dir.resolve("plain")).doesNotExist();
    }

    @Test
    void aBuildUnderUmask077IsRecordedAs0077AndHasNoNetwork() throws Exception {
        String image = ContainerImages.busybox(dir);
        Path repo = ContainerImages.sampleRepository("hello", dir);
        Cli.Result built = Cli.run(dir, "build", "--git", repo.toString(), "--node", dir.resolve("node").toString(),
                "--image", image, "--umask", "0077", "--out", "out", "--outputs", "net.txt", "mode.txt", "--",
                "sh", "-c", "ls /sys/class/net > net.txt; touch new; stat -c %a new > mode.txt; "
                        // The build's own lies are not recorded: it cannot know the mark of the probe's lines.
                        + "echo umask 0022; echo \"${BUILDCHAIN_MARK:-buildchain-probe-00} umask 0022\"");
        assertThat(built.exit()).as(built.out() + built.err()).isZero();
        assertThat(buildinfo(dir.resolve("out")).environment()).containsEntry("umask", "0077");
        assertThat(buildinfo(dir.resolve("out")).measured()).contains("umask");
        assertThat(dir.resolve("out/artifacts/mode.txt")).hasContent("600");
        assertThat(dir.resolve("out/artifacts/net.txt")).hasContent("lo");
    }

    @Test
    void aDockerfileOfTheCheckoutMakesTheImageAndItsDigestIsRecorded() throws Exception {
        String base = ContainerImages.busybox(dir);
        String dockerfile = "FROM " + base + "\nRUN mkdir -p /opt/tool && echo 'tool 1.0' > /opt/tool/version\n"
                + "ENV TOOL_HOME=/opt/tool\n";
        Path repo = ContainerImages.sampleRepository("hello", dir, Map.of("Dockerfile", dockerfile));
        Cli.Result built = Cli.run(dir, "build", "--git", repo.toString(), "--node", "node", "--dockerfile",
                "Dockerfile", "--out", "out", "--outputs", "tool.txt", "--", "sh", "-c", "cat $TOOL_HOME/version > tool.txt");
        assertThat(built.exit()).as(built.out() + built.err()).isZero();
        assertThat(dir.resolve("out/artifacts/tool.txt")).hasContent("tool 1.0");
        Map<String, String> env = buildinfo(dir.resolve("out")).environment();
        assertThat(env.get("dockerfile-digest")).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(dockerfile.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(env.get("image")).matches("sha256:[0-9a-f]{64}").isEqualTo(env.get("image-digest"));
        assertThat(env).containsEntry("container", "docker");
        // A Dockerfile outside the checkout is refused before anything runs.
        Cli.Result outside = Cli.run(dir, "build", "--git", repo.toString(), "--node", "node", "--dockerfile",
                "../../etc/Dockerfile", "--out", "o2", "--outputs", "x", "--", "true");
        assertThat(outside.exit()).isNotZero();
        assertThat(outside.err()).contains("expected a path inside the checkout");
    }

    @Test
    void theJdkTheContainerChoseIsTheOneRecorded() throws Exception {
        String image = ContainerImages.jdk25(dir);
        Cli.Result built = build("java", image, "--out", "out", "--outputs", "out/*");
        assertThat(built.exit()).as(built.out() + built.err()).isZero();
        Map<String, String> env = buildinfo(dir.resolve("out")).environment();
        String ran = Files.readString(dir.resolve("out/artifacts/ran.txt")).strip();
        assertThat(ran).startsWith("Hello from 25");
        // buildchain itself runs on the test's JDK (17): the record is the container's.
        assertThat(System.getProperty("java.version")).doesNotStartWith("25");
        assertThat(env).containsEntry("jdk-version", ran.substring("Hello from ".length()))
                .containsEntry("java-home", "/opt/jdk").containsEntry("javac-version", ran.substring("Hello from ".length()));
        assertThat(buildinfo(dir.resolve("out")).measured()).contains("jdk-version", "jdk-vendor", "java-home",
                "javac-version");
    }

    @Test
    void varyNamesTheUmaskAsWhatBreaksTheUmaskSample() throws Exception {
        Cli.Result varied = varyExpectingDifferences("umask", ContainerImages.busybox(dir));
        String summary = summary(varied);
        assertThat(summary).contains("NOT under umask 0077 (entry modes reference 0644 vs only-umask-0077 0600")
                .contains("different umask");
        assertThat(summary.substring(0, summary.indexOf("NOT"))).contains("TZ", "locale", "build path", "hostname",
                "a later run").doesNotContain("umask");
        assertThat(dir.resolve("vary/only-umask-0077.diff.txt")).exists();
    }

    @Test
    void varyNamesTheTimeZoneAsWhatBreaksTheTzSample() throws Exception {
        Cli.Result varied = varyExpectingDifferences("tz", ContainerImages.busybox(dir));
        String summary = summary(varied);
        assertThat(summary).contains("NOT under TZ (").doesNotContain("NOT under umask");
        assertThat(summary.substring(0, summary.indexOf("NOT"))).contains("umask 0077", "locale", "build path", "user");
    }

    @Test
    void varyOnAReproducibleSampleSaysSoAndExitsZero() throws Exception {
        String image = ContainerImages.busybox(dir);
        Cli.Result varied = build("hello", image, "--vary", "--out", "vary", "--outputs", "out/*");
        assertThat(varied.exit()).as(varied.out() + varied.err()).isZero();
        assertThat(varied.out()).contains("reproducible under TZ, umask 0077, locale, build path, hostname, user, a later run");
        // busybox-static has no dynamic loader: libfaketime cannot reach it, and the report says so.
        assertThat(varied.out()).contains("date NOT varied: the image has no glibc dynamic loader to preload "
                + "libfaketime with").doesNotContain("clock +9535h");
    }

    /**
     * The issue: --vary did not vary the date. In an image with glibc, libfaketime moves the clock of the build's
     * java 397 days and 7 hours ahead, and the sample that stamps the month it ran in is named.
     */
    @Test
    void varyMovesTheDateWithLibfaketimeAndNamesTheDateSensitiveSample() throws Exception {
        Cli.Result varied = varyExpectingDifferences("date", ContainerImages.jdk25(dir));
        String summary = summary(varied);
        assertThat(summary).contains("NOT under date (").doesNotContain("NOT under TZ", "NOT under a later run");
        assertThat(summary.substring(0, summary.indexOf("NOT"))).contains("TZ", "umask 0077", "locale", "a later run");
        assertThat(varied.out()).contains("building only-date: ", "clock +9535h", "date varied: the clock 9535h");
        String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
        assertThat(dir.resolve("vary/reference/artifacts/today.txt")).hasContent("built in " + month);
        assertThat(Files.readString(dir.resolve("vary/only-date/artifacts/today.txt"))).doesNotContain(month);
    }

    @Test
    void aBuildWithoutAContainerIsRecordedAsSuchAndMeasuredByTheBuildsShell() throws Exception {
        Cli.Result built = build("hello", null, "--no-container", "--umask", "0027", "--out", "local", "--outputs",
                "out/*");
        assertThat(built.exit()).as(built.out() + built.err()).isZero();
        BuildInfo info = buildinfo(dir.resolve("local"));
        assertThat(info.environment()).containsEntry("container", "none").containsEntry("umask", "0027")
                .doesNotContainKey("image");
        assertThat(info.measured()).contains("umask", "build-path");
    }

    @Test
    void aFailingBuildOrAnUnpinnedImageIsRefusedInOneLine() throws Exception {
        String image = ContainerImages.busybox(dir);
        Path repo = ContainerImages.sampleRepository("hello", dir);
        Cli.Result failed = Cli.run(dir, "build", "--git", repo.toString(), "--node", "node", "--image", image,
                "--out", "fail", "--outputs", "x", "--", "sh", "-c", "echo broken; exit 7");
        assertThat(failed.exit()).isNotZero();
        assertThat(failed.err()).contains("the build failed (exit 7)", "broken").doesNotContain("Exception");
        Cli.Result unpinned = Cli.run(dir, "build", "--git", repo.toString(), "--image", "busybox:latest", "--out",
                "u", "--outputs", "x", "--", "true");
        assertThat(unpinned.exit()).isNotZero();
        assertThat(unpinned.err()).contains("expected NAME@sha256:DIGEST");
        // A build that links its output to a file of the host gets nothing of the host's.
        Cli.Result linked = Cli.run(dir, "build", "--git", repo.toString(), "--node", "node", "--image", image,
                "--out", "link", "--outputs", "secret", "--", "ln", "-s", "/etc/hostname", "secret");
        assertThat(linked.exit()).isNotZero();
        assertThat(linked.err()).contains("output secret: not a regular file");
    }
}
