package io.buildchain.core.view;

import static io.buildchain.core.view.ChainPages.escape;

import io.buildchain.core.diff.Explanation;

/**
 * An {@link Explanation} as HTML: a section per dissenting builder, the causes with their fixes on top,
 * the decisive lines as wrapped diffs (readable on a phone), then the evidence table.
 */
final class ExplanationHtml {
    static final String STYLESHEET = """
            .buildchain .explanation{border:1px solid #e3c2c2;border-radius:6px;padding:.25rem 1rem;margin:1rem 0}
            .buildchain .causes li{margin:.4rem 0}.buildchain .fix{color:#176b2c}
            .buildchain pre.diff{font-size:.8rem;line-height:1.35;white-space:pre-wrap;overflow-wrap:anywhere}
            .buildchain pre.diff .del{background:#fde8e8;color:#8a1116}.buildchain pre.diff .add{background:#e6f6ea;color:#125a26}
            .buildchain pre.diff .hunk{color:#667}.buildchain .wrap{overflow-wrap:anywhere;word-break:break-word}
            @media (max-width:40rem){.buildchain table.evidence,.buildchain table.evidence tbody,.buildchain table.evidence tr,
            .buildchain table.evidence td{display:block;width:auto}.buildchain table.evidence thead{display:none}
            .buildchain table.evidence tr{border-bottom:1px solid #dde;padding:.3rem 0}
            .buildchain table.evidence td{border:0;padding:.05rem .5rem}
            .buildchain table.evidence td[data-label]::before{content:attr(data-label) ": ";color:#667}}
            """;

    private ExplanationHtml() {
    }

    static void append(StringBuilder body, Explanation e) {
        body.append("<section class=\"explanation\"><h2>").append(escape(e.b())).append(" <span class=\"muted\">differs "
                + "from</span> ").append(escape(e.a())).append("</h2><p class=\"muted\">").append(e.files())
                .append(e.files() == 1 ? " file differs" : " files differ").append("; every pair below reads ")
                .append(escape(e.a())).append(" first, then ").append(escape(e.b())).append(".</p>");
        body.append("<h3>Causes</h3><ul class=\"causes\">");
        for (Explanation.Cause cause : e.causes()) {
            body.append("<li class=\"wrap\"><strong>").append(escape(cause.summary())).append("</strong>");
            if (cause.fix() != null) {
                body.append("<br><span class=\"fix\">Fix: ").append(escape(cause.fix())).append("</span>");
            }
            body.append("</li>");
        }
        body.append("</ul>");
        if (!e.decisive().isEmpty()) {
            body.append("<h3>Decisive lines</h3>");
            for (Explanation.Decisive d : e.decisive()) {
                body.append("<p class=\"wrap\"><code>").append(escape(d.entry())).append("</code> <span class=\"muted\">")
                        .append(escape(d.kind())).append("</span></p><pre class=\"diff\">");
                for (String line : d.lines()) {
                    String css = line.startsWith("+++") || line.startsWith("---") || line.startsWith("@@") ? "hunk"
                            : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : null;
                    body.append(css == null ? "" : "<span class=\"" + css + "\">").append(escape(line))
                            .append(css == null ? "" : "</span>").append('\n');
                }
                body.append("</pre>");
            }
        }
        if (!e.rows().isEmpty()) {
            body.append("<details").append(e.rows().size() <= 20 ? " open" : "").append("><summary>Evidence: ")
                    .append(e.rows().size() + e.rowsLeftOut()).append(" differences, entry by entry</summary>")
                    .append("<div class=\"scroll\"><table class=\"evidence\"><thead><tr><th>File / entry</th>"
                            + "<th>What</th><th>").append(escape(e.a())).append("</th><th>").append(escape(e.b()))
                    .append("</th></tr></thead><tbody>");
            for (Explanation.Row row : e.rows()) {
                // The labels name each value where a phone shows the row as a block instead of columns.
                body.append("<tr><td class=\"wrap\"><code>").append(escape(row.file()))
                        .append(row.entry().isEmpty() ? "" : "!/" + escape(row.entry())).append("</code></td><td>")
                        .append(escape(row.aspect())).append("</td><td class=\"wrap\" data-label=\"")
                        .append(escape(e.a())).append("\">").append(escape(row.a()))
                        .append("</td><td class=\"wrap\" data-label=\"").append(escape(e.b())).append("\">")
                        .append(escape(row.b())).append("</td></tr>");
            }
            body.append("</tbody></table></div>");
            if (e.rowsLeftOut() > 0) {
                body.append("<p class=\"muted\">… and ").append(e.rowsLeftOut()).append(" more rows.</p>");
            }
            body.append("</details>");
        }
        body.append("</section>");
    }
}
