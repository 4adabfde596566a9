package io.buildchain.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.build.BuildNode;
import io.buildchain.core.ci.RunRecord;
import io.buildchain.core.ci.SettingsCheck;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.quorum.Quorum;
import io.buildchain.core.quorum.QuorumDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the vote, what the controller fetches for the explanation when builders disagree: only the files whose
 * digests differ, from the sides the publisher compares. (The copy itself goes through Jenkins' FilePath, tried in
 * a real Jenkins; what arrives is checked by RunRecord.checkArrived, tested in core.)
 */
class AgreeingOutputTest {
    @TempDir
    Path dir;

    @Test
    void aDissenterAndTheReferenceShowOnlyTheFilesThatDiffer() throws Exception {
        RunRecord record = new RunRecord(dir.resolve("run"));
        StringBuilder trusted = new StringBuilder();
        for (String name : List.of("a", "b", "c")) {
            Path dist = Files.createDirectories(dir.resolve(name + "/dist"));
            Files.writeString(dist.resolve("app.jar"), name.equals("c") ? "built differently" : "the same");
            Files.writeString(dist.resolve("README"), "same everywhere");
            BuildNode node = new BuildNode(dir.resolve(name + "/home"));
            BuildNode.Output built = node.build(dist, 1700000000L, 1700000000L, Map.of("host", name));
            record.reserve(name);
            record.recordSource(name, dist.toString());
            record.record(name, name, built.manifest(), built.request());
            trusted.append(built.builderKey()).append(' ').append(name).append('\n');
        }
        KeyList keys = SettingsCheck.parseTrustedKeys(trusted.toString());
        List<RunRecord.Entry> votes = record.votes();
        QuorumDecision decision = Quorum.decide(votes.stream().map(RunRecord.Entry::submission).toList(), keys, 2);
        assertThat(decision.met()).isTrue();
        Map<RunRecord.Entry, Set<String>> sides = AgreeingOutput.differing(votes, decision);
        List<String> described = new ArrayList<>();
        sides.forEach((entry, names) -> described.add(entry.id() + " " + names));
        assertThat(described).containsExactly("c [app.jar]", "a [app.jar]");

        // When they all agree there is nothing to explain and nothing beyond the release's copy travels.
        QuorumDecision agreeing = Quorum.decide(votes.subList(0, 2).stream().map(RunRecord.Entry::submission).toList(),
                keys, 2);
        assertThat(AgreeingOutput.differing(votes.subList(0, 2), agreeing)).isEmpty();
    }
}
