package io.buildchain.core.ci;

import io.buildchain.core.FormatException;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import io.buildchain.core.store.TextRecords;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which CI job publishes each project/branch of a shared store. The first job to publish a branch owns it;
 * another job publishing there would interleave two unrelated histories in one chain, so it is refused.
 * A job sees (pages, tails, objects) only the branches it owns.
 */
public final class ChainOwners {
    private static final String LAYOUT = "PROJECT BRANCH JOB";
    private final Path file;

    public ChainOwners(Path file) {
        this.file = file;
    }

    /** What a job does on a branch it may publish: the owner is recorded only when it returns. */
    public interface Publish<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code publish} for {@code job} on project/branch and makes the job the branch's owner when (and only
     * when) it returns: a publish that failed (a quorum not met, a signer that did not answer) claims nothing. Fails
     * at once, naming the owner, when another job owns the branch. The owners' lock is held throughout, so two jobs
     * cannot both find a branch free and both publish to it.
     */
    public <T> T publishAs(String project, String branch, String job, Publish<T> publish) throws Exception {
        Store.checkName(project, "project");
        Store.checkName(branch, "branch");
        Files.createDirectories(file.getParent());
        try (DirectoryLock lock = DirectoryLock.acquire(file.resolveSibling(file.getFileName() + ".lock"))) {
            List<String[]> records = TextRecords.read(file, LAYOUT);
            boolean owned = false;
            for (String[] record : records) {
                if (record[0].equals(project) && record[1].equals(branch)) {
                    String owner = decode(record[2]);
                    if (!owner.equals(job)) {
                        throw new FormatException(project + "/" + branch + " is published by the job \"" + owner
                                + "\"; publish this job under another project or branch name");
                    }
                    owned = true;
                }
            }
            T published = publish.run();
            if (!owned) {
                records.add(new String[] {project, branch, URLEncoder.encode(job, StandardCharsets.UTF_8)});
                TextRecords.write(file, records, AtomicFiles.OWNER_WRITE_ALL_READ);
            }
            return published;
        }
    }

    public boolean owns(String job, String project, String branch) throws IOException {
        return TextRecords.read(file, LAYOUT).stream()
                .anyMatch(r -> r[0].equals(project) && r[1].equals(branch) && decode(r[2]).equals(job));
    }

    /** The project/branch pairs {@code job} publishes, as {@code {project, branch}}. */
    public List<String[]> branches(String job) throws IOException {
        return TextRecords.read(file, LAYOUT).stream().filter(r -> decode(r[2]).equals(job))
                .map(r -> new String[] {r[0], r[1]}).toList();
    }

    private static String decode(String job) {
        return URLDecoder.decode(job, StandardCharsets.UTF_8);
    }
}
