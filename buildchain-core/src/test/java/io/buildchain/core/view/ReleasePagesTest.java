package io.buildchain.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.root.RootCeremony;
import io.buildchain.core.root.RootStatements;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.submit.SubmissionInbox;
import io.buildchain.core.submit.SubmissionPackage;
import io.buildchain.core.testing.Network;
import io.buildchain.core.verify.ChainVerifier;
import io.buildchain.core.verify.StoreReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release pages from a real store: releases apart from checkpoints, counts as verify's, attackers' text escaped. */
class ReleasePagesTest {
    private static final String EVIL_LABEL = "<img src=x onerror=alert(1)>";
    private static final String EVIL_FILE = "<svg onload=alert(2)>.bin";

    @TempDir
    Path dir;

    /** Every page of the store, as serve shows it. */
    private static String pages(StoreRoutes routes, String... paths) throws Exception {
        StringBuilder all = new StringBuilder();
        for (String path : paths) {
            StoreRoutes.Answer answer = routes.resolve(path);
            assertThat(answer).as(path).isInstanceOf(StoreRoutes.Page.class);
            assertThat(((StoreRoutes.Page) answer).status()).as(path).isEqualTo(200);
            all.append(((StoreRoutes.Page) answer).body());
        }
        return all.toString();
    }

    private static int status(StoreRoutes routes, String path) throws Exception {
        return ((StoreRoutes.Page) routes.resolve(path)).status();
    }

    @Test
    void labelsFileNamesAndExplanationsAreEscapedOnEveryPage() throws Exception {
        Network net = new Network(dir, "a", "b", EVIL_LABEL);
        List<Submission> round = List.of(net.build("a", "r1", Map.of(EVIL_FILE, "same", "app.bin", "x")),
                net.build("b", "r1", Map.of(EVIL_FILE, "same", "app.bin", "x")),
                net.build(EVIL_LABEL, "r1", Map.of(EVIL_FILE, "other", "app.bin", "x")));
        Publisher.Result result = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty()));
        // A submission from the attacker's builder waits in the inbox too.
        SubmissionInbox inbox = new SubmissionInbox(net.store, net.trusted(), 1 << 20);
        Submission waiting = net.build(EVIL_LABEL, "r2", Map.of(EVIL_FILE, "next"));
        ByteArrayOutputStream upload = new ByteArrayOutputStream();
        SubmissionPackage.write(upload, waiting.manifest(), Manifest.parse(waiting.manifest(), "m"), waiting.request(),
                waiting.artifacts().get());
        inbox.accept("proj", "main", new ByteArrayInputStream(upload.toByteArray()));

        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        String sig = result.block().signatureBase32();
        String html = pages(routes, "", "chain/proj/main", "chain/proj/main/blocks", "chain/proj/main/" + sig,
                "chain/proj/main/" + sig + "/divergence", "submissions/");
        assertThat(html).doesNotContain("<img", "<svg onload").contains("&lt;img src=x onerror=alert(1)&gt;",
                "&lt;svg onload=alert(2)&gt;.bin");
        // The file's download link is percent-encoded, its name escaped.
        assertThat(html).contains("/files/" + sig + "/%3Csvg%20onload%3Dalert%282%29%3E.bin");
        assertThat(pages(routes, "chain/proj/main/history.json")).doesNotContain("<img").contains("\"dissentedBy\" : [ \"\\u003Cimg");
    }

    @Test
    void checkpointBlocksAreLabelledAndNeverShownAsReleases() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        SigningKey root = SigningKey.generate(Network.RANDOM);
        net.publish("r1", 2);
        net.publish("r2", 2, "c");
        RootStatements.add(net.store, List.of(RootCeremony.certify(root, net.signerKey.publicKey(),
                StoreReader.of(net.store.root()))));
        net.restartSigner();
        RootStatements.add(net.store, List.of(RootCeremony.certify(root, net.signerKey.publicKey(),
                StoreReader.of(net.store.root()))));
        Publisher.Result third = net.publish("r3", 2);
        StoreView view = new StoreView(net.store);
        List<ReleaseView> walked = view.releases("proj", "main");
        assertThat(walked).anyMatch(ReleaseView::checkpoint);
        assertThat(walked.stream().filter(ReleaseView::isRelease)).hasSize(3);

        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        String branch = pages(routes, "chain/proj/main");
        assertThat(branch).contains("3 releases").doesNotContain("checkpoint block", "missing from this store");
        assertThat(Pattern.compile("<tr id=\"block-").matcher(branch).results().count()).isEqualTo(3);
        String blocks = pages(routes, "chain/proj/main/blocks");
        assertThat(blocks).contains("Log checkpoint", "Signer key changed here").doesNotContain("class=\"dissent\">The manifest");
        ReleaseView checkpoint = walked.stream().filter(ReleaseView::checkpoint).findFirst().orElseThrow();
        StoreRoutes.Page refused = (StoreRoutes.Page) routes.resolve("chain/proj/main/" + checkpoint.block().signatureBase32());
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.body()).contains("signs a log checkpoint, not a release");
        // The old URLs still answer: the branch page, the divergence page, the block's anchor on the branch page.
        assertThat(status(routes, "chain/proj/main/" + third.block().signatureBase32())).isEqualTo(200);
        assertThat(branch).contains("id=\"block-" + third.block().signatureBase32().substring(0, 16) + "\"");
    }

    @Test
    void aReplayedRequestCountsOnThePageAsVerifyCountsIt() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        List<Submission> first = net.round("r1", List.of());
        net.publisher().publish(new Publisher.Release("proj", "other", 2, net.trusted(), first, Optional.empty()));
        // The same files on another branch (on the same branch they are "already published"): b and c sign new
        // requests, a's request counted in the first release is replayed.
        List<Submission> second = net.round("r1", List.of());
        Publisher.Result result = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(),
                List.of(first.get(0), second.get(1), second.get(2)), Optional.empty()));

        KeyList trusted = net.trusted();
        ChainVerifier verifier = new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey());
        String counted = verifier.checkQuorum(result.block(), trusted, 2,
                verifier.countedBefore(verifier.blocksBefore(result.block())));
        Matcher verified = Pattern.compile("^(\\d+) of your (\\d+) trusted builders").matcher(counted);
        assertThat(verified.find()).as(counted).isTrue();

        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        String page = pages(routes, "chain/proj/main/" + result.block().signatureBase32());
        assertThat(page).contains(verified.group(1) + " of " + verified.group(2) + " builders agreed");
        assertThat(verified.group(1)).isEqualTo("2");
    }

    private static void submit(Network net, SubmissionInbox inbox, String branch, Submission submission) throws Exception {
        ByteArrayOutputStream upload = new ByteArrayOutputStream();
        SubmissionPackage.write(upload, submission.manifest(), Manifest.parse(submission.manifest(), "m"),
                submission.request(), submission.artifacts().get());
        inbox.accept("proj", branch, new ByteArrayInputStream(upload.toByteArray()));
    }

    @Test
    void pendingSubmissionsSayHowManyMoreOperatorsTheQuorumNeeds() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        net.publish("r1", 2);
        SubmissionInbox inbox = new SubmissionInbox(net.store, net.trusted(), 1 << 20);
        submit(net, inbox, "main", net.build("a", "r2", Map.of("app.bin", "two")));
        submit(net, inbox, "main", net.build("b", "r2", Map.of("app.bin", "two")));
        submit(net, inbox, "main", net.build("c", "r2", Map.of("app.bin", "two, differently")));
        submit(net, inbox, "next", net.build("a", "n1", Map.of("app.bin", "new branch")));

        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        String page = pages(routes, "submissions/");
        assertThat(page).contains("2 of 2 agreeing operators</strong>: the quorum is met",
                "1 of 2 agreeing operators</strong>: needs 1 more agreeing operator.",
                "Nothing is published on this branch yet");
        assertThat(pages(routes, "")).contains("3 waiting");
        // Publishing takes them: nothing waits on main any more.
        net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), inbox.pending("proj", "main"),
                Optional.empty()));
        inbox.consume("proj", "main", inbox.pending("proj", "main"));
        assertThat(pages(routes, "submissions/")).doesNotContain("id=\"branch-proj-main\"").contains("branch-proj-next");
    }
    /**
     * The issue: the release page showed no image digest or git tree beside the votes, and a builder whose image
     * differed from the others' was listed wherever its submission happened to fall.
     */
    @Test
    void eachVoteShowsItsTreeAndImageAndTheOddImageIsNamedFirst() throws Exception {
        Network net = new Network(dir, "a", "b", "c");
        String tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        String usual = "sha256:" + "1".repeat(64);
        String odd = "sha256:" + "9".repeat(64);
        List<Submission> round = new java.util.ArrayList<>();
        for (Submission s : net.round("r1", List.of("b"))) {
            round.add(net.withBuildInfo(s, s.source(), Map.of("image", "jdk@" + (s.source().equals("b") ? odd : usual),
                    "image-digest", s.source().equals("b") ? odd : usual, "git-tree", tree)));
        }
        Publisher.Result result = net.publisher().publish(new Publisher.Release("proj", "main", 2, net.trusted(), round,
                Optional.empty()));
        StoreRoutes routes = new StoreRoutes(net.store, new ChainPages("/", "http://s/"));
        String page = pages(routes, "chain/proj/main/" + result.block().signatureBase32());
        int vote = page.indexOf("<td data-label=\"Vote\"");
        String votes = page.substring(page.lastIndexOf("<table", vote), page.indexOf("</table>", vote));
        List<String> rows = Pattern.compile("<td data-label=\"Builder\">([^<]*)</td>").matcher(votes).results()
                .map(m -> m.group(1)).toList();
        assertThat(rows).containsExactly("b", "a", "c");
        assertThat(votes).contains("<th scope=\"col\">Made from</th>", "title=\"" + tree + "\"",
                "title=\"" + odd + "\"", "title=\"" + usual + "\"");
        String rowOfB = votes.substring(votes.indexOf("<tbody>"), votes.indexOf("</tr>", votes.indexOf("<tbody>")));
        assertThat(rowOfB).contains(odd, "not the majority's image").doesNotContain(usual);
        assertThat(votes.substring(votes.indexOf(">a<"))).doesNotContain("not the majority's image");
    }
}
