package io.buildchain.jenkins.steps;

import hudson.FilePath;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.DirScanner;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Vote;
import io.buildchain.core.store.FileTrees;
import io.buildchain.jenkins.agent.AgentWait;
import io.buildchain.jenkins.config.BuildchainConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import jenkins.model.Jenkins;

/**
 * What travels to the controller after the vote, the output having stayed on the agents until then: the release's
 * files from one builder that agrees with the quorum, copied once and checked against its manifest on arrival (the
 * next agreeing builder's when that fails), and, when builders disagree, only the files that differ, for the
 * divergence explanation. N builders cost one copy of the output, not N.
 */
final class AgreeingOutput {
    private AgreeingOutput() {
    }

    /** The directory holding the agreeing output, or empty when the quorum is not met (the publisher explains it). */
    static Optional<Path> fetch(RunRecord record, List<RunRecord.Entry> votes, KeyList trusted, int quorum,
            TaskListener listener) throws IOException, InterruptedException {
        QuorumDecision decision = Quorum.decide(votes.stream().map(RunRecord.Entry::submission).toList(), trusted,
                quorum);
        Optional<Path> release = decision.met() ? Optional.of(agreeing(record, votes, decision, listener))
                : Optional.empty();
        differingFiles(record, votes, decision, listener);
        return release;
    }

    private static Path agreeing(RunRecord record, List<RunRecord.Entry> votes, QuorumDecision decision,
            TaskListener listener) throws InterruptedException {
        StringBuilder failures = new StringBuilder();
        // Builders whose agent is online now first: an offline one is waited for only when no other can serve.
        List<RunRecord.Entry> candidates = decision.agreeing().stream().map(vote -> entryOf(votes, vote))
                .sorted(java.util.Comparator.comparing(e -> look(e.node()).channel() == null)).toList();
        for (RunRecord.Entry entry : candidates) {
            try {
                Optional<String> source = record.sourceOf(entry);
                if (source.isPresent()) {
                    // A copy cut short by an earlier try is not mixed into this one.
                    FileTrees.delete(entry.files());
                    Files.createDirectories(entry.files());
                    new FilePath(channelOf(entry.node(), listener), source.get()).copyRecursiveTo(
                            new DirScanner.Glob("**", null, false), new FilePath(entry.files().toFile()),
                            "buildchain output of " + entry.id());
                    listener.getLogger().println("buildchain: copied the output of " + entry.id() + " from "
                            + entry.node() + " (" + sizeOf(entry.files()) + " bytes), checking it against its manifest");
                }
                RunRecord.checkArrived(entry);
                return entry.files();
            } catch (IOException | BuildchainException e) {
                listener.getLogger().println("buildchain: " + e.getMessage() + "; trying the next agreeing builder");
                failures.append(failures.length() == 0 ? "" : "; ").append(entry.id()).append(": ")
                        .append(e.getMessage());
            }
        }
        throw new BuildchainException("the output of no agreeing builder could be copied and checked (" + failures
                + "); nothing was published: keep each builder's output directory until buildchainPublish runs");
    }

    /**
     * For the explanation of a disagreement: the files {@link #differing} names, copied from each side. A copy that
     * fails leaves those files out; the explanation then says it could not look inside them.
     */
    private static void differingFiles(RunRecord record, List<RunRecord.Entry> votes, QuorumDecision decision,
            TaskListener listener) throws InterruptedException {
        for (Map.Entry<RunRecord.Entry, Set<String>> side : differing(votes, decision).entrySet()) {
            copy(record, side.getKey(), side.getValue(), listener);
        }
    }

    /**
     * The sides the publisher's explanation compares (the first builder of each manifest against the first builder
     * of the reference manifest) with the files each must show: those whose digests differ.
     */
    static Map<RunRecord.Entry, Set<String>> differing(List<RunRecord.Entry> votes, QuorumDecision decision) {
        Map<Digest, RunRecord.Entry> first = new LinkedHashMap<>();
        for (Vote vote : decision.votes()) {
            if (vote.manifest() != null) {
                first.putIfAbsent(vote.digest(), entryOf(votes, vote));
            }
        }
        Map<RunRecord.Entry, Set<String>> sides = new LinkedHashMap<>();
        Optional<Digest> reference = decision.accepted().or(() -> decision.tally().keySet().stream().findFirst());
        if (reference.isEmpty() || first.size() < 2) {
            return sides;
        }
        RunRecord.Entry base = first.get(reference.get());
        Set<String> baseNames = new TreeSet<>();
        for (Map.Entry<Digest, RunRecord.Entry> other : first.entrySet()) {
            if (!other.getKey().equals(reference.get())) {
                Set<String> names = new TreeSet<>(base.manifest().files().keySet());
                names.addAll(other.getValue().manifest().files().keySet());
                names.removeIf(name -> Objects.equals(base.manifest().files().get(name),
                        other.getValue().manifest().files().get(name)));
                sides.put(other.getValue(), names);
                baseNames.addAll(names);
            }
        }
        sides.put(base, baseNames);
        return sides;
    }

    /** Copies the named files of {@code entry}'s output that are in its manifest and not here yet. */
    private static void copy(RunRecord record, RunRecord.Entry entry, Set<String> names, TaskListener listener)
            throws InterruptedException {
        try {
            Optional<String> source = record.sourceOf(entry);
            if (source.isEmpty()) {
                return;
            }
            VirtualChannel channel = channelOf(entry.node(), listener);
            int copied = 0;
            for (String name : names) {
                // Names come from a parsed manifest (relative, no '..'); the check keeps every copy inside files/.
                Path local = entry.files().resolve(name).normalize();
                if (!entry.manifest().files().containsKey(name) || !local.startsWith(entry.files())
                        || Files.exists(local)) {
                    continue;
                }
                Files.createDirectories(local.getParent());
                new FilePath(channel, source.get() + "/" + name).copyTo(new FilePath(local.toFile()));
                copied++;
            }
            if (copied > 0) {
                listener.getLogger().println("buildchain: copied " + copied + " differing file(s) of " + entry.id()
                        + " from " + entry.node() + " for the explanation");
            }
        } catch (IOException e) {
            listener.getLogger().println("buildchain: could not copy the differing files of " + entry.id() + " from "
                    + entry.node() + ": " + e.getMessage());
        }
    }

    private static RunRecord.Entry entryOf(List<RunRecord.Entry> votes, Vote vote) {
        return votes.stream().filter(e -> e.submission().source().equals(vote.submission().source())).findFirst()
                .orElseThrow();
    }

    /** The channel to the node that built {@code entry}, waiting for it as for the signer agent. */
    private static VirtualChannel channelOf(String nodeName, TaskListener listener) throws IOException {
        Duration wait = Duration.ofSeconds(BuildchainConfiguration.get().getAgentWait());
        return AgentWait.until(() -> look(nodeName), wait, "builder agent", listener).channel();
    }

    private static AgentWait.Look look(String nodeName) {
        Jenkins jenkins = Jenkins.get();
        Node node = nodeName.equals("built-in") ? jenkins : jenkins.getNode(nodeName);
        VirtualChannel channel = node == null ? null : node.getChannel();
        return new AgentWait.Look(nodeName, channel, node == null ? "agent " + nodeName + " no longer exists"
                : "agent " + nodeName + " is offline");
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
