package io.buildchain.core.quorum;

import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.hash.Digest;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What one build node hands the publisher: its manifest bytes and its signed request for them, plus,
 * optionally, where its artifacts are (to explain a divergence down to archive entries) and its signed
 * buildinfo (the environment it built in; outside the vote).
 *
 * @param source a name for reports, e.g. the manifest's path or the Jenkins branch name
 */
public record Submission(String source, byte[] manifest, byte[] request, Optional<Path> artifacts,
        Optional<SignedBuildInfo> buildinfo) {
    public Submission {
        manifest = manifest.clone();
        request = request.clone();
    }

    public Submission(String source, byte[] manifest, byte[] request, Optional<Path> artifacts) {
        this(source, manifest, request, artifacts, Optional.empty());
    }

    public static Submission of(String source, byte[] manifest, byte[] request) {
        return new Submission(source, manifest, request, Optional.empty());
    }

    public Submission withBuildInfo(SignedBuildInfo signed) {
        return new Submission(source, manifest, request, artifacts, Optional.of(signed));
    }

    /**
     * The buildinfo, refused unless it is signed by this submission's builder key and names this manifest.
     * Only called for a submission whose request is well formed.
     */
    public Optional<BuildInfo> checkedBuildInfo() {
        if (buildinfo.isEmpty()) {
            return Optional.empty();
        }
        SignedRequest signedRequest = SignedRequest.decode(request, source + " request");
        BuildInfo info = BuildInfo.parse(buildinfo.get().bytes(), source + " buildinfo");
        info.verify(buildinfo.get().signature(), signedRequest.publicKey(), Digest.of(manifest), source);
        return Optional.of(info);
    }
}
