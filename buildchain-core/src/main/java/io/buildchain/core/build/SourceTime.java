package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The source revision's time, which goes into the manifest: the same on every builder of one revision. */
public final class SourceTime {
    private SourceTime() {
    }

    /**
     * The time given, else {@code SOURCE_DATE_EPOCH} from {@code environment}, else the commit time of the
     * git checkout that contains {@code dir}.
     */
    public static long resolve(Long given, Map<String, String> environment, Path dir) throws IOException,
            InterruptedException {
        if (given != null) {
            if (given < 0) {
                throw new FormatException("time " + given + ": expected Unix seconds, not negative");
            }
            return given;
        }
        String epoch = environment.get("SOURCE_DATE_EPOCH");
        if (epoch != null && !epoch.isBlank()) {
            try {
                return Long.parseUnsignedLong(epoch.trim());
            } catch (NumberFormatException e) {
                throw new FormatException("SOURCE_DATE_EPOCH \"" + epoch + "\": expected Unix seconds");
            }
        }
        return gitCommitTime(dir);
    }

    /** {@code git log -1 --format=%ct} run in {@code dir}. */
    public static long gitCommitTime(Path dir) throws IOException, InterruptedException {
        Process git;
        try {
            git = new ProcessBuilder("git", "-C", dir.toString(), "log", "-1", "--format=%ct")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new FormatException("no source time: git is not installed on this node (" + e.getMessage()
                    + "); give the time explicitly or set SOURCE_DATE_EPOCH");
        }
        git.getOutputStream().close();
        String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
            git.destroyForcibly();
            throw new FormatException("no source time: " + dir + " is not in a git checkout with a commit (git said: "
                    + output + "); give the time explicitly or set SOURCE_DATE_EPOCH");
        }
        try {
            return Long.parseLong(output);
        } catch (NumberFormatException e) {
            throw new FormatException("no source time: git log printed \"" + output + "\" in " + dir);
        }
    }
}
