package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Ages as users write them ({@code 90s}, {@code 12h}, {@code 7d}) and as summaries print them. */
public final class Durations {
    private static final Pattern AGE = Pattern.compile("([1-9][0-9]{0,8})([smhd])");

    private Durations() {
    }

    /** {@code 90s}, {@code 45m}, {@code 12h} or {@code 7d}; anything else is refused naming {@code option}. */
    public static Duration parse(String text, String option) {
        Matcher m = AGE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new FormatException(option + " \"" + text + "\": expected a number and a unit, s, m, h or d (90s, 12h, 7d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The largest whole unit: "42s", "17m", "5h", "3d" ("-5s" for a time ahead of the clock). */
    public static String describe(Duration age) {
        long s = age.getSeconds();
        long a = Math.abs(s);
        String unit = a >= 86_400 * 2 ? a / 86_400 + "d" : a >= 3_600 * 2 ? a / 3_600 + "h"
                : a >= 120 ? a / 60 + "m" : a + "s";
        return (s < 0 ? "-" : "") + unit;
    }
}
