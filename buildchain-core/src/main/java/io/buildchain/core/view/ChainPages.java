package io.buildchain.core.view;

import io.buildchain.core.chain.Block;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.intoto.InTotoExport;
import io.buildchain.core.intoto.Layout;
import io.buildchain.core.intoto.ReleaseAttestations;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.root.SignerCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chain pages, as plain server-rendered HTML with one small stylesheet, readable on a phone: the index (a
 * row per branch), a branch's releases and reproducibility chart, a page per release, the divergence, the
 * pending submissions, and the blocks behind them on a technical page. No page needs script; a small one only
 * adds copy buttons beside shortened keys and digests. {@code buildchain serve} serves them; the Jenkins plugin
 * embeds the same markup.
 */
public final class ChainPages {
    public static final String STYLESHEET = """
            body{margin:0}
            .buildchain{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1d2329}
            .buildchain h1{font-size:1.5rem;margin:.5rem 0}.buildchain h2{font-size:1.2rem;margin-top:2rem}
            .buildchain a{color:#0b5cad}.buildchain nav{font-size:.9rem}
            .buildchain code,.buildchain .digest{font-family:ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}
            .buildchain table{border-collapse:collapse;width:100%;margin:.5rem 0}
            .buildchain th,.buildchain td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #dde;vertical-align:top}
            .buildchain th{background:#f3f5f8}.buildchain .scroll{overflow-x:auto}
            .buildchain .agree,.buildchain .ok{color:#176b2c}.buildchain .dissent,.buildchain .bad{color:#a4161a}
            .buildchain .muted{color:#5c6370}.buildchain .mark{font-weight:600;white-space:nowrap}
            .buildchain .lead{font-size:1.05rem}.buildchain .checkpoint td{color:#5c6370}
            .buildchain .keychange td{border-left:4px solid #b6d0f0;background:#f6f9fd}
            .buildchain .verify{background:#f3f8ff;border:1px solid #b6d0f0;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
            .buildchain pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem;border-radius:4px}
            .buildchain button.copy{font-size:.75rem;margin-left:.25rem;padding:0 .35rem;cursor:pointer}
            .buildchain table.facts th{width:9rem}.buildchain .short{white-space:nowrap}.buildchain details{margin:1rem 0}.buildchain summary{cursor:pointer}
            .buildchain .waiting{border:1px solid #ccd;border-radius:6px;padding:.25rem 1rem;margin:1rem 0}
            .buildchain svg.chart{width:100%;height:auto;display:block}.buildchain svg .agreed{fill:#2e7d32}
            .buildchain svg .dissented{fill:#c62828}.buildchain svg .tick{font-size:11px;fill:#1d2329}
            @media (max-width:40rem){.buildchain table.stack,.buildchain table.stack tbody,.buildchain table.stack tr,
            .buildchain table.stack td,.buildchain table.stack th{display:block;width:auto}
            .buildchain table.stack thead{display:none}.buildchain table.stack tr{border-bottom:1px solid #dde;padding:.3rem 0}
            .buildchain table.stack td,.buildchain table.stack th{border:0;padding:.05rem .5rem;background:none}
            .buildchain table.stack td[data-label]::before{content:attr(data-label) ": ";color:#5c6370}}
            """ + ExplanationHtml.STYLESHEET;
    /** Shows the copy buttons (hidden without script) and copies a button's full value. */
    public static final String COPY_SCRIPT = """
            document.querySelectorAll('button.copy').forEach(function (b) {
              b.hidden = false;
              b.addEventListener('click', function () {
                var done = function () { b.textContent = 'Copied'; setTimeout(function () { b.textContent = 'Copy'; }, 1500); };
                if (navigator.clipboard) { navigator.clipboard.writeText(b.dataset.copy).then(done); return; }
                var area = document.createElement('textarea'); area.value = b.dataset.copy; document.body.appendChild(area);
                area.select(); document.execCommand('copy'); area.remove(); done();
              });
            });
            """;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    /** How many characters of a key or digest a person reads; the rest is in the title and the copy button. */
    static final int SHORT = 12;
    private final String base;
    private final String storeUrl;
    private final boolean embedded;

    /**
     * @param base     URL path the pages live under, ending with '/' (e.g. "/" or "/job/x/buildchain/")
     * @param storeUrl absolute URL of the store, for the commands users copy
     */
    public ChainPages(String base, String storeUrl) {
        this(base, storeUrl, false);
    }

    /**
     * @param embedded render each page as a fragment for a host page (Jenkins' layout) instead of a whole
     *                 document; the stylesheet only styles inside the fragment's {@code .buildchain} element
     */
    public ChainPages(String base, String storeUrl, boolean embedded) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.storeUrl = storeUrl;
        this.embedded = embedded;
    }

    /** A branch as the index lists it: its releases newest first, and how many submissions wait for it. */
    public record BranchRow(String project, String branch, List<ReleaseView> releases, int waiting) {
    }

    public String index(List<BranchRow> branches) {
        StringBuilder body = new StringBuilder("<h1>Build chain</h1>");
        int waiting = branches.stream().mapToInt(BranchRow::waiting).sum();
        body.append("<p>Releases signed after independent builders agreed on every file. <a href=\"").append(base)
                .append("submissions/\">Pending submissions</a>").append(waiting > 0 ? " (" + waiting + " waiting)" : "")
                .append("</p>");
        if (branches.isEmpty()) {
            return page("Build chain", body.append("<p>Nothing has been published to this store yet.</p>"), false);
        }
        body.append("<table class=\"stack\"><thead><tr><th scope=\"col\">Project / branch</th><th scope=\"col\">Newest "
                + "release</th><th scope=\"col\">Signed</th><th scope=\"col\">Vote</th><th scope=\"col\">Reproducible"
                + "</th><th scope=\"col\">Pending</th></tr></thead><tbody>");
        for (BranchRow row : branches) {
            Optional<ReleaseView> newest = row.releases().stream().filter(ReleaseView::isRelease).findFirst();
            body.append("<tr><td data-label=\"Project / branch\"><a href=\"").append(chainLink(row.project(), row.branch()))
                    .append("\">").append(escape(row.project())).append(" / ").append(escape(row.branch()))
                    .append("</a></td><td data-label=\"Newest release\">")
                    .append(newest.map(r -> "<a href=\"" + releaseLink(r) + "\">" + escape(releaseName(r)) + "</a>")
                            .orElse("<span class=\"muted\">none</span>"))
                    .append("</td><td data-label=\"Signed\">").append(newest.map(r -> date(r.block().timestamp())).orElse(""))
                    .append("</td><td data-label=\"Vote\">").append(newest.map(ChainPages::voteSummary).orElse(""))
                    .append("</td><td data-label=\"Reproducible\">").append(newest.map(r -> mark(r.votes())).orElse(""))
                    .append("</td><td data-label=\"Pending\">").append(row.waiting() == 0 ? "<span class=\"muted\">none</span>"
                            : "<a href=\"" + base + "submissions/#" + anchor(row.project(), row.branch()) + "\">"
                                    + row.waiting() + " waiting</a>")
                    .append("</td></tr>");
        }
        body.append("</tbody></table>");
        return page("Build chain", body, false);
    }

    public String chain(String project, String branch, List<ReleaseView> releases) {
        return chain(project, branch, releases, Optional.empty(), 0);
    }

    /**
     * The branch page: the releases (never blocks) newest first, the reproducibility chart, and how to verify the
     * newest; blocks, checkpoints and signer keys are one link away.
     */
    public String chain(String project, String branch, List<ReleaseView> releases, Optional<KeyHistory> keys,
            int waiting) {
        StringBuilder body = new StringBuilder();
        body.append("<nav aria-label=\"Breadcrumb\"><a href=\"").append(base).append("\">All projects</a>")
                .append(pendingLink()).append("</nav>");
        body.append("<h1>").append(escape(project)).append(" / ").append(escape(branch)).append("</h1>");
        List<ReleaseView> shown = releases.stream().filter(ReleaseView::isRelease).toList();
        if (shown.isEmpty()) {
            return page(project + "/" + branch, body.append("<p>No releases.</p>"), false);
        }
        ReleaseView newest = shown.get(0);
        body.append("<p class=\"lead\">").append(shown.size()).append(shown.size() == 1 ? " release" : " releases")
                .append("; the newest is <a href=\"").append(releaseLink(newest)).append("\">")
                .append(escape(releaseName(newest))).append("</a>, signed ").append(date(newest.block().timestamp()))
                .append(": ").append(voteSummary(newest)).append(' ').append(mark(newest.votes())).append(".");
        if (waiting > 0) {
            body.append(" <a href=\"").append(base).append("submissions/#").append(anchor(project, branch)).append("\">")
                    .append(waiting).append(" submission(s) waiting</a>.");
        }
        body.append("</p>");
        List<HistoryChart.Point> points = HistoryChart.points(releases);
        body.append("<h2>Reproducibility over time</h2><figure>")
                .append(HistoryChart.svg(points, "Operators who agreed and dissented per release of " + project + " / "
                        + branch))
                .append("<figcaption class=\"muted\">Each bar is a release, oldest on the left: green operators built "
                        + "the signed files bit for bit, red ones built something else. <a href=\"")
                .append(chainLink(project, branch)).append("/history.json\">The same data as JSON</a>.</figcaption>"
                        + "</figure>");
        body.append("<h2>Releases</h2><table class=\"stack\"><thead><tr><th scope=\"col\">Release</th><th scope=\"col\">"
                + "Signed</th><th scope=\"col\">Vote</th><th scope=\"col\">Reproducible</th><th scope=\"col\">Dissented"
                + "</th></tr></thead><tbody>");
        for (ReleaseView release : shown) {
            VoteCount votes = release.votes();
            body.append("<tr id=\"block-").append(release.block().signatureBase32(), 0, 16)
                    .append("\"><td data-label=\"Release\"><a href=\"").append(releaseLink(release)).append("\">")
                    .append(escape(releaseName(release))).append("</a></td><td data-label=\"Signed\">")
                    .append(time(release.block().timestamp())).append("</td><td data-label=\"Vote\">")
                    .append(voteSummary(release)).append(votes == null || votes.agreed().isEmpty() ? ""
                            : " <span class=\"muted\">(" + escape(String.join(", ", votes.agreed())) + ")</span>")
                    .append("</td><td data-label=\"Reproducible\">").append(mark(votes))
                    .append("</td><td data-label=\"Dissented\">");
            if (votes != null && !votes.dissented().isEmpty()) {
                body.append(escape(String.join(", ", votes.dissented())));
                if (release.diverged()) {
                    body.append(" &middot; <a href=\"").append(divergenceLink(release)).append("\">why builders disagreed</a>");
                }
            }
            body.append("</td></tr>");
        }
        body.append("</tbody></table>");
        appendCommands(body, newest, keys, releases.get(0).block().publicKey(), "Verify this yourself: the newest release");
        body.append("<p><a href=\"").append(chainLink(project, branch)).append("/blocks\">Blocks, log checkpoints and "
                + "signer keys</a> <span class=\"muted\">(technical details behind these releases)</span></p>");
        return page(project + "/" + branch, body, true);
    }

    /**
     * A release's own page: what it is, its files, its vote, and the commands that check this release.
     *
     * @param tailKey the key that signed the branch's tail, which {@code verify --key} pins
     * @param inToto  the names of the release's in-toto files in the store ({@code release/MANIFEST/in-toto/})
     */
    public String release(ReleaseView release, Optional<KeyHistory> keys, PublicKey tailKey, List<String> inToto) {
        StringBuilder body = new StringBuilder();
        breadcrumb(body, release.project(), release.branch());
        body.append("<h1>").append(escape(title(release))).append("</h1>");
        VoteCount votes = release.votes();
        body.append("<p class=\"lead\">").append(mark(votes)).append(' ').append(voteSummary(release));
        if (votes != null) {
            body.append(", ").append(votes.quorum()).append(" required");
        }
        if (release.diverged()) {
            body.append(". <a href=\"").append(divergenceLink(release)).append("\">Why builders disagreed</a>");
        }
        body.append(".</p><table class=\"facts\">");
        if (release.record() != null) {
            row(body, "Version", "<strong>" + escape(release.record().version()) + "</strong>");
            if (release.record().revision() != null) {
                row(body, "Revision", shortValue(release.record().revision()));
            }
        }
        if (release.manifest() != null) {
            row(body, "Source time", time(release.manifest().time()));
        }
        row(body, "Signed", time(release.block().timestamp()));
        if (votes != null) {
            row(body, "Agreed", votes.agreed().isEmpty() ? "nobody" : escape(String.join(", ", votes.agreed())));
            if (!votes.dissented().isEmpty()) {
                row(body, "Dissented", "<span class=\"dissent\">" + escape(String.join(", ", votes.dissented()))
                        + "</span>");
            }
        }
        body.append("</table>");
        body.append("<h2>Files</h2>");
        if (release.manifest() == null) {
            body.append("<p class=\"muted\">The manifest of this release is not in this store, so its files are not "
                    + "listed.</p>");
        } else {
            body.append("<table class=\"stack\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Size</th>"
                    + "<th scope=\"col\">SHA-384</th></tr></thead><tbody>");
            for (ReleaseView.FileView file : release.files()) {
                body.append("<tr><td data-label=\"File\"><a href=\"").append(base).append("files/")
                        .append(release.block().signatureBase32()).append('/').append(pathEncode(file.name()))
                        .append("\">").append(escape(file.name())).append("</a></td><td data-label=\"Size\">")
                        .append(file.size() < 0 ? "missing" : size(file.size())).append("</td><td data-label=\"SHA-384\">")
                        .append(shortValue(file.digest())).append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        body.append("<h2>Votes</h2>");
        VoteHtml.appendVotes(body, release.evidence());
        VoteHtml.appendEnvironmentDifferences(body, release.evidence());
        appendCommands(body, release, keys, tailKey, "Verify and download this release");
        appendInToto(body, release, inToto);
        body.append("<details><summary>Technical details</summary><table>");
        Block block = release.block();
        Optional<KeyHistory.Era> era = keys.flatMap(k -> k.era(block.publicKey()));
        row(body, "Block", shortValue(block.signatureBase32()) + " <a href=\"" + base + "block/" + block.signatureBase32()
                + "\">raw</a>" + (release.evidence() == null ? "" : " &middot; <a href=\"" + base + "quorum/"
                        + block.signatureBase32() + ".json\">vote evidence (JSON)</a>"));
        row(body, "Block counter", Long.toUnsignedString(block.counter())
                + era.map(e -> " of signer key #" + e.number() + " of " + keys.get().eras().size()).orElse(""));
        row(body, "Signer key", shortValue(block.publicKey().base32()));
        row(body, "Manifest", shortValue(block.digest().base32()));
        row(body, "Builder request", shortValue(block.request().publicKey().base32()) + ", counter "
                + Long.toUnsignedString(block.request().counter()));
        body.append("</table></details>");
        return page(title(release), body, true);
    }

    /**
     * Every block walked from the branch's tail, newest first: its releases, the signer's log checkpoint blocks
     * between them (labelled as such), and where the signer key changed.
     */
    public String blocks(String project, String branch, List<ReleaseView> blocks, Optional<KeyHistory> keys) {
        StringBuilder body = new StringBuilder();
        breadcrumb(body, project, branch);
        body.append("<h1>Blocks of ").append(escape(project)).append(" / ").append(escape(branch)).append("</h1>");
        body.append("<p>The signer signs every release, and also the publisher's log checkpoints, in one chain per "
                + "signer key; its counter starts again at 1 with each new key (a restart). Blocks of other branches "
                + "in the same chain are left out.</p>");
        Optional<PublicKey> root = keys.flatMap(KeyHistory::root);
        if (root.isPresent()) {
            body.append("<p>Root key ").append(shortValue(root.get().base32())).append(" certified ")
                    .append(keys.get().eras().size()).append(" signer key(s).</p>");
        }
        body.append("<table class=\"stack\"><thead><tr><th scope=\"col\">Block</th><th scope=\"col\">What it signs</th>"
                + "<th scope=\"col\">Signed</th><th scope=\"col\">Signer key</th><th scope=\"col\">Signature</th></tr>"
                + "</thead><tbody>");
        for (int i = 0; i < blocks.size(); i++) {
            ReleaseView entry = blocks.get(i);
            Block block = entry.block();
            Optional<KeyHistory.Era> era = keys.flatMap(k -> k.era(block.publicKey()));
            String what = entry.checkpoint() ? "Log checkpoint <span class=\"muted\">(not a release)</span>"
                    : entry.isRelease() ? "Release <a href=\"" + releaseLink(entry) + "\">" + escape(releaseName(entry)) + "</a>"
                    : "<span class=\"muted\">A block whose manifest is not in this store</span>";
            body.append("<tr").append(entry.checkpoint() ? " class=\"checkpoint\"" : "").append("><td data-label=\"Block\">")
                    .append(Long.toUnsignedString(block.counter())).append(era.map(e -> " of key #" + e.number()).orElse(""))
                    .append("</td><td data-label=\"What it signs\">").append(what).append("</td><td data-label=\"Signed\">")
                    .append(time(block.timestamp())).append("</td><td data-label=\"Signer key\">")
                    .append(shortValue(block.publicKey().base32())).append("</td><td data-label=\"Signature\">")
                    .append(shortValue(block.signatureBase32())).append("</td></tr>");
            if (i + 1 < blocks.size()) {
                appendKeyChange(body, block, blocks.get(i + 1).block(), keys);
            }
        }
        body.append("</tbody></table>");
        return page("Blocks of " + project + "/" + branch, body, true);
    }

    /** The branch's reproducibility history for tools: the chart's data. */
    public static String history(String project, String branch, List<ReleaseView> releases) {
        return HistoryChart.json(project, branch, HistoryChart.points(releases));
    }

    public String divergence(ReleaseView release) {
        StringBuilder body = new StringBuilder();
        breadcrumb(body, release.project(), release.branch());
        body.append("<h1>Why builders disagreed on ").append(escape(title(release))).append("</h1>");
        body.append("<p><a href=\"").append(releaseLink(release)).append("\">Back to the release</a></p>");
        if (!release.diverged()) {
            body.append("<p>All builders whose submissions were recorded produced the same manifest.</p>");
        } else if (release.evidence().explanations() != null) {
            body.append("<p>A section per dissenting manifest, compared with the accepted one: the causes and their "
                    + "usual fixes first, then the decisive lines, then the evidence entry by entry.</p>");
            for (Explanation explanation : release.evidence().explanations()) {
                ExplanationHtml.append(body, explanation);
            }
        } else {
            // Evidence from before explanations were stored: its text lines as they are.
            body.append("<pre>");
            for (String line : release.evidence().divergenceLines()) {
                body.append(escape(line)).append('\n');
            }
            body.append("</pre>");
        }
        body.append("<h2>Votes</h2>");
        VoteHtml.appendVotes(body, release.evidence());
        return page("Why builders disagreed on " + title(release), body, true);
    }

    /** What waits in the submission inbox, per branch and manifest, and how far each is from the quorum. */
    public String submissions(List<PendingSubmissions.Branch> branches) {
        StringBuilder body = new StringBuilder();
        body.append("<nav aria-label=\"Breadcrumb\"><a href=\"").append(base).append("\">All projects</a></nav>");
        body.append("<h1>Pending submissions</h1><p>Builds that have arrived and wait for the publisher. A release is "
                + "signed once enough distinct trusted operators submitted the same manifest.</p>");
        if (branches.isEmpty()) {
            return page("Pending submissions", body.append("<p>Nothing is waiting.</p>"), true);
        }
        for (PendingSubmissions.Branch branch : branches) {
            body.append("<section id=\"").append(anchor(branch.project(), branch.branch())).append("\"><h2><a href=\"")
                    .append(chainLink(branch.project(), branch.branch())).append("\">").append(escape(branch.project()))
                    .append(" / ").append(escape(branch.branch())).append("</a></h2>");
            body.append(branch.quorum() < 1 ? "<p class=\"muted\">Nothing is published on this branch yet, so the page "
                    + "cannot know whom the publisher trusts; the submissions are listed uncounted.</p>"
                    : "<p class=\"muted\">Counted as the next publish counts them, with the " + branch.trustedOperators()
                            + " trusted operators and the quorum of " + branch.quorum() + " recorded with the newest "
                            + "release.</p>");
            for (PendingSubmissions.Waiting waiting : branch.releases()) {
                body.append("<div class=\"waiting\"><h3>").append(waiting.version() == null ? "A release without a version"
                        : "Version " + escape(waiting.version())).append(" <span class=\"muted\">manifest</span> ")
                        .append(shortValue(waiting.manifest())).append("</h3><p>");
                if (waiting.needed() < 0) {
                    body.append(waiting.entries().size()).append(" submission(s).");
                } else {
                    body.append("<strong>").append(waiting.agreeing().size()).append(" of ").append(branch.quorum())
                            .append(" agreeing operators</strong>").append(waiting.needed() == 0
                                    ? ": the quorum is met; the next publish signs it."
                                    : ": needs " + waiting.needed() + " more agreeing operator"
                                            + (waiting.needed() == 1 ? "" : "s") + ".");
                }
                // Without operators in the trusted list each builder is its own: one column names it.
                boolean operators = waiting.entries().stream()
                        .anyMatch(e -> e.operator() != null && !e.operator().equals(e.builder()));
                body.append("</p><table class=\"stack\"><thead><tr>").append(operators ? "<th scope=\"col\">Operator</th>" : "")
                        .append("<th scope=\"col\">Builder</th><th scope=\"col\">Key</th><th scope=\"col\">Counts</th>"
                                + "</tr></thead><tbody>");
                for (PendingSubmissions.Entry entry : waiting.entries()) {
                    body.append("<tr>").append(!operators ? "" : "<td data-label=\"Operator\">"
                            + (entry.operator() == null ? "" : escape(entry.operator())) + "</td>")
                            .append("<td data-label=\"Builder\">")
                            .append(escape(entry.builder())).append("</td><td data-label=\"Key\">")
                            .append(entry.key() == null ? "" : shortValue(entry.key())).append("</td><td data-label=\"Counts\">")
                            .append(entry.note() == null ? "<span class=\"agree\">yes</span>"
                                    : "<span class=\"dissent\">" + escape(entry.note()) + "</span>")
                            .append("</td></tr>");
                }
                body.append("</tbody></table></div>");
            }
            body.append("</section>");
        }
        return page("Pending submissions", body, true);
    }

    /**
     * A CI run's part: the builders' submissions it recorded, the blocks it got signed and the releases it
     * published (linked to their chain pages under this page set's base).
     */
    public String run(String title, List<RunRecord.Entry> entries, KeyList trusted, List<Block> blocks,
            List<RunRecord.Release> releases) {
        StringBuilder body = new StringBuilder("<h1>").append(escape(title)).append("</h1>");
        body.append("<h2>Builder manifests</h2>");
        if (entries.isEmpty()) {
            body.append("<p>No manifest was recorded in this run.</p>");
        } else {
            body.append("<div class=\"scroll\"><table><tr><th>Id</th><th>Agent</th><th>Files</th><th>Manifest</th>"
                    + "<th>Builder key</th><th>Request</th></tr>");
            for (RunRecord.Entry entry : entries) {
                PublicKey key = entry.request().publicKey();
                body.append("<tr><td>").append(escape(entry.id())).append("</td><td>").append(escape(entry.node()))
                        .append("</td><td>").append(entry.manifest().files().size()).append("</td><td>")
                        .append(shortValue(entry.manifest().digest().base32())).append("</td><td>")
                        .append(shortValue(key.base32())).append("<br>").append(trusted.contains(key)
                                ? "<span class=\"agree\">trusted as " + escape(trusted.describe(key)) + "</span>"
                                : "<span class=\"dissent\">not trusted</span>")
                        .append("</td><td>counter ").append(Long.toUnsignedString(entry.request().counter()))
                        .append("</td></tr>");
            }
            body.append("</table></div>");
            appendRunDivergence(body, entries, releases);
        }
        if (!blocks.isEmpty()) {
            body.append("<h2>Signed blocks</h2><div class=\"scroll\"><table><tr><th>Counter</th><th>Block</th>"
                    + "<th>Manifest</th><th>Signer key</th></tr>");
            for (Block block : blocks) {
                body.append("<tr><td>").append(Long.toUnsignedString(block.counter())).append("</td><td>")
                        .append(shortValue(block.signatureBase32())).append("</td><td>")
                        .append(shortValue(block.digest().base32())).append("</td><td>")
                        .append(shortValue(block.publicKey().base32())).append("</td></tr>");
            }
            body.append("</table></div>");
        }
        if (!releases.isEmpty()) {
            body.append("<h2>Published</h2><ul>");
            for (RunRecord.Release release : releases) {
                body.append("<li><a href=\"").append(chainLink(release.project(), release.branch())).append("\">").append(escape(release.project())).append(" / ").append(escape(release.branch()))
                        .append("</a>: block ").append(shortValue(release.block())).append("</li>");
            }
            body.append("</ul>");
        }
        return page(title, body, true);
    }

    /**
     * When the run's builders recorded different manifests: each dissenting group against the largest one,
     * by file (the run keeps manifests, not artifacts), and a link to each release's stored explanation,
     * which looks inside the archives.
     */
    private void appendRunDivergence(StringBuilder body, List<RunRecord.Entry> entries, List<RunRecord.Release> releases) {
        Map<Digest, List<RunRecord.Entry>> groups = new LinkedHashMap<>();
        for (RunRecord.Entry entry : entries) {
            groups.computeIfAbsent(entry.manifest().digest(), d -> new ArrayList<>()).add(entry);
        }
        if (groups.size() < 2) {
            return;
        }
        List<RunRecord.Entry> largest = groups.values().stream().max(Comparator.comparingInt(List::size)).orElseThrow();
        body.append("<h2>Why builders disagreed</h2>");
        for (RunRecord.Release release : releases) {
            body.append("<p>Inside the archives: <a href=\"").append(chainLink(release.project(), release.branch()))
                    .append('/').append(escape(release.block())).append("/divergence\">the explanation stored with ")
                    .append(escape(release.project())).append(" / ").append(escape(release.branch())).append("</a></p>");
        }
        for (List<RunRecord.Entry> group : groups.values()) {
            if (group != largest) {
                try {
                    ExplanationHtml.append(body, Divergence.explain(side(largest), side(group)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static Divergence.Side side(List<RunRecord.Entry> group) {
        return new Divergence.Side(String.join(", ", group.stream().map(RunRecord.Entry::id).toList()),
                group.get(0).manifest(), Optional.empty());
    }

    public String notFound(String what) {
        return page("Not found", new StringBuilder("<h1>Not found</h1><p>").append(escape(what))
                .append("</p><p><a href=\"").append(base).append("\">All projects</a></p>"), false);
    }

    /** Between a newer and an older block signed by different keys: where and how the key changed. */
    private static void appendKeyChange(StringBuilder body, Block newer, Block older, Optional<KeyHistory> keys) {
        if (newer.publicKey().equals(older.publicKey())) {
            return;
        }
        Optional<KeyHistory.Era> era = keys.flatMap(k -> k.era(newer.publicKey()));
        body.append("<tr class=\"keychange\"><td colspan=\"5\">Signer key changed here (the signer restarted): ")
                .append(shortValue(newer.publicKey().base32())).append(" took over from ")
                .append(shortValue(older.publicKey().base32()))
                .append(era.isPresent() && era.get().number() > 1
                        ? " after its block " + Long.toUnsignedString(keys.get().handedOverBefore(era.get().number())
                                .map(SignerCertificate.Predecessor::lastCounter).orElse(0L))
                                + ", as the root certified (key #" + era.get().number() + " of "
                                + keys.get().eras().size() + ")"
                        : " <span class=\"dissent\">without a certificate from the store's root</span>")
                .append("</td></tr>");
    }

    /** The exact commands that check and fetch {@code release}, pinned as the store allows (root, else signer key). */
    private void appendCommands(StringBuilder body, ReleaseView release, Optional<KeyHistory> keys, PublicKey tailKey,
            String heading) {
        Optional<PublicKey> root = keys.flatMap(KeyHistory::root);
        String pin = root.map(r -> "--root " + r).orElse("--key " + tailKey);
        String select = release.record() != null ? "--release " + escape(release.record().version())
                : "--block " + release.block().signatureBase32();
        String target = " --url " + escape(storeUrl) + " -p " + escape(release.project()) + " -b "
                + escape(release.branch()) + " " + select;
        body.append("<section class=\"verify\"><h2>").append(heading).append("</h2><p>Get the ")
                .append(root.isPresent() ? "root" : "signer's").append(" public key and the builders' public keys (a file "
                + "of <code>BASE32KEY label</code> lines) from the project through a channel you trust, check the ")
                .append(root.isPresent() ? "root" : "signer").append(" key is ")
                .append(shortValue(root.orElse(tailKey).base32())).append(", then run these. <code>verify</code> "
                + "recounts the builders' vote with your keys (without <code>--quorum</code> and <code>--trust</code> "
                + "it would not):</p>");
        body.append("<pre>buildchain verify ").append(pin).append(target).append(" --quorum ")
                .append(release.votes() == null ? "K" : String.valueOf(release.votes().quorum()))
                .append(" --trust TRUSTED_KEYS_FILE</pre>");
        body.append("<pre>buildchain download ").append(pin).append(target).append(" --all --out ")
                .append(escape(release.project())).append(release.record() == null ? ""
                        : "-" + escape(release.record().version())).append("</pre></section>");
    }

    /**
     * Links to the release's in-toto files and, when the owner's layout is among them, the commands that check the
     * release with in-toto's own verifier from what this store serves (docs/in-toto.md).
     */
    private void appendInToto(StringBuilder body, ReleaseView release, List<String> inToto) {
        if (inToto.isEmpty()) {
            return;
        }
        String dir = "release/" + release.manifest().digest().base32() + "/" + ReleaseAttestations.DIR + "/";
        body.append("<section class=\"in-toto\"><h2>in-toto and SLSA</h2><p>The agreeing builders' in-toto links "
                + "(step <code>build</code>) and SLSA provenance (DSSE), each signed by its builder key")
                .append(inToto.contains(InTotoExport.LAYOUT) ? ", and the owner's layout signed by the root key" : "")
                .append(":</p><ul>");
        for (String name : inToto) {
            body.append("<li><a href=\"").append(base).append(dir).append(name).append("\">").append(escape(name))
                    .append("</a></li>");
        }
        body.append("</ul>");
        // Commands need the store's absolute address: curl reads a relative one's first segment as a host name.
        if (!inToto.contains(InTotoExport.LAYOUT) || !inToto.contains(InTotoExport.LAYOUT_KEY)
                || !(storeUrl.startsWith("https://") || storeUrl.startsWith("http://"))) {
            body.append("</section>");
            return;
        }
        String store = storeUrl.endsWith("/") ? storeUrl : storeUrl + "/";
        String target = release.project() + (release.record() == null ? "" : "-" + release.record().version())
                + "-in-toto";
        body.append("<p>Check it with in-toto alone, in a directory holding <code>root.pub</code>: the root key you "
                + "pin (base32, as <code>--pub-out</code> writes it), from the project through a channel you trust. "
                + "The commands make <code>").append(InTotoExport.LAYOUT_KEY).append("</code> from it and do not "
                + "fetch this store's: a mirror could serve its own layout with its own key.</p><pre>");
        StringBuilder commands = new StringBuilder("mkdir -p " + shellWord(target + "/" + InTotoExport.FILES) + "\n")
                .append(LAYOUT_KEY_FROM_ROOT_PUB).append(" > ").append(shellWord(target + "/" + InTotoExport.LAYOUT_KEY))
                .append("\ncd ").append(shellWord(target)).append('\n');
        for (String name : inToto) {
            if (!name.equals(InTotoExport.LAYOUT_KEY)) {
                commands.append("curl -fsS -o ").append(name).append(' ').append(shellWord(store + dir + name))
                        .append('\n');
            }
        }
        for (ReleaseView.FileView file : release.files()) {
            commands.append("curl -fsS --create-dirs -o ").append(shellWord(InTotoExport.FILES + "/" + file.name()))
                    .append(' ').append(shellWord(store + "files/" + release.block().signatureBase32() + "/"
                            + pathEncode(file.name()))).append('\n');
        }
        commands.append("cd ").append(InTotoExport.FILES).append(" && in-toto-verify --layout ../")
                .append(InTotoExport.LAYOUT).append(" --layout-keys ../").append(InTotoExport.LAYOUT_KEY)
                .append(" --key-types ed25519 --link-dir ").append(Layout.LINK_DIR_FROM_FILES);
        body.append(escape(commands.toString())).append("</pre></section>");
    }

    /**
     * A shell command printing the in-toto key file (securesystemslib's JSON, as {@code InTotoExport} writes it) of
     * the base32 key in {@code root.pub}, with coreutils only: base32 wants the padding buildchain leaves out.
     */
    static final String LAYOUT_KEY_FROM_ROOT_PUB = "printf '{\"keytype\":\"ed25519\",\"scheme\":\"ed25519\","
            + "\"keyid_hash_algorithms\":[\"sha256\",\"sha512\"],\"keyval\":{\"public\":\"%s\"}}' "
            + "\"$(printf '%s====' \"$(cut -d ' ' -f 1 root.pub)\" | base32 -d | od -An -v -tx1 | tr -d ' \\n')\"";

    /** One word for a POSIX shell, whatever it holds. */
    static String shellWord(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    static String voteSummary(ReleaseView release) {
        return release.votes() == null ? "<span class=\"muted\">no vote recorded</span>"
                : escape(release.votes().summary());
    }

    /** The reproducibility mark: a sign and words, never colour alone. */
    static String mark(VoteCount votes) {
        if (votes == null) {
            return "<span class=\"muted\">unknown</span>";
        }
        if (votes.reproducible()) {
            return "<span class=\"mark ok\">&#10003; reproducible</span>";
        }
        return "<span class=\"mark bad\">&#10007; " + (votes.dissented().isEmpty() ? "not confirmed"
                : votes.dissented().size() + " dissented") + "</span>";
    }

    /** How a person names a release: its version, or for a release without a record when it was signed. */
    static String releaseName(ReleaseView release) {
        return release.record() != null ? release.record().version() : "release of " + time(release.block().timestamp());
    }

    private static String title(ReleaseView release) {
        return release.record() != null ? release.project() + " " + release.record().version()
                : release.project() + " / " + release.branch() + ", " + releaseName(release);
    }

    private String releaseLink(ReleaseView release) {
        return chainLink(release.project(), release.branch()) + (release.record() != null
                ? "/release/" + URLEncoder.encode(release.record().version(), StandardCharsets.UTF_8)
                : "/" + release.block().signatureBase32());
    }

    private String divergenceLink(ReleaseView release) {
        return chainLink(release.project(), release.branch()) + "/" + release.block().signatureBase32() + "/divergence";
    }

    private String chainLink(String project, String branch) {
        return base + "chain/" + pathEncode(project) + "/" + pathEncode(branch);
    }

    private static String anchor(String project, String branch) {
        return escape("branch-" + project + "-" + branch);
    }

    private void breadcrumb(StringBuilder body, String project, String branch) {
        body.append("<nav aria-label=\"Breadcrumb\"><a href=\"").append(base).append("\">All projects</a> &rsaquo; <a href=\"")
                .append(chainLink(project, branch)).append("\">").append(escape(project)).append(" / ")
                .append(escape(branch)).append("</a>").append(pendingLink()).append("</nav>");
    }

    private String pendingLink() {
        return " <span class=\"muted\">&middot;</span> <a href=\"" + base + "submissions/\">Pending submissions</a>";
    }

    /** The first {@link #SHORT} characters for a person, the whole value in the title and behind a copy button. */
    static String shortValue(String full) {
        if (full.length() <= SHORT + 1) {
            return "<code class=\"digest\">" + escape(full) + "</code>";
        }
        String shown = escape(full.substring(0, SHORT)) + "&hellip;";
        return "<span class=\"short\"><code class=\"digest\" title=\"" + escape(full) + "\">" + shown + "</code>"
                + "<button type=\"button\" class=\"copy\" hidden data-copy=\"" + escape(full) + "\" aria-label=\"Copy "
                + "the full value of " + shown + "\">Copy</button></span>";
    }

    private String page(String title, StringBuilder body, boolean copyButtons) {
        String head = "<link rel=\"stylesheet\" href=\"" + base + "style.css\">"
                + (copyButtons ? "<script src=\"" + base + "copy.js\" defer></script>" : "");
        if (embedded) {
            return head + "<div class=\"buildchain\">" + body + "</div>";
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + escape(title)
                + " - buildchain</title>" + head + "</head><body><main class=\"buildchain\">" + body
                + "</main></body></html>\n";
    }

    static String date(long seconds) {
        return DATE.format(Instant.ofEpochSecond(seconds));
    }

    private static void row(StringBuilder body, String label, String html) {
        body.append("<tr><th>").append(label).append("</th><td>").append(html).append("</td></tr>");
    }

    static String time(long seconds) {
        return TIME.format(Instant.ofEpochSecond(seconds));
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** Each '/'-separated segment percent-encoded, so a manifest name becomes a URL path. */
    public static String pathEncode(String path) {
        StringBuilder out = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            out.append(i == 0 ? "" : "/").append(URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
