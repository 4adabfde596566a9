package io.buildchain.core.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.manifest.TreeHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseRecordTest {
    @TempDir
    Path dir;

    Manifest build(String name) throws Exception {
        Path dist = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Files.writeString(dist.resolve("tool"), "hello\n");
        Files.writeString(dist.resolve("é \"q\""), "x");
        Path root = dir.resolve(name);
        return ReleaseRecord.writeInto(root, new TreeHasher(1).hashTree(root), "hello", "main", "1.0", "abc", 1700000000L);
    }

    @Test
    void twoBuildersWriteByteIdenticalRecordsAndManifests() throws Exception {
        Manifest a = build("a");
        Manifest b = build("b");
        assertThat(a.render()).isEqualTo(b.render());
        byte[] bytes = Files.readAllBytes(dir.resolve("a").resolve(ReleaseRecord.NAME));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("""
                {
                  "format": "buildchain-release/1",
                  "project": "hello",
                  "branch": "main",
                  "version": "1.0",
                  "revision": "abc",
                  "sourceTime": 1700000000,
                  "files": {
                    "bin/tool": 6,
                    "bin/é \\"q\\"": 1
                  }
                }""");
        ReleaseRecord record = ReleaseRecord.of(a, bytes, "record");
        assertThat(record.render()).isEqualTo(bytes);
        assertThat(record.size("bin/tool")).hasValue(6);
        // Hashing the tree again (the record now in it) gives the same manifest.
        assertThat(build("a").render()).isEqualTo(a.render());
    }

    @Test
    void nonCanonicalExtraOrDuplicateFieldsAreRefused() {
        String good = new String(new ReleaseRecord("p", "b", "1", null, 5, new TreeMap<>()).render(),
                StandardCharsets.UTF_8);
        for (String bad : new String[] {good + "\n", good.replace("  \"project\"", " \"project\""),
            good.replace("\"version\": \"1\",", "\"version\": \"1\",\n  \"version\": \"1\","),
            good.replace("\"sourceTime\": 5", "\"sourceTime\": 5.0"), good.replace("\"sourceTime\": 5", "\"sourceTime\": -5"),
            good.replace("\"branch\": \"b\"", "\"branch\": \"../x\""), good.replace("{}", "{\"a\": -1}"),
            good.replace("{}", "{\"a\": 1, \"extra\": {\"x\": 1}}"), "[]", "", "{\"format\": \"buildchain-release/2\"}"}) {
            assertThatThrownBy(() -> ReleaseRecord.parse(bad.getBytes(StandardCharsets.UTF_8), "r"))
                    .as(bad).isInstanceOf(FormatException.class).hasMessageStartingWith("r: ");
        }
        assertThatThrownBy(() -> ReleaseRecord.parse(new byte[ReleaseRecord.MAX_BYTES + 1], "r"))
                .hasMessageContaining("larger than");
    }

    @Test
    void aRecordForAnotherBranchOrOtherFilesIsRefused() throws Exception {
        Manifest manifest = build("a");
        ReleaseRecord record = ReleaseRecord.of(manifest, Files.readAllBytes(dir.resolve("a").resolve(ReleaseRecord.NAME)),
                "r");
        assertThatThrownBy(() -> record.checkFor("hello", "stable", "x")).isInstanceOf(VerificationException.class)
                .hasMessageContaining("is a release of hello/main");
        assertThatThrownBy(() -> record.checkFor("evil", "main", "x")).hasMessageContaining("not of evil/main");
        Manifest other = new Manifest(1700000001L, manifest.files());
        assertThatThrownBy(() -> record.checkDescribes(other, "r")).hasMessageContaining("source time");
        Files.writeString(dir.resolve("a/bin/tool"), "longer than before\n");
        assertThatThrownBy(() -> record.checkSizes(dir.resolve("a"), "r")).hasMessageContaining("\"bin/tool\" is 19 bytes");
    }
}
