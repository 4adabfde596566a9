package io.buildchain.jenkins.steps;

import hudson.FilePath;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.DirScanner;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import io.buildchain.core.quorum.Vote;
import io.buildchain.core.store.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jenkins.model.Jenkins;

/**
 * The release's files, copied to the controller once: from one builder that agrees with the quorum, fetched from
 * its agent after the vote and checked against its manifest on arrival (the next agreeing builder when that fails).
 * Until the vote only manifests, requests and buildinfos travel, so N builders cost one copy of the output, not N.
 */
final class AgreeingOutput {
    private AgreeingOutput() {
    }

    /** The directory holding the agreeing output, or empty when the quorum is not met (the publisher explains it). */
    static Optional<Path> fetch(RunRecord record, List<RunRecord.Entry> votes, KeyList trusted, int quorum,
            TaskListener listener) throws IOException, InterruptedException {
        QuorumDecision decision = Quorum.decide(votes.stream().map(RunRecord.Entry::submission).toList(), trusted,
                quorum);
        if (!decision.met()) {
            return Optional.empty();
        }
        StringBuilder failures = new StringBuilder();
        for (Vote vote : decision.agreeing()) {
            RunRecord.Entry entry = votes.stream().filter(e -> e.submission().source().equals(vote.submission()
                    .source())).findFirst().orElseThrow();
            try {
                Optional<String> source = record.sourceOf(entry);
                if (source.isPresent()) {
                    // A copy cut short by an earlier try is not mixed into this one.
                    FileTrees.delete(entry.files());
                    Files.createDirectories(entry.files());
                    new FilePath(channelOf(entry.node()), source.get()).copyRecursiveTo(
                            new DirScanner.Glob("**", null, false), new FilePath(entry.files().toFile()),
                            "buildchain output of " + entry.id());
                    listener.getLogger().println("buildchain: copied the output of " + entry.id() + " from "
                            + entry.node() + " (" + sizeOf(entry.files()) + " bytes), checking it against its manifest");
                }
                RunRecord.checkArrived(entry);
                return Optional.of(entry.files());
            } catch (IOException | BuildchainException e) {
                listener.getLogger().println("buildchain: " + e.getMessage() + "; trying the next agreeing builder");
                failures.append(failures.length() == 0 ? "" : "; ").append(entry.id()).append(": ")
                        .append(e.getMessage());
            }
        }
        throw new BuildchainException("the output of no agreeing builder could be copied and checked (" + failures
                + "); nothing was published: keep each builder's output directory until buildchainPublish runs");
    }

    private static VirtualChannel channelOf(String nodeName) throws IOException {
        Jenkins jenkins = Jenkins.get();
        Node node = nodeName.equals("built-in") ? jenkins : jenkins.getNode(nodeName);
        VirtualChannel channel = node == null ? null : node.getChannel();
        if (channel == null) {
            throw new IOException("agent " + nodeName + " is offline, its output cannot be copied");
        }
        return channel;
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
