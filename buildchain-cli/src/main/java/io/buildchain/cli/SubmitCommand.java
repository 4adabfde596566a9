package io.buildchain.cli;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.hash.FileHasher;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Submission;
import io.buildchain.core.store.Store;
import io.buildchain.core.submit.SubmissionPackage;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"As a remote build node, send your manifest, signed request and artifacts to a publisher running "
                + "'buildchain serve --accept-submissions'. Everything is checked here first; the publisher checks "
                + "again, and accepts only requests signed by a builder key it trusts.",
            "Publishing still needs the quorum: the publisher runs 'buildchain publish --from-submissions'."})
final class SubmitCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "URL", description = "The publisher's base URL.")
    URI url;

    @Mixin
    ChainOptions chain;

    @Option(names = "--manifest", required = true, paramLabel = "MANIFEST",
            description = "Your manifest, as 'buildchain manifest' wrote it.")
    Path manifest;

    @Option(names = "--request", required = true, paramLabel = "REQ",
            description = "Your signed request for that manifest, as 'buildchain request' wrote it; a buildinfo "
                    + "beside it (REQ.buildinfo and .sig) is sent too.")
    Path request;

    @Option(names = "--artifacts", required = true, paramLabel = "DIR", description = "The build's output directory.")
    Path artifacts;

    @Override
    public Integer call() throws Exception {
        Store.checkName(chain.project, "project");
        Store.checkName(chain.branch, "branch");
        byte[] manifestBytes = Files.readAllBytes(manifest);
        Manifest parsed = Manifest.parseCanonical(manifestBytes, manifest.toString());
        SignedRequest signed = SignedRequest.decode(Files.readAllBytes(request), request.toString());
        signed.verifySignature(request.toString());
        if (!signed.digest().equals(parsed.digest())) {
            throw new FormatException(request + ": signs manifest " + signed.digest() + ", not " + manifest);
        }
        for (Map.Entry<String, io.buildchain.core.hash.Digest> file : parsed.files().entrySet()) {
            if (!FileHasher.hash(artifacts.resolve(file.getKey())).equals(file.getValue())) {
                throw new FormatException(artifacts.resolve(file.getKey()) + ": does not match the manifest");
            }
        }
        Optional<SignedBuildInfo> buildinfo = SignedBuildInfo.readBeside(request);
        // Checked here as the publisher will: signed by this request's key, for this manifest.
        new Submission(request.toString(), manifestBytes, signed.bytes(), Optional.empty(), buildinfo).checkedBuildInfo();
        Path upload = Files.createTempFile("buildchain-submit", ".tar");
        try {
            try (OutputStream out = Files.newOutputStream(upload)) {
                SubmissionPackage.write(out, manifestBytes, parsed, signed.bytes(), buildinfo,
                        BuilderAttestations.readBeside(request), artifacts);
            }
            String base = url.toString().endsWith("/") ? url.toString() : url + "/";
            URI target = URI.create(base + "submit/" + chain.project + "/" + chain.branch);
            UploadClient.Answer response;
            try {
                response = UploadClient.post(target, "application/x-tar", upload);
            } catch (java.net.ConnectException e) {
                throw new BuildchainException(e.getMessage()
                        + " (is 'buildchain serve --accept-submissions' running there?)");
            }
            String answer = response.body().strip();
            if (response.status() / 100 != 2) {
                throw new BuildchainException(target + " refused the submission (HTTP " + response.status() + "): "
                        + answer);
            }
            System.out.println(answer);
        } finally {
            Files.deleteIfExists(upload);
        }
        return 0;
    }
}
