package io.buildchain.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.hash.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {
    static final Digest D = Digest.of(new byte[0]);
    static final String D32 = D.base32();

    static Manifest manifest(long time, String... names) {
        java.util.SortedMap<String, Digest> files = new TreeMap<>();
        for (String name : names) {
            files.put(name, D);
        }
        return new Manifest(time, files);
    }

    static String text(Manifest m) {
        return new String(m.render(), StandardCharsets.UTF_8);
    }

    @Test
    void emptyFilesRenderAsBraces() {
        assertThat(text(manifest(0))).isEqualTo("{\n  \"time\": 0,\n  \"files\": {}\n}");
    }

    @Test
    void rendersLikeSerdePretty() {
        assertThat(text(manifest(1700000000L, "b", "a/x.txt"))).isEqualTo("{\n  \"time\": 1700000000,\n  \"files\": {\n"
                + "    \"a/x.txt\": \"" + D32 + "\",\n    \"b\": \"" + D32 + "\"\n  }\n}");
    }

    @Test
    void timeIsUnsigned64() {
        assertThat(text(manifest(-1L, "a"))).startsWith("{\n  \"time\": 18446744073709551615,");
        byte[] max = manifest(-1L, "a").render();
        assertThat(Manifest.parseCanonical(max, "m").time()).isEqualTo(-1L);
    }

    @Test
    void namesSortByCodePointLikeRustBTreeMap() {
        // UTF-16 order would put U+1F600 (surrogates D83D..) before U+FF21; UTF-8 / code point order does not.
        Manifest m = manifest(1, "\uFF21", "\uD83D\uDE00", "Z", "a");
        assertThat(m.files().keySet()).containsExactly("Z", "a", "\uFF21", "\uD83D\uDE00");
    }

    @Test
    void escapesLikeSerde() {
        StringBuilder out = new StringBuilder();
        Manifest.appendJsonString(out, "q\"b\\s/\b\f\n\r\t\u0001\u001f\u007f\u00e9");
        assertThat(out.toString()).isEqualTo("\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\u00e9\"");
    }

    @Test
    void nonAsciiNamesRoundTripRaw() {
        Manifest m = manifest(5, "r\u00e9sum\u00e9.pdf", "\"quoted\"");
        byte[] bytes = m.render();
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"r\u00e9sum\u00e9.pdf\"", "\"\\\"quoted\\\"\"");
        assertThat(Manifest.parseCanonical(bytes, "m")).isEqualTo(m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../x", "a/../b", "a//b", "a/", "./a", "a/.", "", "a\u0000b", "a\nb",
            "a\\b", "a\u007fb"})
    void rejectsUnsafeNames(String name) {
        assertThatThrownBy(() -> manifest(1, name)).isInstanceOf(FormatException.class).hasMessageContaining("file name");
        String json = "{\"time\": 1, \"files\": {\"" + name.replace("\\", "\\\\").replace("\n", "\\n")
                .replace("\u0000", "\\u0000") + "\": \"" + D32 + "\"}}";
        assertThatThrownBy(() -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8), "m.json"))
                .isInstanceOf(FormatException.class).hasMessageContaining("m.json").hasMessageContaining("file name");
    }

    @Test
    void rejectsAFileThatIsAlsoADirectory() {
        assertThatThrownBy(() -> manifest(1, "lib", "lib/a.so")).hasMessageContaining("both a file and the directory");
    }

    @Test
    void findsAFileThatIsAlsoADirectoryBehindNeighboursSharingItsParents() {
        String[][] cases = {
            {"a/b", "a/b/c"}, {"x/y", "x/y!", "x/y/z"}, {"d/e/f", "d/e/g", "d/e"}, {"p/q/r/s", "p/q/t", "p/q/r"},
            {"m/n/o", "m/x", "m/n/o/p"},
        };
        for (String[] names : cases) {
            assertThatThrownBy(() -> manifest(1, names)).as(String.join(" ", names))
                    .hasMessageContaining("both a file and the directory");
            TreeMap<String, Digest> inOrder = new TreeMap<>(ManifestNames.ORDER);
            for (String name : names) {
                inOrder.put(name, D);
            }
            assertThatThrownBy(() -> new Manifest(1, inOrder)).as(String.join(" ", names))
                    .hasMessageContaining("both a file and the directory");
        }
        assertThat(manifest(1, "a/b/c", "a/b/d", "a/bc", "a/b!/e", "b").files()).hasSize(5);
    }

    static void rejects(String json, String... expected) {
        assertThatThrownBy(() -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8), "m.json"))
                .isInstanceOf(FormatException.class).hasMessageContaining("m.json").hasMessageContainingAll(expected);
    }

    @Test
    void strictParseRejections() {
        rejects("[]", "expected a JSON object");
        rejects("{\"files\": {}}", "missing field \"time\"");
        rejects("{\"time\": 1}", "missing field \"files\"");
        rejects("{\"time\": -1, \"files\": {}}", "\"time\"", "outside");
        rejects("{\"time\": 18446744073709551616, \"files\": {}}", "\"time\"", "outside");
        rejects("{\"time\": 1.5, \"files\": {}}", "\"time\"", "fractional");
        rejects("{\"time\": \"1\", \"files\": {}}", "\"time\"", "a string");
        rejects("{\"time\": 1, \"time\": 2, \"files\": {}}", "\"time\" appears twice");
        rejects("{\"time\": 1, \"files\": []}", "\"files\"", "an array");
        rejects("{\"time\": 1, \"files\": {\"a\": \"" + D32 + "\", \"a\": \"" + D32 + "\"}}", "files[\"a\"]", "twice");
        rejects("{\"time\": 1, \"files\": {\"a\": \"abc\"}}", "files[\"a\"]", "expected 77 base32 characters");
        rejects("{\"time\": 1, \"files\": {\"a\": \"" + D32.toLowerCase() + "\"}}", "files[\"a\"]", "canonical");
        rejects("{\"time\": 1, \"files\": {\"a\": 7}}", "files[\"a\"]", "expected a base32 SHA-384 string");
        rejects("{\"time\": 1, \"files\": {}} x", "m.json");
        rejects("{\"time\": 1, \"files\": {", "not valid JSON");
    }

    @Test
    void rejectsOversizeInput() {
        byte[] huge = new byte[ManifestParser.MAX_BYTES + 1];
        assertThatThrownBy(() -> Manifest.parse(huge, "big.json")).hasMessageContaining("big.json")
                .hasMessageContaining("more than");
    }

    @Test
    void ignoresUnknownFieldsButCanonicalCheckCatchesThem() {
        String json = "{\"time\": 1, \"extra\": {\"x\": [1]}, \"files\": {\"a\": \"" + D32 + "\"}}";
        assertThat(Manifest.parse(json.getBytes(StandardCharsets.UTF_8), "m").files()).containsKey("a");
        assertThatThrownBy(() -> Manifest.parseCanonical(json.getBytes(StandardCharsets.UTF_8), "m"))
                .hasMessageContaining("not in canonical form");
    }
}
