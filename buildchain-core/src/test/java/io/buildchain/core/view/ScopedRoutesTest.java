package io.buildchain.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.testing.Network;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Jenkins job sees only the branches it publishes in the shared store. */
class ScopedRoutesTest {
    @TempDir
    Path dir;

    @Test
    void aScopedViewShowsOnlyItsBranchesTheirObjectsAndEvidence() throws Exception {
        Network net = new Network(dir, "a", "b");
        Publisher.Result mine = net.publish("r1", 2);
        Publisher.Result theirs = net.publisher().publish(new Publisher.Release("secret", "main", 2, net.trusted(),
                net.round("s1", List.of()), Optional.empty()));
        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/job/x/buildchain/", "http://j/job/x/buildchain/",
                true), (project, branch) -> project.equals("proj"));
        String mineSig = mine.block().signatureBase32();
        String theirSig = theirs.block().signatureBase32();

        StoreRoutes.Page index = (StoreRoutes.Page) routes.resolve("");
        assertThat(index.body()).contains("proj").doesNotContain("secret").startsWith("<link rel=\"stylesheet\"")
                .doesNotContain("<html");
        assertThat(routes.resolve("tail/proj/main")).isInstanceOf(StoreRoutes.StoreFile.class);
        assertThat(status(routes, "tail/secret/main")).isEqualTo(404);
        assertThat(status(routes, "chain/secret/main")).isEqualTo(404);
        assertThat(status(routes, "chain/secret/main/" + theirSig + "/divergence")).isEqualTo(404);
        assertThat(status(routes, "chain/secret/main/blocks")).isEqualTo(404);
        assertThat(status(routes, "chain/secret/main/history.json")).isEqualTo(404);
        assertThat(status(routes, "chain/secret/main/" + theirSig)).isEqualTo(404);
        assertThat(status(routes, "chain/secret/main/release/s1")).isEqualTo(404);
        // Another branch's release is not shown under one the job owns.
        assertThat(status(routes, "chain/proj/main/" + theirSig)).isEqualTo(404);
        assertThat(status(routes, "chain/proj/main/" + theirSig + "/divergence")).isEqualTo(404);
        assertThat(status(routes, "chain/proj/main/" + mineSig)).isEqualTo(200);
        assertThat(((StoreRoutes.Page) routes.resolve("submissions/")).body()).doesNotContain("secret");
        assertThat(routes.resolve("object/" + mine.block().digest())).isInstanceOf(StoreRoutes.StoreFile.class);
        assertThat(status(routes, "object/" + theirs.block().digest())).isEqualTo(404);
        assertThat(routes.resolve("files/" + mineSig + "/app.bin")).isInstanceOf(StoreRoutes.StoreFile.class);
        assertThat(status(routes, "files/" + theirSig + "/app.bin")).isEqualTo(404);
        assertThat(routes.resolve("quorum/" + mineSig + ".json")).isInstanceOf(StoreRoutes.StoreFile.class);
        assertThat(status(routes, "quorum/" + theirSig + ".json")).isEqualTo(404);
        assertThat(status(routes, "manifest.json")).isEqualTo(404);
        // Blocks are served by signature: a chain walked back passes through other branches' blocks.
        assertThat(routes.resolve("block/" + theirSig)).isInstanceOf(StoreRoutes.StoreFile.class);
        // So is the log of the shared signer chain (the Jenkins job URL serves it), but not the publisher's files.
        String log = "log/" + net.signerKey.publicKey() + "/";
        assertThat(routes.resolve(log + "checkpoint")).isInstanceOf(StoreRoutes.StoreFile.class);
        assertThat(routes.resolve(log + "tile/0/000.p/3")).isInstanceOf(StoreRoutes.StoreFile.class);
        assertThat(status(routes, log + "tree-size")).isEqualTo(404);
        assertThat(status(routes, log + "tile/0/../../../log-requests/key")).isEqualTo(404);
        assertThat(status(routes, "log-requests/key")).isEqualTo(404);

        // A file of the job's release, as every release file is, by digest too.
        String fileDigest = ((StoreRoutes.StoreFile) routes.resolve("files/" + mineSig + "/app.bin")).etag();
        assertThat(routes.resolve("object/" + fileDigest)).isInstanceOf(StoreRoutes.StoreFile.class);

        // The unscoped view (buildchain serve) still shows everything, as a whole document.
        StoreRoutes all = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        assertThat(((StoreRoutes.Page) all.resolve("")).body()).contains("secret").startsWith("<!DOCTYPE html>");
        assertThat(all.resolve("object/" + theirs.block().digest())).isInstanceOf(StoreRoutes.StoreFile.class);
    }

    @Test
    void fileRepliesPlanCachingAndRanges() throws Exception {
        Network net = new Network(dir, "a", "b");
        Publisher.Result mine = net.publish("r1", 2);
        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        var file = (StoreRoutes.StoreFile) routes.resolve("files/" + mine.block().signatureBase32() + "/app.bin");
        byte[] content = Files.readAllBytes(file.file());

        FileReply whole = FileReply.plan(file, null, null);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.headers()).containsEntry("ETag", "\"" + file.etag() + "\"")
                .containsEntry("Content-Disposition", "attachment; filename*=UTF-8''app.bin")
                .containsEntry("Content-Length", Integer.toString(content.length));
        assertThat(FileReply.plan(file, "\"" + file.etag() + "\"", null).status()).isEqualTo(304);

        FileReply part = FileReply.plan(file, null, "bytes=2-5");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.headers()).containsEntry("Content-Range", "bytes 2-5/" + content.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        part.copyBody(out);
        assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(content, 2, 6));

        FileReply unsatisfiable = FileReply.plan(file, null, "bytes=9999-");
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.hasBody()).isFalse();

        var tail = (StoreRoutes.StoreFile) routes.resolve("tail/proj/main");
        // A tail moves: it is revalidated on every use, and a client holding the current one gets a 304.
        FileReply tailReply = FileReply.plan(tail, null, null);
        assertThat(tailReply.headers()).containsEntry("Cache-Control", "no-cache").containsKey("ETag");
        assertThat(FileReply.plan(tail, tailReply.headers().get("ETag"), null).status()).isEqualTo(304);
    }

    @Test
    void theRunPageListsSubmissionsTrustBlocksAndReleases() throws Exception {
        Network net = new Network(dir, "a", "b");
        RunRecord run = new RunRecord(dir.resolve("run"));
        for (var s : net.round("r1", List.of())) {
            run.reserve(s.source());
            run.record(s.source(), "node-<" + s.source() + ">", s.manifest(), s.request());
        }
        Publisher.Result result = net.publish("r1", 2);
        run.recordRelease("proj", "main", result.block());
        String html = new ChainPages("/job/x/buildchain/", "http://j/job/x/buildchain/", true).run("Build #3",
                run.entries(), net.trusted("a"), run.blocks(), run.releases());
        assertThat(html).contains("node-&lt;a&gt;").doesNotContain("node-<a>")
                .contains("trusted as a").contains("not trusted")
                .contains(result.block().signatureBase32())
                .contains("href=\"/job/x/buildchain/chain/proj/main\"");
    }

    @Test
    void theRunPageExplainsWhyItsBuildersDisagreed() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        RunRecord run = new RunRecord(dir.resolve("run"));
        for (var s : net.round("r1", List.of("c"))) {
            run.reserve(s.source());
            run.record(s.source(), "node-" + s.source(), s.manifest(), s.request());
        }
        Publisher.Result result = net.publish("r1", 2, "c");
        run.recordRelease("proj", "main", result.block());
        String html = new ChainPages("/job/x/buildchain/", "http://j/job/x/buildchain/", true).run("Build #4",
                run.entries(), net.trusted("a", "b", "c"), run.blocks(), run.releases());
        assertThat(html).contains("<h2>Why builders disagreed</h2>", "<section class=\"explanation\"><h2>c <span "
                + "class=\"muted\">differs from</span> a, b</h2>", "<td>sha384</td>")
                .contains("href=\"/job/x/buildchain/chain/proj/main/" + result.block().signatureBase32() + "/divergence\"");
    }

    /** Evidence written before explanations were stored keeps its text lines, and the page still shows them. */
    @Test
    void oldEvidenceWithDivergenceLinesStillRenders() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        Publisher.Result result = net.publish("r1", 2, "c");
        Path file = net.store.evidencePath(result.block());
        String json = Files.readString(file);
        assertThat(json).contains("\"explanations\"").doesNotContain("\"divergence\"");
        String old = json.substring(0, json.indexOf(",\n  \"explanations\"")) + ",\n  \"divergence\" : [ "
                + "\"manifest X (c) differs from Y (a):\", \"  app.bin: sha384 P vs Q\" ]\n}\n";
        Files.writeString(file, old);
        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"), (project, branch) -> true);
        StoreRoutes.Page page = (StoreRoutes.Page) routes.resolve("chain/proj/main/" + result.block().signatureBase32()
                + "/divergence");
        assertThat(page.body()).contains("<pre>manifest X (c) differs from Y (a):\n  app.bin: sha384 P vs Q\n</pre>");
        assertThat(((StoreRoutes.Page) routes.resolve("chain/proj/main")).body()).contains("why builders disagreed");
    }

    private static int status(StoreRoutes routes, String path) throws Exception {
        return routes.resolve(path) instanceof StoreRoutes.Page page ? page.status() : 200;
    }
}
