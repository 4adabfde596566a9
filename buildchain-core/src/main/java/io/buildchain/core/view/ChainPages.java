package io.buildchain.core.view;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.diff.Divergence;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.hash.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Freshness;
import io.buildchain.core.root.KeyHistory;
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
 * The chain pages, as plain server-rendered HTML with one small stylesheet: no JavaScript, readable on a
 * phone. {@code buildchain serve} serves them; the Jenkins plugin embeds the same markup.
 */
public final class ChainPages {
    public static final String STYLESHEET = """
            body{margin:0}
            .buildchain{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1d2329}
            .buildchain h1{font-size:1.5rem}.buildchain h2{font-size:1.2rem;margin-top:2rem}.buildchain a{color:#0b5cad}
            .buildchain code,.buildchain .digest{font-family:ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}
            .buildchain table{border-collapse:collapse;width:100%;margin:.5rem 0}
            .buildchain th,.buildchain td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #dde;vertical-align:top}
            .buildchain th{background:#f3f5f8}.buildchain .scroll{overflow-x:auto}
            .buildchain .release{border:1px solid #ccd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
            .buildchain .agree{color:#176b2c}.buildchain .dissent{color:#a4161a}.buildchain .muted{color:#667}
            .buildchain .keychange{border-left:4px solid #b6d0f0;padding:.25rem .75rem}
            .buildchain .verify{background:#f3f8ff;border:1px solid #b6d0f0;border-radius:6px;padding:.5rem 1rem}
            .buildchain pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem;border-radius:4px}
            """ + ExplanationHtml.STYLESHEET;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
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

    public String index(List<StoreView.BranchSummary> branches) {
        StringBuilder body = new StringBuilder("<h1>Build chain</h1>");
        if (branches.isEmpty()) {
            body.append("<p>Nothing has been published to this store yet.</p>");
        } else {
            body.append("<div class=\"scroll\"><table><tr><th>Project</th><th>Branch</th><th>Newest block</th>"
                    + "<th>Signed</th><th>Signer key</th></tr>");
            for (StoreView.BranchSummary b : branches) {
                body.append("<tr><td>").append(escape(b.project())).append("</td><td><a href=\"")
                        .append(chainLink(b.project(), b.branch())).append("\">").append(escape(b.branch()))
                        .append("</a></td><td>").append(Long.toUnsignedString(b.tail().counter())).append("</td><td>")
                        .append(time(b.tail().timestamp())).append("</td><td class=\"digest\">")
                        .append(b.tail().publicKey()).append("</td></tr>");
            }
            body.append("</table></div>");
        }
        return page("Build chain", body);
    }

    public String chain(String project, String branch, List<ReleaseView> releases) {
        return chain(project, branch, releases, Optional.empty());
    }

    /**
     * The branch page; with the store's key history, each block says which certified key signed it, the
     * page marks where the key changed, and the verify box pins the root instead of a signer key.
     */
    public String chain(String project, String branch, List<ReleaseView> releases, Optional<KeyHistory> keys) {
        StringBuilder body = new StringBuilder();
        body.append("<p><a href=\"").append(base).append("\">All projects</a></p>");
        body.append("<h1>").append(escape(project)).append(" / ").append(escape(branch)).append("</h1>");
        if (releases.isEmpty()) {
            return page(project + "/" + branch, body.append("<p>No releases.</p>"));
        }
        Block tail = releases.get(0).block();
        Evidence tailEvidence = releases.get(0).evidence();
        Optional<PublicKey> root = keys.flatMap(KeyHistory::root);
        String pin = root.map(r -> "--root " + r).orElse("--key " + tail.publicKey());
        body.append("<div class=\"verify\"><h2>Verify this yourself</h2><p>Get the ")
                .append(root.isPresent() ? "root" : "signer's").append(" public key and the "
                + "builders' public keys (a file of <code>BASE32KEY label</code> lines) from the project through a "
                + "channel you trust, check the ").append(root.isPresent() ? "root" : "signer").append(" key is the one "
                + "below, then run this: it recounts the builders' vote with your keys (without <code>--quorum</code> "
                + "and <code>--trust</code> it would not):</p>");
        body.append("<pre>buildchain verify ").append(pin).append(" --url ").append(escape(storeUrl))
                .append(" -p ").append(escape(project)).append(" -b ").append(escape(branch)).append(" --quorum ")
                .append(tailEvidence == null ? "K" : String.valueOf(tailEvidence.quorum()))
                .append(" --trust TRUSTED_KEYS_FILE</pre>");
        body.append("<pre>buildchain download ").append(pin).append(" --url ")
                .append(escape(storeUrl)).append(" -p ").append(escape(project)).append(" -b ").append(escape(branch))
                .append(" --all --out ").append(escape(project)).append("</pre>");
        body.append("<p>For an earlier release, add the option its block shows under <em>Verify it</em> to either "
                + "command.</p>");
        if (root.isPresent()) {
            body.append("<p>Root key: <code>").append(root.get()).append("</code> (it certified ")
                    .append(keys.get().eras().size()).append(" signer key(s); the signer's key changes at every restart)</p>");
        }
        body.append("<p>Signer key: <code>").append(tail.publicKey()).append("</code></p></div>");
        for (int i = 0; i < releases.size(); i++) {
            appendRelease(body, releases.get(i), keys);
            if (i + 1 < releases.size()) {
                appendKeyChange(body, releases.get(i).block(), releases.get(i + 1).block(), keys);
            }
        }
        return page(project + "/" + branch, body);
    }

    public String divergence(ReleaseView release) {
        StringBuilder body = new StringBuilder();
        body.append("<p><a href=\"").append(chainLink(release.project(), release.branch())).append("\">")
                .append(escape(release.project())).append(" / ").append(escape(release.branch())).append("</a></p>");
        body.append("<h1>Why builders disagreed on block ").append(Long.toUnsignedString(release.block().counter()))
                .append("</h1>");
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
        appendVotes(body, release.evidence());
        return page("Divergence", body);
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
                        .append("</td><td>").append(entry.manifest().files().size()).append("</td><td class=\"digest\">")
                        .append(entry.manifest().digest()).append("</td><td><span class=\"digest\">").append(key)
                        .append("</span><br>").append(trusted.contains(key)
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
                body.append("<tr><td>").append(Long.toUnsignedString(block.counter())).append("</td><td class=\"digest\">")
                        .append(block.signatureBase32()).append("</td><td class=\"digest\">").append(block.digest())
                        .append("</td><td class=\"digest\">").append(block.publicKey()).append("</td></tr>");
            }
            body.append("</table></div>");
        }
        if (!releases.isEmpty()) {
            body.append("<h2>Published</h2><ul>");
            for (RunRecord.Release release : releases) {
                body.append("<li><a href=\"").append(chainLink(release.project(), release.branch())).append("\">").append(escape(release.project())).append(" / ").append(escape(release.branch()))
                        .append("</a>: block <span class=\"digest\">").append(escape(release.block()))
                        .append("</span></li>");
            }
            body.append("</ul>");
        }
        return page(title, body);
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
                .append("</p><p><a href=\"").append(base).append("\">All projects</a></p>"));
    }

    /** Between a newer and an older release signed by different keys: where and how the key changed. */
    private static void appendKeyChange(StringBuilder body, Block newer, Block older, Optional<KeyHistory> keys) {
        if (newer.publicKey().equals(older.publicKey())) {
            return;
        }
        Optional<KeyHistory.Era> era = keys.flatMap(k -> k.era(newer.publicKey()));
        body.append("<p class=\"keychange\">Signer key changed here: <span class=\"digest\">").append(newer.publicKey())
                .append("</span> took over from <span class=\"digest\">").append(older.publicKey()).append("</span>")
                .append(era.isPresent() && era.get().number() > 1
                        ? " after its last block, counter " + Long.toUnsignedString(keys.get().eras()
                                .get(era.get().number() - 2).handover().get().lastCounter())
                                + ", as the root certified (key #" + era.get().number() + ")"
                        : " <span class=\"dissent\">without a certificate from the store's root</span>")
                .append("</p>");
    }

    private void appendRelease(StringBuilder body, ReleaseView release, Optional<KeyHistory> keys) {
        Block block = release.block();
        Optional<KeyHistory.Era> era = keys.flatMap(k -> k.era(block.publicKey()));
        body.append("<div class=\"release\" id=\"block-").append(block.signatureBase32(), 0, 16).append("\"><h2>Block ")
                .append(Long.toUnsignedString(block.counter()))
                .append(era.map(e -> " of key #" + e.number()).orElse(""))
                .append(release.record() == null ? "" : " &middot; " + escape(release.record().version()))
                .append("</h2><table>");
        if (release.record() != null) {
            row(body, "Release", "version <strong>" + escape(release.record().version()) + "</strong>"
                    + (release.record().revision() == null ? ""
                            : ", revision <span class=\"digest\">" + escape(release.record().revision()) + "</span>"));
        }
        row(body, "Verify it", "<code>" + (release.record() != null ? "--release " + escape(release.record().version())
                : "--block " + block.signatureBase32()) + "</code>");
        row(body, "Signed", time(block.timestamp()));
        row(body, "Signer key", "<span class=\"digest\">" + block.publicKey() + "</span>"
                + era.map(e -> ", certified key #" + e.number() + " of " + keys.get().eras().size()).orElse(""));
        row(body, "Manifest", "<span class=\"digest\">" + block.digest() + "</span>");
        if (release.manifest() != null) {
            row(body, "Source time", time(release.manifest().time()));
        }
        row(body, "Block", "<a class=\"digest\" href=\"" + base + "block/" + block.signatureBase32() + "\">"
                + block.signatureBase32() + "</a>");
        row(body, "Builder request", "<span class=\"digest\">" + block.request().publicKey() + "</span>, counter "
                + Long.toUnsignedString(block.request().counter()));
        if (release.evidence() != null) {
            Evidence e = release.evidence();
            List<String> counted = recount(e);
            row(body, "Quorum", counted.size() + " agreeing trusted " + (e.operators() == null ? "builder(s)"
                    : "operator(s) (" + escape(String.join(", ", counted)) + ")") + ", " + e.quorum() + " required"
                    + (release.diverged() ? " &middot; <a href=\"" + chainLink(release.project(), release.branch()) + "/"
                            + block.signatureBase32() + "/divergence\">why builders disagreed</a>" : ""));
        }
        body.append("</table>");
        appendVotes(body, release.evidence());
        if (release.manifest() == null) {
            body.append("<p class=\"dissent\">The manifest object is missing from this store.</p>");
        } else {
            body.append("<div class=\"scroll\"><table><tr><th>File</th><th>Size</th><th>SHA-384 (base32)</th></tr>");
            for (ReleaseView.FileView file : release.files()) {
                body.append("<tr><td><a href=\"").append(base).append("files/").append(block.signatureBase32())
                        .append('/').append(pathEncode(file.name())).append("\">").append(escape(file.name()))
                        .append("</a></td><td>").append(file.size() < 0 ? "missing" : size(file.size()))
                        .append("</td><td class=\"digest\">").append(file.digest()).append("</td></tr>");
            }
            body.append("</table></div>");
        }
        body.append("</div>");
    }

    private void appendVotes(StringBuilder body, Evidence evidence) {
        if (evidence == null) {
            body.append("<p class=\"muted\">No quorum evidence recorded for this block.</p>");
            return;
        }
        body.append("<div class=\"scroll\"><table><tr><th>Builder</th><th>Vote</th><th>Operator</th><th>Key</th>"
                + "<th>Manifest</th><th>Environment</th></tr>");
        for (Evidence.Entry entry : evidence.submissions()) {
            String css = "agree".equals(entry.status()) ? "agree" : "dissent";
            body.append("<tr><td>").append(escape(entry.source())).append("</td><td class=\"").append(css).append("\">")
                    .append(escape(entry.status())).append(entry.reason() == null ? "" : ": " + escape(entry.reason()))
                    .append("</td><td>").append(entry.operator() == null ? "" : escape(entry.operator()))
                    .append("</td><td class=\"digest\">").append(entry.key() == null ? "" : escape(entry.key()))
                    .append("</td><td class=\"digest\">").append(entry.manifest() == null ? "" : escape(entry.manifest()))
                    .append("</td><td class=\"environment\">").append(environment(entry)).append("</td></tr>");
        }
        body.append("</table></div>");
    }

    /** The vote as the publisher's own trust counted it, by the one counting routine (not recorded statuses). */
    private static List<String> recount(Evidence evidence) {
        try {
            return evidence.recount(evidence.publisherTrust(), Freshness.UNCHECKED);
        } catch (BuildchainException e) {
            return List.of();
        }
    }

    private static String environment(Evidence.Entry entry) {
        if (entry.buildinfo() == null) {
            return "<span class=\"muted\">not recorded</span>";
        }
        return entry.checkedBuildInfo().map(info -> escape(info.summary()))
                .orElse("<span class=\"dissent\">buildinfo signature does not verify</span>");
    }

    private String chainLink(String project, String branch) {
        return base + "chain/" + pathEncode(project) + "/" + pathEncode(branch);
    }

    private String page(String title, StringBuilder body) {
        if (embedded) {
            return "<link rel=\"stylesheet\" href=\"" + base + "style.css\"><div class=\"buildchain\">" + body + "</div>";
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + escape(title)
                + " - buildchain</title><link rel=\"stylesheet\" href=\"" + base + "style.css\"></head><body><div class=\"buildchain\">"
                + body + "</div></body></html>\n";
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
