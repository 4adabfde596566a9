package io.buildchain.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each rule's message, the order in which they are reported, and the UTF-8 length as String.getBytes counts it. */
class ManifestNamesTest {

    @Test
    void validNamesHaveNoProblem() {
        for (String name : new String[] {"a", "dir/file.jar", ".hidden", "..x", "x..", "a/.b/c", "caf\u00e9", "\ud83d\ude00/x",
                "a b/c", ".buildchain/release.json"}) {
            assertThat(ManifestNames.problem(name)).as(name).isNull();
        }
    }

    @Test
    void eachRuleNamesItself() {
        assertThat(ManifestNames.problem("")).isEqualTo("is empty");
        assertThat(ManifestNames.problem("/etc/passwd"))
                .isEqualTo("is an absolute path (expected a path relative to the artifacts directory)");
        assertThat(ManifestNames.problem("a\u0000b")).isEqualTo("contains a NUL character");
        assertThat(ManifestNames.problem("a\nb")).isEqualTo("contains the control character U+000A");
        assertThat(ManifestNames.problem("a\u007fb")).isEqualTo("contains the control character U+007F");
        assertThat(ManifestNames.problem("a\\b")).isEqualTo("contains a backslash (a path separator on Windows; use '/')");
        assertThat(ManifestNames.problem("a\ud83d")).isEqualTo("is not valid Unicode (unpaired surrogate)");
        assertThat(ManifestNames.problem("\ude00a")).isEqualTo("is not valid Unicode (unpaired surrogate)");
        assertThat(ManifestNames.problem("a//b")).isEqualTo("has an empty path segment (leading, trailing or doubled '/')");
        assertThat(ManifestNames.problem("a/")).isEqualTo("has an empty path segment (leading, trailing or doubled '/')");
        assertThat(ManifestNames.problem("a/./b")).isEqualTo("has a '.' path segment");
        assertThat(ManifestNames.problem("..")).isEqualTo("has a '..' path segment");
        assertThat(ManifestNames.problem("a/../../b")).isEqualTo("has a '..' path segment");
    }

    @Test
    void rulesAreReportedInOrderWhateverComesFirstInTheName() {
        assertThat(ManifestNames.problem("/a\nb")).startsWith("is an absolute path");
        assertThat(ManifestNames.problem("../a\\b")).startsWith("contains a backslash");
        assertThat(ManifestNames.problem("a/./b/../c")).isEqualTo("has a '.' path segment");
        assertThat(ManifestNames.problem("a//b/..")).startsWith("has an empty path segment");
        assertThat(ManifestNames.problem("x".repeat(5000) + "\n")).isEqualTo("is longer than 4096 bytes");
    }

    @Test
    void lengthIsCountedInUtf8BytesAsStringGetBytesCountsIt() {
        assertThat(ManifestNames.problem("a".repeat(4096))).isNull();
        assertThat(ManifestNames.problem("a".repeat(4097))).isEqualTo("is longer than 4096 bytes");
        assertThat(ManifestNames.problem("a".repeat(4094) + "\u00e9")).isNull();
        assertThat(ManifestNames.problem("a".repeat(4095) + "\u00e9")).isEqualTo("is longer than 4096 bytes");
        assertThat(ManifestNames.problem("a".repeat(4093) + "\u20ac")).isNull();
        assertThat(ManifestNames.problem("a".repeat(4092) + "\ud83d\ude00")).isNull();
        assertThat(ManifestNames.problem("a".repeat(4093) + "\ud83d\ude00")).isEqualTo("is longer than 4096 bytes");
        assertThat(ManifestNames.problem("a".repeat(2047) + "/" + "b".repeat(2048))).isNull();
        // An unpaired surrogate encodes as one '?': not too long, so the surrogate itself is the problem.
        assertThat(ManifestNames.problem("a".repeat(4095) + "\ud83d")).isEqualTo("is not valid Unicode (unpaired surrogate)");
    }
}
