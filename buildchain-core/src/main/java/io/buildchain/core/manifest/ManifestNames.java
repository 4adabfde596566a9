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

    /** The rule {@code name} breaks, or null if it is a valid manifest name. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "is longer than " + MAX_NAME_BYTES + " bytes";
        }
        if (name.startsWith("/")) {
            return "is an absolute path (expected a path relative to the artifacts directory)";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
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
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty path segment (leading, trailing or doubled '/')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "has a '" + segment + "' path segment";
            }
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
