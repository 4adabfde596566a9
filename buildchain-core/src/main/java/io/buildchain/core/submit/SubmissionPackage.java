package io.buildchain.core.submit;

import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.manifest.Manifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * What a remote build node uploads: one uncompressed tar of manifest.json, request.bin and artifacts/NAME, and
 * optionally the builder's signed buildinfo (buildinfo.txt with its detached signature buildinfo.sig) and its
 * in-toto link and SLSA provenance (in-toto.link with provenance.json; docs/in-toto.md).
 */
public final class SubmissionPackage {
    public static final String MANIFEST = "manifest.json";
    public static final String REQUEST = "request.bin";
    public static final String ARTIFACTS = "artifacts/";
    public static final String BUILDINFO = "buildinfo.txt";
    public static final String BUILDINFO_SIGNATURE = "buildinfo.sig";
    public static final String IN_TOTO_LINK = "in-toto.link";
    public static final String IN_TOTO_PROVENANCE = "provenance.json";

    private SubmissionPackage() {
    }

    public static void write(OutputStream out, byte[] manifestBytes, Manifest manifest, byte[] request, Path artifacts)
            throws IOException {
        write(out, manifestBytes, manifest, request, Optional.empty(), artifacts);
    }

    public static void write(OutputStream out, byte[] manifestBytes, Manifest manifest, byte[] request,
            Optional<SignedBuildInfo> buildinfo, Path artifacts) throws IOException {
        write(out, manifestBytes, manifest, request, buildinfo, Optional.empty(), artifacts);
    }

    public static void write(OutputStream out, byte[] manifestBytes, Manifest manifest, byte[] request,
            Optional<SignedBuildInfo> buildinfo, Optional<BuilderAttestations> attestations, Path artifacts)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        add(tar, MANIFEST, manifestBytes);
        add(tar, REQUEST, request);
        if (buildinfo.isPresent()) {
            add(tar, BUILDINFO, buildinfo.get().bytes());
            add(tar, BUILDINFO_SIGNATURE, buildinfo.get().signature());
        }
        if (attestations.isPresent()) {
            add(tar, IN_TOTO_LINK, attestations.get().link());
            add(tar, IN_TOTO_PROVENANCE, attestations.get().provenance());
        }
        for (String name : manifest.files().keySet()) {
            Path file = artifacts.resolve(name);
            TarArchiveEntry entry = new TarArchiveEntry(ARTIFACTS + name);
            entry.setSize(Files.size(file));
            tar.putArchiveEntry(entry);
            Files.copy(file, tar);
            tar.closeArchiveEntry();
        }
        tar.finish();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
