package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.FormatException;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a builder signs for in-toto and SLSA beside its request: the link for the step {@code build} and its
 * provenance envelope. Both are made where the builder key lives (the build node) and travel with the request
 * as {@code REQ.link} and {@code REQ.provenance.json}; like the buildinfo, they are evidence outside the vote.
 */
public record BuilderAttestations(byte[] link, byte[] provenance) {
    /** The bound on each of the two files read from a builder. */
    public static final int MAX_BYTES = SignedMetadata.MAX_BYTES;

    public BuilderAttestations {
        link = link.clone();
        provenance = provenance.clone();
    }

    /**
     * Signs both for the release in {@code files} (the directory the manifest was made of, with its release
     * record, whose revision the link names).
     */
    public static BuilderAttestations make(Manifest manifest, Path files, SigningKey builder,
            Optional<BuildInfo> buildinfo) throws IOException {
        if (ReleaseRecord.entry(manifest).isEmpty()) {
            throw new FormatException("in-toto: the manifest has no release record, whose project, branch and revision "
                    + "the link names: make it with manifest --project --branch --release-version --revision");
        }
        ReleaseRecord record = ReleaseRecord.of(manifest, SignedBuildInfo.readBounded(files.resolve(ReleaseRecord.NAME),
                ReleaseRecord.MAX_BYTES), files.resolve(ReleaseRecord.NAME).toString());
        ObjectNode products = BuildLink.products(manifest, files::resolve);
        return new BuilderAttestations(BuildLink.sign(products, record, builder).toJson(),
                Provenance.sign(products, manifest, record, buildinfo, builder));
    }

    /** Refuses unless both are {@code builder}'s, for exactly the release's products and record. */
    public void check(PublicKey builder, ObjectNode products, ReleaseRecord record, String where) {
        BuildLink.check(SignedMetadata.parse(link, where + " link"), builder, products, record, where + " link");
        Provenance.check(provenance, builder, products, record, where + " provenance");
    }

    public static Path linkBeside(Path request) {
        return request.resolveSibling(request.getFileName() + ".link");
    }

    public static Path provenanceBeside(Path request) {
        return request.resolveSibling(request.getFileName() + ".provenance.json");
    }

    /** What a build node prints after {@link #writeBeside}. */
    public static String writtenBeside(Path request) {
        return "in-toto link -> " + linkBeside(request) + ", SLSA provenance -> " + provenanceBeside(request);
    }

    public void writeBeside(Path request) throws IOException {
        AtomicFiles.write(linkBeside(request), link, AtomicFiles.OWNER_WRITE_ALL_READ, true);
        AtomicFiles.write(provenanceBeside(request), provenance, AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }

    /** The pair beside {@code request}, if there is one; one without the other is refused. */
    public static Optional<BuilderAttestations> readBeside(Path request) throws IOException {
        Path link = linkBeside(request);
        Path provenance = provenanceBeside(request);
        if (!Files.exists(link) && !Files.exists(provenance)) {
            return Optional.empty();
        }
        if (!Files.exists(link) || !Files.exists(provenance)) {
            throw new FormatException(request + ": " + link.getFileName() + " and " + provenance.getFileName()
                    + " go together (both from 'request --in-toto')");
        }
        return Optional.of(new BuilderAttestations(SignedBuildInfo.readBounded(link, MAX_BYTES),
                SignedBuildInfo.readBounded(provenance, MAX_BYTES)));
    }
}
