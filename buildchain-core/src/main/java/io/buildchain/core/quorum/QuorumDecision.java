package io.buildchain.core.quorum;

import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.hash.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of comparing submissions: the manifest that at least {@code quorum} distinct trusted
 * builders signed, if there is exactly one, and how every submission counted.
 *
 * @param tally distinct counting trusted operators per manifest digest, most votes first
 */
public record QuorumDecision(int quorum, KeyList trusted, Optional<Digest> accepted, List<Vote> votes,
        Map<Digest, Integer> tally, String summary) {

    public boolean met() {
        return accepted.isPresent();
    }

    public List<Vote> agreeing() {
        return votes.stream().filter(v -> v.status() == Vote.Status.AGREE).toList();
    }

    public List<Vote> dissenting() {
        return votes.stream().filter(v -> v.status() == Vote.Status.DISSENT || v.status() == Vote.Status.NO_QUORUM)
                .toList();
    }

    /**
     * How evidence, logs and pages name the builder behind {@code vote}: its label in the trusted-keys file, else
     * its key; never where the publisher found its files.
     */
    public String builderName(Vote vote) {
        if (vote.key() == null) {
            return "unreadable request";
        }
        return trusted.label(vote.key()).orElse(vote.key().base32());
    }

    /** One line per submission, for logs and the failure message. */
    public String report() {
        StringBuilder out = new StringBuilder(summary).append('\n');
        for (Vote vote : votes) {
            out.append("  ").append(String.format("%-16s", vote.status().label()))
                    .append(vote.key() == null ? "(unreadable request)" : trusted.describe(vote.key()));
            if (vote.key() != null && trusted.operator(vote.key()).isPresent()) {
                out.append("  ").append(trusted.describeOperator(vote.key()));
            }
            if (vote.digest() != null) {
                out.append("  manifest ").append(vote.digest().base32(), 0, 16).append('…');
            }
            if (vote.reason() != null) {
                out.append("  ").append(vote.reason());
            }
            out.append('\n');
        }
        return out.toString();
    }
}
