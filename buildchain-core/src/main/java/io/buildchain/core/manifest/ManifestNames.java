package io.buildchain.core.manifest;

import io.buildchain.core.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * Rules for file names inside a manifest. Names are relative paths with '/' separators that a downloader
 * can write below its target directory without ever leaving it.
 */
public final class ManifestNames {
    private static final int QUOTED_CHARS = 200;
    /** The original keeps names in a Rust BTreeMap&lt;String&gt;, i.e. ordered by UTF-8 bytes (= code points). */
    public static final Comparator<String> ORDER = ManifestNames::compareCodePoints;
    public static final int MAX_NAME_BYTES = 4096;

    private ManifestNames() {
    }

    /** Throws a {@link FormatException} naming {@code name} and the rule it breaks. */
    public static void check(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new FormatException("file name " + quote(name) + ": " + problem);
        }
    }

    /**
     * The rule {@code name} breaks, or null if it is a valid manifest name. One pass over the characters,
     * allocating nothing, because every file of a build passes here; the rules are still reported in this
     * order: empty, too long, absolute, the first bad character, the first bad segment.
     */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        long utf8Bytes = 0;
        String badCharacter = null;
        String badSegment = null;
        int segmentStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '/') {
                if (badSegment == null) {
                    badSegment = segmentProblem(name, segmentStart, i);
                }
                segmentStart = i + 1;
                utf8Bytes += i < name.length() ? 1 : 0;
                continue;
            }
            char c = name.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && validSurrogatePair(name, i);
            // As String.getBytes(UTF_8) counts: a pair is 4 bytes, an unpaired surrogate becomes one '?'.
            utf8Bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : Character.isSurrogate(c) ? 1 : 3;
            if (badCharacter == null) {
                badCharacter = characterProblem(name, i, c);
            }
            if (pair) {
                i++;
            }
        }
        if (utf8Bytes > MAX_NAME_BYTES) {
            return "is longer than " + MAX_NAME_BYTES + " bytes";
        }
        if (name.charAt(0) == '/') {
            return "is an absolute path (expected a path relative to the artifacts directory)";
        }
        return badCharacter != null ? badCharacter : badSegment;
    }

    private static String characterProblem(String name, int i, char c) {
        if (c == 0) {
            return "contains a NUL character";
        }
        if (c < 0x20 || c == 0x7F) {
            return String.format("contains the control character U+%04X", (int) c);
        }
        if (c == '\\') {
            return "contains a backslash (a path separator on Windows; use '/')";
        }
        if (Character.isSurrogate(c) && !validSurrogatePair(name, i)) {
            return "is not valid Unicode (unpaired surrogate)";
        }
        return null;
    }

    /** The problem of the segment {@code name[start, end)}, or null. */
    private static String segmentProblem(String name, int start, int end) {
        int length = end - start;
        if (length == 0) {
            return "has an empty path segment (leading, trailing or doubled '/')";
        }
        if (name.charAt(start) == '.' && (length == 1 || length == 2 && name.charAt(start + 1) == '.')) {
            return "has a '" + name.substring(start, end) + "' path segment";
        }
        return null;
    }

    /** A file name as a message quotes it: control characters escaped, cut after 200 characters (names reach 4 KiB). */
    static String quote(String name) {
        boolean cut = name.length() > QUOTED_CHARS;
        String shown = cut ? name.substring(0, Character.isHighSurrogate(name.charAt(QUOTED_CHARS - 1))
                ? QUOTED_CHARS - 1 : QUOTED_CHARS) : name;
        StringBuilder out = new StringBuilder("\"");
        shown.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append(cut ? "…\"" : "\"").toString();
    }

    private static boolean validSurrogatePair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
