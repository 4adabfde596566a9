package io.buildchain.core.diff;

import java.util.Locale;

/** The reproducibility bugs we can name, in the order a report lists them, each with its usual fix. */
enum CauseKind {
    SOURCE_TIME("build the same commit, with the source time taken from it (git log -1 --format=%ct)"),
    JDK("pin the JDK: the same JDK version on every builder (Maven toolchains, one build image)"),
    BUILD_TOOL("pin the build tool and plugin versions on every builder (Maven wrapper and plugin versions, Gradle wrapper)"),
    TIME_ZONE("build with TZ=UTC, or fix the entry times with project.build.outputTimestamp (Maven) / SOURCE_DATE_EPOCH"),
    WALL_CLOCK("set SOURCE_DATE_EPOCH to the commit time (Maven: project.build.outputTimestamp) and use tools that honour it"),
        // Not project.build.outputTimestamp: it fixes times and order, and modes still follow the build's umask.
    UMASK("build with umask 022, or have the archiver write fixed modes (tar --mode=go-w; the Maven assembly's "
            + "fileMode/directoryMode; chmod -R go-w before zip)"),
    MODES("set the files' modes explicitly in the build, or have the archiver write fixed modes"),
    ZIP_ATTRIBUTES("use the same zip tool and options on every builder"),
    OWNER("write fixed owners (tar --owner=0 --group=0 --numeric-owner)"),
    ENTRY_ORDER("sort entries by name (tar --sort=name; Maven's archivers do with project.build.outputTimestamp)"),
    BUILD_PATH("build in the same directory on every builder, or map it away (-ffile-prefix-map=DIR=., -trimpath, "
            + "--remap-path-prefix)"),
    BUILD_USER("leave the user out of the build (Maven: an empty Built-By manifest entry)"),
    COMPRESSION("use the same archiver version and compression settings on every builder"),
    EXTRA_FIELDS("use the same zip tool and options on every builder (e.g. zip -X leaves out extra fields)"),
    COMMENT("use the same archiver and options on every builder"),
    LAYOUT("use the same archiver version and compression settings on every builder"),
    FILE_ONLY(null),
    ENTRY_ONLY(null),
    RECORD_SIZES(null),
    CONTENT(null),
    UNREAD(null);

    final String fix;

    CauseKind(String fix) {
        this.fix = fix;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
