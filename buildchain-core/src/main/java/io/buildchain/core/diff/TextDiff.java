package io.buildchain.core.diff;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Unified diffs of small text entries, bounded in lines and bytes so a page stays readable. */
final class TextDiff {
    /** Texts larger than this are not diffed line by line (the diff is quadratic at worst). */
    static final int MAX_TEXT = 256 * 1024;
    static final int MAX_LINES = 5000;
    static final int MAX_OUTPUT_LINES = 40;
    static final int MAX_LINE_CHARS = 200;
    static final int MAX_OUTPUT_CHARS = 4000;

    private TextDiff() {
    }

    /** The changed lines of one side and the other, for cause detection, and the bounded unified diff. */
    record Result(List<String> removed, List<String> added, List<String> unified) {
    }

    /** The text of {@code bytes} when it is small UTF-8 without NUL bytes, which is what we diff. */
    static Optional<String> text(byte[] bytes) {
        if (bytes.length > MAX_TEXT) {
            return Optional.empty();
        }
        for (byte b : bytes) {
            if (b == 0) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Empty when either text has more than {@link #MAX_LINES} lines. */
    static Optional<Result> diff(String a, String b, String labelA, String labelB) {
        List<String> linesA = a.lines().toList();
        List<String> linesB = b.lines().toList();
        if (linesA.size() > MAX_LINES || linesB.size() > MAX_LINES) {
            return Optional.empty();
        }
        Patch<String> patch = DiffUtils.diff(linesA, linesB);
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            removed.addAll(delta.getSource().getLines());
            added.addAll(delta.getTarget().getLines());
        }
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(labelA, labelB, linesA, patch, 1);
        return Optional.of(new Result(removed, added, bound(unified)));
    }

    /** At most {@link #MAX_OUTPUT_LINES} lines of at most {@link #MAX_LINE_CHARS}, and a note of what was cut. */
    static List<String> bound(List<String> lines) {
        List<String> out = new ArrayList<>();
        int chars = 0;
        for (String line : lines) {
            String cut = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
            if (out.size() == MAX_OUTPUT_LINES || chars + cut.length() > MAX_OUTPUT_CHARS) {
                out.add("… " + (lines.size() - out.size()) + " more diff lines");
                break;
            }
            out.add(cut);
            chars += cut.length();
        }
        return out;
    }
}
