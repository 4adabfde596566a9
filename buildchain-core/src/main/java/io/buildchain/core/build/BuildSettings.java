package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What a container build is given beside its sources, and what {@code build --vary} changes: the usual suspects
 * of reproducible-builds work, as Debian's reprotest varies them.
 *
 * @param user "UID:GID" the build runs as
 */
public record BuildSettings(String tz, String umask, String locale, String buildPath, String user, String hostname) {
    private static final Pattern UMASK = Pattern.compile("0?[0-7]{3}");
    private static final Pattern USER = Pattern.compile("[0-9]{1,9}:[0-9]{1,9}");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._+/:@<>-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public BuildSettings {
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
     * umask that takes group and other bits away, a deeper build path). The user is varied only when
     * {@code otherUser} is given (a node that is not root cannot hand its checkout to another user).
     */
    public List<Variation> variations(String otherUser) {
        List<Variation> all = new java.util.ArrayList<>(List.of(
                new Variation("TZ", s -> new BuildSettings(s.tz.equals("Etc/GMT-14") ? "UTC" : "Etc/GMT-14", s.umask, s.locale,
                        s.buildPath, s.user, s.hostname)),
                new Variation("umask 0077", s -> new BuildSettings(s.tz, "0077", s.locale, s.buildPath, s.user, s.hostname)),
                new Variation("locale", s -> new BuildSettings(s.tz, s.umask, "fr_CH.UTF-8", s.buildPath, s.user, s.hostname)),
                new Variation("build path", s -> new BuildSettings(s.tz, s.umask, s.locale, "/tmp/varied/deeper" + s.buildPath,
                        s.user, s.hostname)),
                new Variation("hostname", s -> new BuildSettings(s.tz, s.umask, s.locale, s.buildPath, s.user, "varied-host"))));
        if (otherUser != null) {
            all.add(new Variation("user", s -> new BuildSettings(s.tz, s.umask, s.locale, s.buildPath, otherUser, s.hostname)));
        }
        return all;
    }
}
