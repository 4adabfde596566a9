package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A buildinfo file's bytes and its detached signature, as they travel (from an agent, in an upload, into the
 * evidence). Nothing here is trusted until {@link BuildInfo#verify} has run against the submission's request.
 */
public record SignedBuildInfo(byte[] bytes, byte[] signature) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SignedBuildInfo {
        if (bytes.length > BuildInfo.MAX_BYTES) {
            throw new FormatException("buildinfo: at most " + BuildInfo.MAX_BYTES + " bytes, got " + bytes.length);
        }
        if (signature.length != SigningKey.SIGNATURE_LENGTH) {
            throw new FormatException("buildinfo signature: expected " + SigningKey.SIGNATURE_LENGTH + " bytes, got "
                    + signature.length);
        }
        bytes = bytes.clone();
        signature = signature.clone();
    }

    public static SignedBuildInfo sign(BuildInfo info, SigningKey key) {
        return new SignedBuildInfo(info.bytes(), info.sign(key));
    }

    /** Where a request's buildinfo lives: {@code REQ.buildinfo}, with its signature in {@code REQ.buildinfo.sig}. */
    public static Path besideRequest(Path request) {
        return request.resolveSibling(request.getFileName() + ".buildinfo");
    }

    private static Path signatureOf(Path buildinfo) {
        return buildinfo.resolveSibling(buildinfo.getFileName() + ".sig");
    }

    /** The buildinfo beside {@code request}, if there is one; a buildinfo without its signature is refused. */
    public static Optional<SignedBuildInfo> readBeside(Path request) throws IOException {
        Path info = besideRequest(request);
        if (!Files.exists(info)) {
            return Optional.empty();
        }
        Path signature = signatureOf(info);
        if (!Files.exists(signature)) {
            throw new FormatException(info + ": its detached signature " + signature.getFileName() + " is missing");
        }
        return Optional.of(read(info, signature));
    }

    /** Reads a buildinfo and its signature file, each within its bound. */
    public static SignedBuildInfo read(Path info, Path signature) throws IOException {
        return new SignedBuildInfo(readBounded(info, BuildInfo.MAX_BYTES), readBounded(signature,
                SigningKey.SIGNATURE_LENGTH));
    }

    /** The buildinfo at {@code file} with its signature at {@code file.sig}. */
    public static SignedBuildInfo read(Path file) throws IOException {
        return read(file, signatureOf(file));
    }

    /**
     * The buildinfo, refused unless it names {@code manifest} and is signed by the builder key it names (for a
     * reader who holds no request, such as {@code diff}; the publisher checks against the request's key).
     */
    public BuildInfo verifiedFor(Digest manifest, String where) {
        BuildInfo info = BuildInfo.parse(bytes, where);
        info.verify(signature, info.builder(), manifest, where);
        return info;
    }

    /** Writes {@code REQ.buildinfo} and {@code REQ.buildinfo.sig}, each atomically. */
    public void writeBeside(Path request) throws IOException {
        Path info = besideRequest(request);
        AtomicFiles.write(info, bytes, AtomicFiles.OWNER_WRITE_ALL_READ, true);
        AtomicFiles.write(signatureOf(info), signature, AtomicFiles.OWNER_WRITE_ALL_READ, true);
    }

    /** A file of at most {@code max} bytes, refused unread beyond that. */
    public static byte[] readBounded(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new FormatException(file + ": larger than the " + max + " bytes expected");
            }
            return bytes;
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
