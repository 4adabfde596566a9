package io.buildchain.core.view;

import static io.buildchain.core.view.ChainPages.escape;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.buildchain.core.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A branch's reproducibility over time: per release, oldest first, how many operators agreed and how many
 * dissented. Drawn as an inline SVG on the server (readable without script) and given as JSON for tools.
 */
final class HistoryChart {
    private static final int BAR = 28;
    private static final int STEP = 44;
    private static final int LEFT = 40;
    private static final int TOP = 12;
    private static final int PLOT = 140;
    private static final int BOTTOM = 40;

    private HistoryChart() {
    }

    /** One release's point: its name on the axis, its recounted vote, null when no vote was recorded. */
    record Point(String label, String block, long signed, VoteCount votes) {
    }

    /** Releases with a recorded vote, oldest first. */
    static List<Point> points(List<ReleaseView> newestFirst) {
        List<Point> points = new ArrayList<>();
        for (ReleaseView release : newestFirst) {
            if (release.isRelease()) {
                points.add(0, new Point(release.record() != null ? release.record().version()
                        : ChainPages.date(release.block().timestamp()), release.block().signatureBase32(),
                        release.block().timestamp(), release.votes()));
            }
        }
        return points;
    }

    static String svg(List<Point> points, String title) {
        int max = 1;
        for (Point p : points) {
            if (p.votes() != null) {
                max = Math.max(max, p.votes().agreed().size() + p.votes().dissented().size());
            }
        }
        int width = LEFT + Math.max(points.size(), 4) * STEP + 8;
        int height = TOP + PLOT + BOTTOM;
        StringBuilder svg = new StringBuilder("<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" "
                + "viewBox=\"0 0 " + width + " " + height + "\" style=\"max-width:" + width + "px\" "
                + "xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-title\">").append(escape(title)).append(": ")
                .append(escape(describe(points))).append("</title>");
        for (int tick = 0; tick <= max; tick += Math.max(1, max / 4)) {
            int y = TOP + PLOT - tick * PLOT / max;
            svg.append("<line x1=\"").append(LEFT - 4).append("\" x2=\"").append(width).append("\" y1=\"").append(y)
                    .append("\" y2=\"").append(y).append("\" stroke=\"#dde\"/><text x=\"").append(LEFT - 8)
                    .append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\" class=\"tick\">").append(tick)
                    .append("</text>");
        }
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            int x = LEFT + i * STEP + (STEP - BAR) / 2;
            int agreed = p.votes() == null ? 0 : p.votes().agreed().size();
            int dissented = p.votes() == null ? 0 : p.votes().dissented().size();
            int agreedHeight = agreed * PLOT / max;
            int dissentedHeight = dissented * PLOT / max;
            svg.append("<g><title>").append(escape(p.label())).append(": ").append(p.votes() == null ? "no vote recorded"
                    : agreed + " agreed, " + dissented + " dissented").append("</title>");
            bar(svg, x, TOP + PLOT - agreedHeight, agreedHeight, "agreed");
            bar(svg, x, TOP + PLOT - agreedHeight - dissentedHeight, dissentedHeight, "dissented");
            String label = p.label().length() > 8 ? p.label().substring(0, 7) + "…" : p.label();
            svg.append("<text x=\"").append(x + BAR / 2).append("\" y=\"").append(TOP + PLOT + 16)
                    .append("\" text-anchor=\"middle\" class=\"tick\">").append(escape(label)).append("</text></g>");
        }
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(height - 14).append("\" width=\"10\" height=\"10\" "
                + "class=\"agreed\"/><text x=\"").append(LEFT + 14).append("\" y=\"").append(height - 5)
                .append("\" class=\"tick\">agreed</text><rect x=\"").append(LEFT + 80).append("\" y=\"")
                .append(height - 14).append("\" width=\"10\" height=\"10\" class=\"dissented\"/><text x=\"")
                .append(LEFT + 94).append("\" y=\"").append(height - 5).append("\" class=\"tick\">dissented</text>");
        return svg.append("</svg>").toString();
    }

    private static void bar(StringBuilder svg, int x, int y, int height, String css) {
        if (height > 0) {
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(BAR)
                    .append("\" height=\"").append(height).append("\" class=\"").append(css).append("\"/>");
        }
    }

    /** The chart in words, for screen readers and the page text. */
    static String describe(List<Point> points) {
        List<String> parts = new ArrayList<>();
        for (Point p : points) {
            parts.add(p.label() + " " + (p.votes() == null ? "no vote recorded"
                    : p.votes().agreed().size() + " agreed, " + p.votes().dissented().size() + " dissented"));
        }
        return parts.isEmpty() ? "no releases" : String.join("; ", parts);
    }

    static String json(String project, String branch, List<Point> points) {
        List<Map<String, Object>> releases = new ArrayList<>();
        for (Point p : points) {
            Map<String, Object> release = new LinkedHashMap<>();
            release.put("release", p.label());
            release.put("block", p.block());
            release.put("signed", p.signed());
            if (p.votes() != null) {
                release.put("agreed", p.votes().agreed().size());
                release.put("dissented", p.votes().dissented().size());
                release.put("trusted", p.votes().trustedOperators());
                release.put("quorum", p.votes().quorum());
                release.put("agreedBy", p.votes().agreed());
                release.put("dissentedBy", p.votes().dissented());
            }
            releases.add(release);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("project", project);
        out.put("branch", branch);
        out.put("releases", releases);
        try {
            // Labels are the publisher's or a builder's text: never markup, even where JSON is read as HTML.
            return Json.MAPPER.writeValueAsString(out).replace("<", "\\u003C").replace(">", "\\u003E")
                    .replace("&", "\\u0026") + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
