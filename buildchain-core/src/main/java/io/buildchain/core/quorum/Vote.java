package io.buildchain.core.quorum;

import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.manifest.Manifest;

/**
 * How one submission counted. Only {@link Status#AGREE} counts toward the quorum.
 *
 * @param key     the builder key, or null if the request could not be read
 * @param digest  SHA-384 of the submitted manifest bytes
 * @param manifest the parsed manifest, or null if it was invalid
 * @param request the decoded request, or null if it could not be read
 */
public record Vote(Submission submission, Status status, PublicKey key, Digest digest, Manifest manifest,
        SignedRequest request, String reason) {

    public enum Status {
        /** A trusted builder's valid request for the accepted manifest. */
        AGREE,
        /** A trusted builder's valid request for another manifest. */
        DISSENT,
        /** A trusted builder whose vote did not decide anything because no manifest reached the quorum. */
        NO_QUORUM,
        /** A valid request from a key that is not trusted: recorded, counts zero. */
        UNTRUSTED,
        /** A request not newer than one already counted for its key (public evidence replayed): counts zero. */
        REPLAYED,
        /** The same key again for the same manifest: counts once. */
        DUPLICATE_KEY,
        /** Another key of an operator already counted for this manifest: an operator counts once. */
        SAME_OPERATOR,
        /** One key signed different manifests for this release: none of its votes count. */
        EQUIVOCATION,
        /** The request does not verify, or signs another digest than this manifest's. */
        BAD_REQUEST,
        /** The manifest is malformed or not canonical. */
        INVALID_MANIFEST;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    Vote withStatus(Status newStatus, String newReason) {
        return new Vote(submission, newStatus, key, digest, manifest, request, newReason);
    }
}
