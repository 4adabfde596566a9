package io.buildchain.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.cli.quickstart.Quickstart;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.Store;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.root.RootCeremony;
import io.buildchain.core.root.SignerCertificate;
import io.buildchain.core.root.SignerTrust;
import io.buildchain.core.verify.ClientState;
import io.buildchain.core.verify.StoreReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of the store server and every refusal, over real HTTP on loopback, on quickstart's store. */
class StoreServerTest {
    @TempDir
    static Path dir;

    static StoreServer server;
    static String base;
    static PublicKey pinned;
    static PublicKey root;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void serveQuickstartStore() throws Exception {
        new Quickstart(dir.resolve("qs"), new PrintStream(OutputStream.nullOutputStream())).run();
        pinned = PublicKey.fromArgument(dir.resolve("qs/signer.pub").toString(), "signer.pub");
        root = PublicKey.fromArgument(dir.resolve("qs/root.pub").toString(), "root.pub");
        server = StoreServer.start(Store.open(dir.resolve("qs/store")), "127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port() + "/";
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void indexListsBranches() throws Exception {
        HttpResponse<byte[]> index = get("");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(header(index, "content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(header(index, "x-content-type-options")).isEqualTo("nosniff");
        assertThat(text(index)).contains("href=\"/chain/hello/main\"", "href=\"/chain/hello/main/release/1.1\"",
                "3 of 4 builders agreed", "1 dissented").doesNotContain("<script");
        assertThat(get("style.css").statusCode()).isEqualTo(200);
    }

    @Test
    void chainPageShowsReleasesVotesFilesAndHowToVerify() throws Exception {
        String page = text(get("chain/hello/main"));
        assertThat(page).contains("2 releases", "href=\"/chain/hello/main/release/1.0\"", "builder-d",
                "buildchain verify --root " + root.base32() + " --url " + base + " -p hello -b main --release 1.1",
                "why builders disagreed", "href=\"/chain/hello/main/history.json\"", "<svg class=\"chart\"")
                .doesNotContain("Block 1", "Log checkpoint");
        assertThat(text(get("chain/hello/main/release/1.1"))).contains("<h1>hello 1.1</h1>", "builder-a", "builder-d",
                "dissent", "agree", "hello-1.1.jar", "docs/RELEASE-NOTES.txt", "--release 1.1", "Environment differences");
        assertThat(text(get("chain/hello/main/release/1.0"))).contains("hello-1.0.jar", "--release 1.0");
        assertThat(text(get("chain/hello/main/blocks"))).contains("Signer key changed here", "key #2 of 2",
                "Log checkpoint", "Release <a href=\"/chain/hello/main/release/1.0\">");
        assertThat(text(get("chain/hello/main/history.json"))).contains("\"release\" : \"1.0\"", "\"agreed\" : 3",
                "\"dissented\" : 1");
        assertThat(text(get("submissions/"))).contains("Nothing is waiting");
    }

    @Test
    void divergencePageExplainsTheOddBuilder() throws Exception {
        Matcher link = Pattern.compile("href=\"/(chain/hello/main/[A-Z2-7]{103}/divergence)\"")
                .matcher(text(get("chain/hello/main")));
        assertThat(link.find()).isTrue();
        String page = text(get(link.group(1)));
        assertThat(page).contains("builder-d", "hello-1.1.jar", "Causes", "0644 vs builder-d 0664", "different umask",
                "SOURCE_DATE_EPOCH is not honoured", "2026-02-01 00:00:00 (local)");
    }

    @Test
    void storeLayoutForDownloadersWithCachingRules() throws Exception {
        HttpResponse<byte[]> tail = get("tail/hello/main");
        assertThat(tail.statusCode()).isEqualTo(200);
        assertThat(tail.body()).hasSize(400);
        // A tail moves: revalidated on every use, so a client holding the current one gets a 304.
        assertThat(header(tail, "cache-control")).isEqualTo("no-cache");
        assertThat(header(tail, "etag")).isNotNull();
        HttpResponse<byte[]> again = get("tail/hello/main", "If-None-Match", header(tail, "etag"));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<byte[]> checkpoint = get("log/" + pinned.base32() + "/checkpoint");
        assertThat(checkpoint.statusCode()).isEqualTo(200);
        // The signer restarted between the releases: its current key's log holds the second release alone.
        assertThat(new String(checkpoint.body())).startsWith("buildchain.io/log/" + pinned.base32() + "\n2\n");
        assertThat(get("log/" + pinned.base32() + "/tile/0/000.p/2").body()).hasSize(64);
        assertThat(get("log/" + pinned.base32() + "/tree-size").statusCode()).isEqualTo(404);
        assertThat(get("log-requests/key").statusCode()).isEqualTo(404);

        String signature = io.buildchain.core.encoding.Base32.encode(java.util.Arrays.copyOf(tail.body(), 64));
        HttpResponse<byte[]> block = get("block/" + signature);
        assertThat(block.body()).isEqualTo(tail.body());
        assertThat(header(block, "cache-control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(header(block, "etag")).isEqualTo("\"" + signature + "\"");
        assertThat(get("block/" + signature, "If-None-Match", "\"" + signature + "\"").statusCode()).isEqualTo(304);
        assertThat(header(get("quorum/" + signature + ".json"), "content-type")).startsWith("application/json");
    }

    @Test
    void rangesOfAnArtifact() throws Exception {
        ChainVerifier.Release release = new ChainVerifier(StoreReader.of(URI.create(base)), pinned).release("hello", "main");
        Digest jar = release.manifest().files().get("hello-1.1.jar");
        byte[] whole = get("object/" + jar.base32()).body();
        HttpResponse<byte[]> part = get("object/" + jar.base32(), "Range", "bytes=10-19");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 10, 20));
        assertThat(header(part, "content-range")).isEqualTo("bytes 10-19/" + whole.length);
        HttpResponse<byte[]> suffix = get("object/" + jar.base32(), "Range", "bytes=-5");
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 5, whole.length));
        HttpResponse<byte[]> beyond = get("object/" + jar.base32(), "Range", "bytes=" + whole.length + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(header(beyond, "content-range")).isEqualTo("bytes */" + whole.length);
        assertThat(get("object/" + jar.base32(), "Range", "bytes=0-1,5-6").body()).isEqualTo(whole);
    }

    @Test
    void releaseFilesDownloadByNameAsAttachments() throws Exception {
        String page = text(get("chain/hello/main/release/1.1"));
        Matcher link = Pattern.compile("href=\"/(files/[A-Z2-7]{103}/docs/RELEASE-NOTES.txt)\"").matcher(page);
        assertThat(link.find()).isTrue();
        HttpResponse<byte[]> file = get(link.group(1));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(header(file, "content-disposition")).isEqualTo("attachment; filename*=UTF-8''RELEASE-NOTES.txt");
        assertThat(header(file, "content-type")).isEqualTo("application/octet-stream");
        assertThat(new String(file.body())).isEqualTo("hello 1.1: greets reproducibly.\n");
    }

    @Test
    void artifactsOfTheNewestReleaseAreServedByNameAsTheOriginalLayoutHasThem() throws Exception {
        HttpResponse<byte[]> file = get("artifacts/docs/RELEASE-NOTES.txt");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(new String(file.body())).isEqualTo("hello 1.1: greets reproducibly.\n");
        assertThat(header(file, "content-disposition")).isEqualTo("attachment; filename*=UTF-8''RELEASE-NOTES.txt");
        assertThat(header(file, "x-content-type-options")).isEqualTo("nosniff");
        // The link moves with every release: never cached as if content-addressed.
        assertThat(header(file, "cache-control")).isEqualTo("no-store");
        assertThat(get("artifacts/hello-1.1.jar").statusCode()).isEqualTo(200);
    }

    @Test
    void artifactsRefuseEscapesAndLinksLeadingOut() throws Exception {
        assertThat(get("artifacts").statusCode()).isEqualTo(404);
        assertThat(get("artifacts/").statusCode()).isEqualTo(404);
        assertThat(get("artifacts/docs").statusCode()).isEqualTo(404);
        assertThat(get("artifacts/hello-1.0.jar").statusCode()).as("an older release's name").isEqualTo(404);
        assertThat(get("artifacts/..%2Flock").statusCode()).isIn(400, 404);
        assertThat(get("artifacts/docs/..%2F..%2Fpending").statusCode()).isIn(400, 404);
        assertThat(get("artifacts/%2e%2e/%2e%2e/etc/passwd").statusCode()).isIn(400, 404);
        Files.createSymbolicLink(dir.resolve("qs/store/artifacts/passwd"), Path.of("/etc/passwd"));
        assertThat(get("artifacts/passwd").statusCode()).isEqualTo(404);
    }

    @Test
    void theRootMachineCertifiesANewSignerKeyFromTheServedStore() throws Exception {
        StoreReader served = StoreReader.of(URI.create(base));
        SigningKey rootKey = KeyFiles.read(dir.resolve("qs/root/root.key"));
        PublicKey restarted = SigningKey.generate(new java.security.SecureRandom()).publicKey();
        SignerCertificate certificate = RootCeremony.certify(rootKey, restarted, served);
        Block tail = new ChainVerifier(served, SignerTrust.root(root)).release("hello", "main").block();
        // The key's last block is the newest of its chain: the log checkpoint's block signed after the tail's.
        Block last = Block.decode(get("signer/last").body(), "signer/last");
        assertThat(last.publicKey()).isEqualTo(tail.publicKey());
        assertThat(last.counter()).isGreaterThanOrEqualTo(tail.counter());
        assertThat(certificate.follows()).map(SignerCertificate.Predecessor::lastBlock)
                .contains(Optional.of(last.signatureBase32()));
        assertThat(get("root/statements").body()).isEqualTo(Files.readAllBytes(dir.resolve("qs/store/root/statements")));
        assertThat(get("root/other").statusCode()).isEqualTo(404);
    }

    @Test
    void theCliVerifierAndDownloaderWorkAgainstIt() throws Exception {
        ChainVerifier verifier = new ChainVerifier(StoreReader.of(URI.create(base)), SignerTrust.root(root));
        ChainVerifier.Report report = verifier.verify("hello", "main", new ChainVerifier.Options(true,
                KeyList.read(dir.resolve("qs/trusted-builders")), 2, new ClientState(dir.resolve("seen"))));
        // The second release is the second block of the key the signer was born with at its restart (its first
        // answers the publisher's own request, which learns the key before any builder's).
        assertThat(report.chainLength()).isEqualTo(2);
        assertThat(report.summary()).contains("signer key #2 of 2 certified by root " + root);
        // Three files and quickstart's release record.
        assertThat(report.filesChecked()).isEqualTo(4);
        assertThat(report.release().record().project()).isEqualTo("hello");
    }

    @Test
    void aMonitorAuditsTheLogOverHttp() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = io.buildchain.cli.Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        int code = cli.execute("audit", "--key", pinned.base32(), "--url", base,
                "--last-seen", dir.resolve("monitor/last-seen").toString());
        assertThat(code).isZero();
        assertThat(out.toString()).contains("audited the log of signer " + pinned)
                .contains("2 block(s) walked back to the genesis");
        assertThat(dir.resolve("monitor/last-seen")).content()
                .startsWith(pinned.base32() + "/" + pinned.base32() + " checkpoint " + pinned.base32() + " 2 ");
    }

    @Test
    void fileNamesThatNeedEncodingDownloadFromTheirPageLinks() throws Exception {
        Path storeDir = dir.resolve("names-store");
        io.buildchain.core.crypto.SigningKey signer = io.buildchain.core.crypto.SigningKey.generate(new java.security.SecureRandom());
        io.buildchain.core.crypto.SigningKey builder = io.buildchain.core.crypto.SigningKey.generate(new java.security.SecureRandom());
        Path dist = Files.createDirectories(dir.resolve("names-dist/my docs"));
        String[] names = {"my docs/r\u00e9sum\u00e9 v1.txt", "my docs/100% #1 ?.txt", "my docs/a+b.txt"};
        for (String name : names) {
            Files.writeString(dir.resolve("names-dist").resolve(name), "content of " + name);
        }
        var manifest = io.buildchain.core.manifest.TreeHasher.forThisMachine().manifest(dir.resolve("names-dist"), 1);
        var request = new io.buildchain.core.chain.BuilderChain(dir.resolve("names-builder")).request(builder, manifest.digest(), 1);
        var submission = new io.buildchain.core.quorum.Submission("b", manifest.render(), request.bytes(),
                java.util.Optional.of(dir.resolve("names-dist")));
        new io.buildchain.core.publish.Publisher(Store.open(storeDir), new io.buildchain.core.chain.LocalSigner(signer,
                dir.resolve("names-signer"), null, java.time.Clock.systemUTC()), line -> { })
                .publish(new io.buildchain.core.publish.Publisher.Release("p", "main", 1,
                        io.buildchain.core.crypto.KeyList.of(java.util.Map.of(builder.publicKey(), "b")),
                        java.util.List.of(submission), java.util.Optional.empty()));
        try (StoreServer namesServer = StoreServer.start(Store.open(storeDir), "127.0.0.1", 0)) {
            String root = "http://127.0.0.1:" + namesServer.port() + "/";
            String chain = new String(HTTP.send(HttpRequest.newBuilder(URI.create(root + "chain/p/main")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body(), java.nio.charset.StandardCharsets.UTF_8);
            // A release without a record has its page by block.
            Matcher release = Pattern.compile("href=\"/(chain/p/main/[A-Z2-7]{103})\"").matcher(chain);
            assertThat(release.find()).as(chain).isTrue();
            String page = new String(HTTP.send(HttpRequest.newBuilder(URI.create(root + release.group(1))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body(), java.nio.charset.StandardCharsets.UTF_8);
            Matcher links = Pattern.compile("href=\"/(files/[^\"]+)\"").matcher(page);
            int found = 0;
            while (links.find()) {
                HttpResponse<String> file = HTTP.send(HttpRequest.newBuilder(URI.create(root + links.group(1))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(file.statusCode()).as(links.group(1)).isEqualTo(200);
                assertThat(file.body()).startsWith("content of my docs/");
                found++;
            }
            assertThat(found).isEqualTo(names.length);
        }
    }

    @Test
    void refusals() throws Exception {
        assertThat(get("tail/nope/main").statusCode()).isEqualTo(404);
        assertThat(get("chain/nope/main").statusCode()).isEqualTo(404);
        assertThat(get("object/NOT-A-DIGEST").statusCode()).isEqualTo(404);
        assertThat(get("lock").statusCode()).isEqualTo(404);
        assertThat(get("pending/").statusCode()).isEqualTo(404);
        assertThat(get("files/" + "A".repeat(103) + "/x").statusCode()).isEqualTo(404);
        assertThat(get("tail/hello/..%2F..%2Flock").statusCode()).isIn(400, 404);
        assertThat(get("%2e%2e/%2e%2e/etc/passwd").statusCode()).isIn(400, 404);
        HttpResponse<byte[]> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "tail/hello/main"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
        // A symlink inside the store that leads out of it is not followed.
        String fake = "A".repeat(77);
        Files.createSymbolicLink(dir.resolve("qs/store/object").resolve(fake), Path.of("/etc/passwd"));
        assertThat(get("object/" + fake).statusCode()).isEqualTo(404);
    }
}
