package io.buildchain.core.quorum;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What one build node hands the publisher: its manifest bytes and its signed request for them, plus,
 * optionally, where its artifacts are (to explain a divergence down to archive entries).
 *
 * @param source a name for reports, e.g. the manifest's path or the Jenkins branch name
 */
public record Submission(String source, byte[] manifest, byte[] request, Optional<Path> artifacts) {
    public Submission {
        manifest = manifest.clone();
        request = request.clone();
    }

    public static Submission of(String source, byte[] manifest, byte[] request) {
        return new Submission(source, manifest, request, Optional.empty());
    }
}
