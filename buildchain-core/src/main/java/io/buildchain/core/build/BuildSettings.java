package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What a container build is given beside its sources, and what {@code build --vary} changes: the usual suspects
 * of reproducible-builds work, as Debian's reprotest varies them.
 *
 * @param user  "UID:GID" the build runs as
 * @param clock null for the real clock, else how far libfaketime moves the build's clock ({@code FAKETIME}, e.g.
 *              {@code +9535h}); it reaches only dynamically linked programs of an image that can load it
 */
public record BuildSettings(String tz, String umask, String locale, String buildPath, String user, String hostname,
        String clock) {
    /** The date variation: 397 days and 7 hours later, so the day, month, year and time of day all change. */
    public static final String LATER_CLOCK = "+9535h";
    /** What the report calls the date variation. */
    public static final String DATE = "date";
    private static final Pattern CLOCK = Pattern.compile("[+-][0-9]{1,7}[smhdy]?");
    private static final Pattern UMASK = Pattern.compile("0?[0-7]{3}");
    private static final Pattern USER = Pattern.compile("[0-9]{1,9}:[0-9]{1,9}");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._+/:@<>-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public BuildSettings {
        if (clock != null && !CLOCK.matcher(clock).matches()) {
            throw new FormatException("clock " + clock + ": expected an offset such as +9535h");
        }
        if (!WORD.matcher(tz).matches() || !WORD.matcher(locale).matches()) {
            throw new FormatException("TZ " + tz + ", locale " + locale + ": expected a zone and a locale name, "
                    + "e.g. UTC and C.UTF-8");
        }
        if (!HOST.matcher(hostname).matches()) {
            throw new FormatException("hostname " + hostname + ": expected a host name");
        }
        if (!UMASK.matcher(umask).matches()) {
            throw new FormatException("umask " + umask + ": expected octal, e.g. 0022");
        }
        if (!USER.matcher(user).matches()) {
            throw new FormatException("user " + user + ": expected UID:GID");
        }
        if (!PATH.matcher(buildPath).matches() || buildPath.contains("/../") || buildPath.endsWith("/..")
                || buildPath.startsWith("/buildchain")) {
            throw new FormatException("build path " + buildPath + ": expected an absolute path of plain names, "
                    + "outside /buildchain");
        }
    }

    /** Settings with the real clock. */
    public BuildSettings(String tz, String umask, String locale, String buildPath, String user, String hostname) {
        this(tz, umask, locale, buildPath, user, hostname, null);
    }

    /** The settings of a first build: UTC, umask 0022, C.UTF-8, /build/src, the given user. */
    public static BuildSettings reference(String user) {
        return new BuildSettings("UTC", "0022", "C.UTF-8", "/build/src", user, "buildchain");
    }

    /**
     * One thing {@code --vary} changes.
     *
     * @param name     how the report names it ("TZ", "umask 0077")
     * @param apply    the settings with this one thing changed
     */
    public record Variation(String name, UnaryOperator<BuildSettings> apply) {
    }

    /**
     * The variations of these settings, each to a value far from the reference one (a time zone 14 hours away, a
     * umask that takes group and other bits away, a deeper build path, a date 397 days and 7 hours later). The
     * user is varied only when {@code otherUser} is given (a node that is not root cannot hand its checkout to
     * another user), the date only when {@code date} is true (libfaketime can reach the build).
     */
    public List<Variation> variations(String otherUser, boolean date) {
        List<Variation> all = new java.util.ArrayList<>(List.of(
                new Variation("TZ", s -> new BuildSettings(s.tz.equals("Etc/GMT-14") ? "UTC" : "Etc/GMT-14", s.umask, s.locale,
                        s.buildPath, s.user, s.hostname, s.clock)),
                new Variation("umask 0077", s -> new BuildSettings(s.tz, "0077", s.locale, s.buildPath, s.user, s.hostname,
                        s.clock)),
                new Variation("locale", s -> new BuildSettings(s.tz, s.umask, "fr_CH.UTF-8", s.buildPath, s.user, s.hostname,
                        s.clock)),
                new Variation("build path", s -> new BuildSettings(s.tz, s.umask, s.locale, "/tmp/varied/deeper" + s.buildPath,
                        s.user, s.hostname, s.clock)),
                new Variation("hostname", s -> new BuildSettings(s.tz, s.umask, s.locale, s.buildPath, s.user, "varied-host",
                        s.clock))));
        if (otherUser != null) {
            all.add(new Variation("user", s -> new BuildSettings(s.tz, s.umask, s.locale, s.buildPath, otherUser,
                    s.hostname, s.clock)));
        }
        if (date) {
            all.add(new Variation(DATE, s -> new BuildSettings(s.tz, s.umask, s.locale, s.buildPath, s.user, s.hostname,
                    LATER_CLOCK)));
        }
        return all;
    }
}
