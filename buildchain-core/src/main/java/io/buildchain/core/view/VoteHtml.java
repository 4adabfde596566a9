package io.buildchain.core.view;

import static io.buildchain.core.view.ChainPages.escape;
import static io.buildchain.core.view.ChainPages.shortValue;

import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.diff.EnvironmentCauses;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.quorum.Vote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** A release's recorded votes as HTML: who voted how, and where the builders' signed environments differ. */
final class VoteHtml {
    private VoteHtml() {
    }

    /** The recorded votes, operator first; keys and manifests shortened; each builder's environment one click away. */
    static void appendVotes(StringBuilder body, Evidence evidence) {
        if (evidence == null) {
            body.append("<p class=\"muted\">No vote was recorded with this release (it was published without quorum "
                    + "evidence).</p>");
            return;
        }
        boolean operators = evidence.operators() != null && !evidence.operators().isEmpty();
        Map<String, Map<String, String>> differences = environmentDifferences(evidence);
        body.append("<table class=\"stack\"><thead><tr>").append(operators ? "<th scope=\"col\">Operator</th>" : "")
                .append("<th scope=\"col\">Builder</th><th scope=\"col\">Vote</th><th scope=\"col\">Key</th>"
                        + "<th scope=\"col\">Manifest</th><th scope=\"col\">Made from</th>"
                        + "<th scope=\"col\">Environment</th></tr></thead><tbody>");
        Map<Evidence.Entry, Map<String, String>> recorded = new IdentityHashMap<>();
        evidence.submissions().forEach(entry -> recorded.put(entry,
                entry.checkedBuildInfo().map(BuildInfo::environment).orElse(Map.of())));
        Predicate<Evidence.Entry> counts = entry -> Arrays.stream(Vote.Status.values())
                .anyMatch(status -> status.label().equals(entry.status()) && EnvironmentCauses.counts(status));
        Optional<String> majorityImage = EnvironmentCauses.majorityImage(evidence.submissions().stream().filter(counts)
                .map(recorded::get).toList());
        for (Evidence.Entry entry : EnvironmentCauses.oddImageFirst(evidence.submissions(), recorded::get, counts)) {
            String css = "agree".equals(entry.status()) ? "agree" : "dissent";
            body.append("<tr>");
            if (operators) {
                body.append("<td data-label=\"Operator\">").append(entry.operator() == null ? "" : escape(entry.operator()))
                        .append("</td>");
            }
            body.append("<td data-label=\"Builder\">").append(escape(entry.source()))
                    .append("</td><td data-label=\"Vote\" class=\"").append(css).append("\">").append(escape(entry.status()))
                    .append(entry.reason() == null ? "" : ": " + escape(entry.reason()))
                    .append("</td><td data-label=\"Key\">").append(entry.key() == null ? "" : shortValue(entry.key()))
                    .append("</td><td data-label=\"Manifest\">")
                    .append(entry.manifest() == null ? "" : shortValue(entry.manifest()))
                    .append("</td><td data-label=\"Made from\">").append(madeFrom(recorded.get(entry), majorityImage))
                    .append("</td><td data-label=\"Environment\">").append(environment(entry, differences))
                    .append("</td></tr>");
        }
        body.append("</tbody></table>");
    }

    /** The git tree and image digest a builder's signed buildinfo records; an image not the majority's says so. */
    private static String madeFrom(Map<String, String> environment, Optional<String> majorityImage) {
        List<String> parts = new ArrayList<>();
        if (environment.containsKey("git-tree")) {
            parts.add("tree " + shortValue(environment.get("git-tree")));
        }
        if (environment.containsKey("image-digest")) {
            parts.add("image " + shortValue(environment.get("image-digest"))
                    + (EnvironmentCauses.oddImage(environment, majorityImage)
                    ? " <strong class=\"dissent\">not the majority's image</strong>" : ""));
        }
        if (environment.containsKey("dockerfile-digest")) {
            parts.add("Dockerfile " + shortValue(environment.get("dockerfile-digest")));
        }
        return parts.isEmpty() ? "<span class=\"muted\">not recorded</span>" : String.join("<br>", parts);
    }

    /** The environment settings whose recorded values are not the same for every builder: setting, builder, value. */
    private static Map<String, Map<String, String>> environmentDifferences(Evidence evidence) {
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        int recorded = 0;
        for (Evidence.Entry entry : evidence.submissions()) {
            Optional<BuildInfo> info = entry.checkedBuildInfo();
            if (info.isPresent()) {
                recorded++;
                info.get().environment().forEach((name, value) ->
                        values.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(entry.source(), value));
            }
        }
        int builders = recorded;
        values.values().removeIf(byBuilder -> byBuilder.size() == builders
                && byBuilder.values().stream().distinct().count() == 1);
        return values;
    }

    static void appendEnvironmentDifferences(StringBuilder body, Evidence evidence) {
        if (evidence == null) {
            return;
        }
        body.append("<h2>Environment differences</h2>");
        boolean recorded = evidence.submissions().stream().anyMatch(e -> e.checkedBuildInfo().isPresent());
        Map<String, Map<String, String>> differences = environmentDifferences(evidence);
        if (!recorded) {
            body.append("<p class=\"muted\">No builder recorded a signed environment.</p>");
            return;
        }
        if (differences.isEmpty()) {
            body.append("<p>Every builder recorded the same environment.</p>");
            return;
        }
        body.append("<table class=\"stack\"><thead><tr><th scope=\"col\">Setting</th><th scope=\"col\">Value per builder"
                + "</th></tr></thead><tbody>");
        differences.forEach((name, byBuilder) -> {
            body.append("<tr><td data-label=\"Setting\"><code>").append(escape(name)).append("</code></td>"
                    + "<td data-label=\"Value per builder\" class=\"wrap\">");
            List<String> parts = new ArrayList<>();
            byBuilder.forEach((builder, value) -> parts.add(escape(builder) + ": <code>" + escape(value) + "</code>"));
            body.append(String.join("; ", parts)).append("</td></tr>");
        });
        body.append("</tbody></table>");
    }

    private static String environment(Evidence.Entry entry, Map<String, Map<String, String>> differences) {
        if (entry.buildinfo() == null) {
            return "<span class=\"muted\">not recorded</span>";
        }
        return entry.checkedBuildInfo().map(info -> {
            List<String> own = new ArrayList<>();
            differences.forEach((name, byBuilder) -> {
                if (byBuilder.containsKey(entry.source())) {
                    own.add(name + " " + byBuilder.get(entry.source()));
                }
            });
            return "<details><summary>" + (own.isEmpty() ? "as the others" : escape(String.join(", ", own)))
                    + "</summary><span class=\"wrap\">" + escape(info.summary()) + "</span></details>";
        }).orElse("<span class=\"dissent\">buildinfo signature does not verify</span>");
    }
}
