package io.buildchain.core.build;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.SigningKey;
import java.io.Serializable;

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

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
