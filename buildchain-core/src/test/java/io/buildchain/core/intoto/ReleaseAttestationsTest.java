package io.buildchain.core.intoto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.root.RootCeremony;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.verify.StoreReader;
import io.buildchain.core.testing.Network;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.StoreRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher keeps exactly the agreeing builders' attestations that hold, and serve hands them out; the layout
 * refuses a trust file in which in-toto would count one operator twice.
 */
class ReleaseAttestationsTest {
    static final String REVISION = "89abcdef0123456789abcdef0123456789abcdef";
    @TempDir
    Path dir;

    record Built(Submission submission, Manifest manifest, Path dist) {
    }

    Built build(Network net, String name, String jar) throws Exception {
        Path dist = dir.resolve(name + "/dist");
        Files.createDirectories(dist);
        Files.writeString(dist.resolve("app.jar"), jar);
        Manifest manifest = ReleaseRecord.writeInto(dist, new TreeHasher(2).hashTree(dist), "proj", "main", "1.0",
                REVISION, 1700000000L);
        byte[] request = new BuilderChain(dir.resolve(name + "/state")).request(net.builders.get(name),
                manifest.digest(), 1700000000L).bytes();
        return new Built(new Submission(name, manifest.render(), request, Optional.of(dist)), manifest, dist);
    }

    static ReleaseRecord recordOf(Built built) throws Exception {
        return ReleaseRecord.of(built.manifest(), Files.readAllBytes(built.dist().resolve(ReleaseRecord.NAME)), "r");
    }

    /** The products of {@code built} with app.jar's SHA-256 changed, as a builder could sign them. */
    static com.fasterxml.jackson.databind.node.ObjectNode otherSha256(Built built) throws Exception {
        var products = BuildLink.products(built.manifest(), built.dist()::resolve);
        ((com.fasterxml.jackson.databind.node.ObjectNode) products.get("app.jar")).put("sha256", "00".repeat(32));
        return products;
    }

    @Test
    void onlyTheAgreeingBuildersAttestationsThatHoldAreKeptAndServed() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        Built a = build(net, "a", "same");
        Built b = build(net, "b", "same");
        Built c = build(net, "c", "odd");
        Map<String, BuilderAttestations> attestations = new HashMap<>();
        BuilderAttestations ofA = BuilderAttestations.make(a.manifest(), a.dist(), net.builders.get("a"), Optional.empty());
        attestations.put(ReleaseAttestations.requestKey(a.submission().request()), ofA);
        // b hands in a's link and provenance as its own: signed by another key, left out.
        attestations.put(ReleaseAttestations.requestKey(b.submission().request()), ofA);
        // c dissents: its (valid) attestations do not describe the release.
        attestations.put(ReleaseAttestations.requestKey(c.submission().request()),
                BuilderAttestations.make(c.manifest(), c.dist(), net.builders.get("c"), Optional.empty()));
        Publisher.Result result = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(),
                List.of(a.submission(), b.submission(), c.submission()), Optional.empty()));

        List<String> report = new ArrayList<>();
        List<Path> written = ReleaseAttestations.record(net.store, result.decision(), attestations, report::add);

        Path inToto = ReleaseAttestations.dir(net.store, a.manifest().digest());
        String linkOfA = BuildLink.fileName(net.builders.get("a").publicKey());
        assertThat(written).containsExactlyInAnyOrder(inToto.resolve(linkOfA),
                inToto.resolve(Provenance.fileName(net.builders.get("a").publicKey())));
        assertThat(report).singleElement().asString().startsWith("in-toto: left out: b link: not signed by the "
                + "builder key " + net.builders.get("b").publicKey());
        try (var files = Files.list(inToto)) {
            assertThat(files).hasSize(2);
        }

        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        String base = "release/" + a.manifest().digest().base32() + "/in-toto/";
        var served = (StoreRoutes.StoreFile) routes.resolve(base + linkOfA);
        assertThat(served.immutable()).isFalse();
        assertThat(Files.readAllBytes(served.file())).isEqualTo(ofA.link());
        for (String refused : List.of(base + "x.link", base + "../manifest.json",
                "release/" + a.manifest().digest().base32() + "/artifacts/app.jar", base + linkOfA + "/x")) {
            assertThat(routes.resolve(refused)).as(refused).isInstanceOf(StoreRoutes.Page.class);
        }
        StoreRoutes otherJob = new StoreRoutes(net.store, new ChainPages("/", "http://s/"), (p, br) -> !p.equals("proj"));
        assertThat(otherJob.resolve(base + linkOfA)).isInstanceOf(StoreRoutes.Page.class);

        // The release page links what is served; a stray file and a layout that is a symlink out of the store are
        // neither linked nor served, and without a layout the page shows no in-toto-verify command.
        Files.writeString(inToto.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve("elsewhere.layout"), "{}");
        Files.createSymbolicLink(inToto.resolve(InTotoExport.LAYOUT), dir.resolve("elsewhere.layout"));
        assertThat(ReleaseAttestations.served(net.store, a.manifest().digest())).containsExactly(linkOfA,
                Provenance.fileName(net.builders.get("a").publicKey()));
        assertThat(routes.resolve(base + InTotoExport.LAYOUT)).isInstanceOf(StoreRoutes.Page.class);
        String page = ((StoreRoutes.Page) routes.resolve("chain/proj/main/" + result.block().signatureBase32())).body();
        assertThat(page).contains("href=\"/" + base + linkOfA + "\"", "in-toto and SLSA")
                .doesNotContain("in-toto-verify", "notes.txt", InTotoExport.LAYOUT);
    }

    /**
     * An agreeing builder's SHA-256 digests are checked too: SLSA tools match subjects by sha256, and in-toto-verify
     * refuses a step whose links name different products. Such a pair is left out when it is recorded, and the
     * export leaves out (and says so) one that is in the store anyway, keeping the others.
     */
    @Test
    void attestationsNamingAnotherSha256AreLeftOutOfTheReleaseAndTheExport() throws Exception {
        Network net = new Network(dir, "a", "b");
        Built a = build(net, "a", "same");
        Built b = build(net, "b", "same");
        ReleaseRecord record = recordOf(b);
        var products = BuildLink.products(b.manifest(), b.dist()::resolve);
        var otherSha256 = otherSha256(b);
        SigningKey keyOfB = net.builders.get("b");
        BuilderAttestations wrongProvenance = new BuilderAttestations(BuildLink.sign(products, record, keyOfB).toJson(),
                Provenance.sign(otherSha256, b.manifest(), record, Optional.empty(), keyOfB));
        BuilderAttestations wrongLink = new BuilderAttestations(BuildLink.sign(otherSha256, record, keyOfB).toJson(),
                Provenance.sign(products, b.manifest(), record, Optional.empty(), keyOfB));
        Publisher.Result result = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(),
                List.of(a.submission(), b.submission()), Optional.empty()));
        String requestOfB = ReleaseAttestations.requestKey(b.submission().request());
        for (BuilderAttestations wrong : List.of(wrongProvenance, wrongLink)) {
            List<String> report = new ArrayList<>();
            assertThat(ReleaseAttestations.record(net.store, result.decision(), Map.of(requestOfB, wrong), report::add))
                    .isEmpty();
            assertThat(report).singleElement().asString().startsWith("in-toto: left out: b ")
                    .contains("app.jar");
        }

        BuilderAttestations ofA = BuilderAttestations.make(a.manifest(), a.dist(), net.builders.get("a"), Optional.empty());
        ReleaseAttestations.record(net.store, result.decision(),
                Map.of(ReleaseAttestations.requestKey(a.submission().request()), ofA), line -> { });
        Path inToto = ReleaseAttestations.dir(net.store, b.manifest().digest());
        Files.write(inToto.resolve(BuildLink.fileName(keyOfB.publicKey())), wrongProvenance.link());
        Files.write(inToto.resolve(Provenance.fileName(keyOfB.publicKey())), wrongProvenance.provenance());
        SigningKey root = SigningKey.generate(Network.RANDOM);
        byte[] layout = Layout.sign("proj", "main", 2, net.trusted(), List.of("*"), Instant.now().plusSeconds(3600), root)
                .toJson();
        InTotoExport.Result exported = InTotoExport.export(net.store, "proj", "main", Optional.empty(), layout,
                root.publicKey(), dir.resolve("export"));
        assertThat(exported.builders()).containsExactly(new InTotoKey(net.builders.get("a").publicKey()).keyid());
        assertThat(exported.leftOut()).singleElement().asString()
                .startsWith("in-toto/build." + new InTotoKey(keyOfB.publicKey()).prefix() + " provenance: app.jar");
        assertThat(dir.resolve("export").resolve(Provenance.fileName(keyOfB.publicKey()))).doesNotExist();
    }

    /**
     * An upload's in-toto link and provenance are checked at the boundary, as its buildinfo is: a pair that is not
     * its builder's for exactly these files is refused with 400 and nothing is filed, instead of being accepted and
     * only left out when the release is published.
     */
    @Test
    void anUploadWhoseAttestationsDoNotHoldIsRefused() throws Exception {
        Network net = new Network(dir, "a", "b");
        Built a = build(net, "a", "same");
        ReleaseRecord record = recordOf(a);
        var otherSha256 = otherSha256(a);
        SigningKey keyOfA = net.builders.get("a");
        BuilderAttestations good = BuilderAttestations.make(a.manifest(), a.dist(), keyOfA, Optional.empty());
        BuilderAttestations ofB = BuilderAttestations.make(a.manifest(), a.dist(), net.builders.get("b"), Optional.empty());
        var inbox = new io.buildchain.core.submit.SubmissionInbox(net.store, net.trusted(), 1 << 20);
        Map<BuilderAttestations, String> refused = Map.of(
                ofB, "in-toto link: not signed by the builder key " + keyOfA.publicKey(),
                new BuilderAttestations(good.link(), Provenance.sign(otherSha256, a.manifest(), record, Optional.empty(),
                        keyOfA)), "in-toto provenance: app.jar is not the manifest's file",
                new BuilderAttestations("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), good.provenance()),
                        "in-toto link: expected in-toto metadata");
        for (Map.Entry<BuilderAttestations, String> attestations : refused.entrySet()) {
            assertThatThrownBy(() -> inbox.accept("proj", "main", upload(a, attestations.getKey())))
                    .isInstanceOfSatisfying(io.buildchain.core.submit.SubmissionRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).startsWith("this submission's " + attestations.getValue());
                    });
            assertThat(inbox.pending("proj", "main")).isEmpty();
        }
        // Without a release record there is no revision for a link to name.
        Path bare = dir.resolve("bare");
        Files.createDirectories(bare);
        Files.writeString(bare.resolve("app.jar"), "same");
        Manifest unrecorded = new TreeHasher(2).manifest(bare, 1700000000L);
        byte[] request = new BuilderChain(dir.resolve("bare-state")).request(keyOfA, unrecorded.digest(), 1700000000L)
                .bytes();
        Built noRecord = new Built(new Submission("a", unrecorded.render(), request, Optional.of(bare)), unrecorded, bare);
        assertThatThrownBy(() -> inbox.accept("proj", "main", upload(noRecord, good)))
                .hasMessage("in-toto.link needs a release record, whose revision it names");
        assertThat(inbox.pending("proj", "main")).isEmpty();
        inbox.accept("proj", "main", upload(a, good));
        assertThat(inbox.attestations("proj", "main").values()).singleElement()
                .satisfies(kept -> assertThat(kept.link()).isEqualTo(good.link()));
    }

    static java.io.InputStream upload(Built built, BuilderAttestations attestations) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        io.buildchain.core.submit.SubmissionPackage.write(out, built.submission().manifest(), built.manifest(),
                built.submission().request(), Optional.empty(), Optional.of(attestations), built.dist());
        return new java.io.ByteArrayInputStream(out.toByteArray());
    }

    /** The layout of another project or branch, or one expired, is refused when exporting, not written for in-toto-verify to refuse. */
    @Test
    void anExportRefusesTheLayoutOfAnotherBranch() throws Exception {
        Network net = new Network(dir, "a");
        Built a = build(net, "a", "same");
        net.publisher().publish(new Publisher.Release("proj", "main", 1, net.trusted(), List.of(a.submission()),
                Optional.empty()));
        SigningKey root = SigningKey.generate(Network.RANDOM);
        Instant later = Instant.now().plusSeconds(3600);
        for (String[] other : List.of(new String[] {"proj", "other"}, new String[] {"other", "main"})) {
            byte[] layout = Layout.sign(other[0], other[1], 1, net.trusted(), List.of("*"), later, root).toJson();
            assertThatThrownBy(() -> InTotoExport.export(net.store, "proj", "main", Optional.empty(), layout,
                    root.publicKey(), dir.resolve("export")))
                    .isInstanceOf(FormatException.class)
                    .hasMessage("layout: its step build requires " + other[0] + "/" + other[1] + ", not proj/main");
            assertThat(dir.resolve("export")).doesNotExist();
        }
        // An expired layout: in-toto-verify refuses it, so the export says so instead of writing it.
        var expired = Layout.sign("proj", "main", 1, net.trusted(), List.of("*"), later, root).signed().deepCopy()
                .put("expires", "2020-01-01T00:00:00Z");
        assertThatThrownBy(() -> InTotoExport.export(net.store, "proj", "main", Optional.empty(),
                SignedMetadata.sign(expired, root).toJson(), root.publicKey(), dir.resolve("export")))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("layout: expired at 2020-01-01T00:00:00Z");
        byte[] layout = Layout.sign("proj", "main", 1, net.trusted(), List.of("*"), later, root).toJson();
        assertThat(InTotoExport.export(net.store, "proj", "main", Optional.empty(), layout, root.publicKey(),
                dir.resolve("export")).builders()).isEmpty();
    }

    /**
     * A store whose root is certified serves only a layout signed by that root: the layout-key.pub beside it is the
     * key its users pin, never another one an operator passed as --root by mistake.
     */
    @Test
    void intoTheStoreOnlyTheLayoutOfTheStoresRoot() throws Exception {
        Network net = new Network(dir, "a");
        Built a = build(net, "a", "same");
        Publisher.Result published = net.publisher().publish(new Publisher.Release("proj", "main", 1, net.trusted(),
                List.of(a.submission()), Optional.empty()));
        SigningKey root = SigningKey.generate(Network.RANDOM);
        SigningKey other = SigningKey.generate(Network.RANDOM);
        Instant later = Instant.now().plusSeconds(3600);
        RootStatements.add(net.store, List.of(RootCeremony.certify(root, net.signerKey.publicKey(),
                StoreReader.of(net.store.root()))));
        byte[] byOther = Layout.sign("proj", "main", 1, net.trusted(), List.of("*"), later, other).toJson();
        assertThatThrownBy(() -> InTotoExport.intoStore(net.store, "proj", "main", Optional.empty(), byOther,
                other.publicKey())).isInstanceOf(FormatException.class)
                .hasMessage("--root " + other.publicKey() + ": not this store's root key " + root.publicKey()
                        + ", which its users pin");
        Path inToto = ReleaseAttestations.dir(net.store, a.manifest().digest());
        assertThat(inToto.resolve(InTotoExport.LAYOUT)).doesNotExist();
        byte[] byRoot = Layout.sign("proj", "main", 1, net.trusted(), List.of("*"), later, root).toJson();
        InTotoExport.intoStore(net.store, "proj", "main", Optional.empty(), byRoot, root.publicKey());
        assertThat(inToto.resolve(InTotoExport.LAYOUT)).hasBinaryContent(byRoot);
        assertThat(inToto.resolve(InTotoExport.LAYOUT_KEY)).hasBinaryContent(InTotoExport.layoutKey(root.publicKey()));

        // The page's commands fetch the layout but make its key from the user's root.pub; and a store known only by
        // a relative address (Jenkins without its root URL) gets no commands: curl would read "job/…" as a host name.
        String release = "chain/proj/main/" + published.block().signatureBase32();
        String page = ((StoreRoutes.Page) new StoreRoutes(net.store, new ChainPages("/", "https://store.example/"))
                .resolve(release)).body();
        assertThat(page).contains("curl -fsS -o root.layout", "root.pub", "in-toto-verify")
                .doesNotContain("curl -fsS -o layout-key.pub");
        String relative = ((StoreRoutes.Page) new StoreRoutes(net.store, new ChainPages("/job/x/buildchain/",
                "job/x/buildchain/")).resolve(release)).body();
        assertThat(relative).contains("in-toto and SLSA", "href=\"/job/x/buildchain/release/")
                .doesNotContain("curl", "in-toto-verify");
    }

    /**
     * securesystemslib encodes the canonical JSON as UTF-8 and fails on a lone surrogate; Java's encoder turned one
     * into '?', so a signed link with '?' where the JSON now escapes a lone surrogate still counted as signed here.
     */
    @Test
    void aLoneSurrogateHasNoCanonicalForm() throws Exception {
        SigningKey key = SigningKey.generate(Network.RANDOM);
        var link = Json.MAPPER.createObjectNode().put("_type", "link").put("name", BuildLink.STEP);
        link.putObject("environment").put("host", "a?b");
        String json = new String(SignedMetadata.sign(link, key).toJson(), java.nio.charset.StandardCharsets.UTF_8);
        SignedMetadata changed = SignedMetadata.parse(json.replace("a?b", "a\\ud800b")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "link");
        assertThat(changed.signed().path("environment").path("host").textValue()).isEqualTo("a\ud800b");
        assertThatThrownBy(() -> changed.signedBy(key.publicKey())).isInstanceOf(FormatException.class)
                .hasMessageContaining("surrogate");
    }

    @Test
    void hostileAttestationsAreRefusedWithOneLine() throws Exception {
        Network net = new Network(dir, "a");
        Built a = build(net, "a", "same");
        BuilderAttestations good = BuilderAttestations.make(a.manifest(), a.dist(), net.builders.get("a"), Optional.empty());
        ReleaseRecord record = ReleaseRecord.of(a.manifest(), Files.readAllBytes(a.dist().resolve(ReleaseRecord.NAME)), "r");
        var key = net.builders.get("a").publicKey();
        var products = BuildLink.products(a.manifest(), a.dist()::resolve);
        good.check(key, products, record, "a");
        String link = new String(good.link(), java.nio.charset.StandardCharsets.UTF_8);
        String envelope = new String(good.provenance(), java.nio.charset.StandardCharsets.UTF_8);
        String sig = Json.MAPPER.readTree(good.provenance()).path("signatures").path(0).path("sig").asText();
        String payload = Json.MAPPER.readTree(good.provenance()).path("payload").asText();
        List<String[]> hostile = List.of(
                new String[] {"not json", envelope},
                new String[] {link.replace("\"sha256\"", "\"sha512\""), envelope},
                new String[] {link.replace(REVISION, REVISION.replace('8', '9')), envelope},
                new String[] {link, envelope.replace(sig, "!!!")},
                new String[] {link, envelope.replace(sig, "AAAA")},
                new String[] {link, envelope.replace(payload, "%%%")},
                new String[] {link, envelope.replace("application/vnd.in-toto+json", "text/plain")},
                new String[] {link, "[]"},
                new String[] {"{\"signed\": {\"_type\": \"link\", \"name\": \"build\"}, \"signatures\": [{\"keyid\": 1}]}",
                        envelope});
        for (String[] pair : hostile) {
            BuilderAttestations attestations = new BuilderAttestations(pair[0].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    pair[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThatThrownBy(() -> attestations.check(key, products, record, "a"))
                    .as(pair[0] + " / " + pair[1]).isInstanceOf(io.buildchain.core.BuildchainException.class)
                    .hasMessageStartingWith("a ");
        }
        // The builder's own provenance naming another revision or version than the record's is refused.
        String statement = new String(java.util.Base64.getDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8);
        for (String other : List.of(statement.replace(REVISION, REVISION.replace('8', '9')),
                statement.replace("\"version\":\"1.0\"", "\"version\":\"2.0\""))) {
            assertThat(other).isNotEqualTo(statement);
            byte[] changed = other.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] pae = Provenance.pae(Provenance.PAYLOAD_TYPE, changed);
            var resigned = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(good.provenance());
            resigned.put("payload", java.util.Base64.getEncoder().encodeToString(changed));
            ((com.fasterxml.jackson.databind.node.ObjectNode) resigned.path("signatures").path(0)).put("sig",
                    java.util.Base64.getEncoder().encodeToString(net.builders.get("a").sign(pae, 0, pae.length)));
            assertThatThrownBy(() -> new BuilderAttestations(good.link(), Json.MAPPER.writeValueAsBytes(resigned))
                    .check(key, products, record, "a"))
                    .hasMessage("a provenance: its build definition does not name proj/main 1.0 at revision " + REVISION);
        }
        // A builder never signs bytes other than its manifest's: a file changed after the manifest is refused.
        Files.writeString(a.dist().resolve("app.jar"), "changed after the manifest");
        assertThatThrownBy(() -> BuilderAttestations.make(a.manifest(), a.dist(), net.builders.get("a"), Optional.empty()))
                .isInstanceOf(io.buildchain.core.VerificationException.class)
                .hasMessageEndingWith("app.jar: its SHA-384 is not the manifest's");
        // The same builder's provenance of another manifest is refused for this one.
        net.builders.put("a-again", net.builders.get("a"));
        Built odd = build(net, "a-again", "odd");
        BuilderAttestations ofOdd = BuilderAttestations.make(odd.manifest(), odd.dist(), net.builders.get("a"), Optional.empty());
        assertThatThrownBy(() -> new BuilderAttestations(good.link(), ofOdd.provenance()).check(key, products, record, "a"))
                .hasMessageContaining("is not the manifest's file");
    }

    @Test
    void theLayoutCountsOneKeyPerOperator() {
        SigningKey root = SigningKey.generate(Network.RANDOM);
        SigningKey a1 = SigningKey.generate(Network.RANDOM);
        SigningKey a2 = SigningKey.generate(Network.RANDOM);
        SigningKey b = SigningKey.generate(Network.RANDOM);
        KeyList twoOfAlice = KeyList.parse(a1.publicKey() + " a1 operator=alice\n" + a2.publicKey()
                + " a2 operator=alice\n" + b.publicKey() + " b\n", "trusted");
        Instant later = Instant.now().plusSeconds(3600);
        assertThatThrownBy(() -> Layout.sign("proj", "main", 2, twoOfAlice, List.of("*"), later, root))
                .isInstanceOf(FormatException.class).hasMessageContaining("operator alice has 2 keys");

        KeyList onePerOperator = KeyList.parse(a1.publicKey() + " a1 operator=alice\n" + b.publicKey() + " b\n", "trusted");
        assertThatThrownBy(() -> Layout.sign("proj", "main", 3, onePerOperator, List.of("*"), later, root))
                .isInstanceOf(FormatException.class).hasMessageContaining("expected 1 to 2");
        SignedMetadata layout = Layout.sign("proj", "main", 2, onePerOperator, List.of("*"), later, root);
        byte[] json = layout.toJson();
        assertThat(Layout.builders(Layout.check(json, root.publicKey(), "proj", "main", "layout"), "layout").values())
                .containsExactlyInAnyOrder(a1.publicKey(), b.publicKey());
        assertThatThrownBy(() -> Layout.check(json, a1.publicKey(), "proj", "main", "layout")).hasMessageContaining("not signed by the root key");
        assertThat(layout.signed().path("steps").path(0).path("threshold").asInt()).isEqualTo(2);
    }
}
