package io.buildchain.core.quorum;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.hash.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The record of one release's vote, stored as {@code quorum/<block signature>.json} beside the original
 * layout. It keeps every submitted request byte for byte, so anyone can recount the vote offline with
 * their own list of trusted builder keys ({@link #recount}).
 *
 * @param manifest   base32 SHA-384 of the accepted manifest (the block's digest)
 * @param block      base32 signature of the block; null while the release is pending
 * @param divergence   the text lines older publishers stored instead of {@code explanations}; read, no longer written
 * @param explanations why each dissenting manifest differs from the accepted one (one per distinct manifest),
 *                     so pages render it without the artifacts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(String format, String project, String branch, int quorum, String manifest, String block,
        List<String> trusted, List<Entry> submissions, List<String> divergence, List<Explanation> explanations) {

    public static final String FORMAT = "buildchain-quorum/1";

    /**
     * One submission as it was counted.
     *
     * @param source   the builder's label in the publisher's trusted-keys file, or its key
     *
     * @param request  the 224-byte request, hex
     * @param manifest base32 SHA-384 of the builder's manifest bytes (an object in the store)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String source, String key, String status, String manifest, String request, String reason) {
    }

    public static Evidence of(String project, String branch, QuorumDecision decision, List<Explanation> explanations) {
        List<Entry> entries = decision.votes().stream().map(v -> new Entry(decision.builderName(v),
                v.key() == null ? null : v.key().base32(), v.status().label(),
                v.digest() == null ? null : v.digest().base32(),
                HexFormat.of().formatHex(v.submission().request()), v.reason())).toList();
        return new Evidence(FORMAT, project, branch, decision.quorum(),
                decision.accepted().map(Object::toString).orElse(null), null,
                decision.trusted().keys().stream().map(PublicKey::base32).toList(), entries,
                null, explanations.isEmpty() ? null : List.copyOf(explanations));
    }

    public Evidence withBlock(String blockSignature) {
        return new Evidence(format, project, branch, quorum, manifest, blockSignature, trusted, submissions, divergence,
                explanations);
    }

    /** The divergence as text lines, from the explanations or, in older evidence, as stored. */
    public List<String> divergenceLines() {
        return explanations != null ? Explanation.lines(explanations) : divergence != null ? divergence : List.of();
    }

    public byte[] toJson() {
        try {
            return (Json.MAPPER.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Evidence parse(byte[] json, String source) {
        try {
            Evidence evidence = Json.MAPPER.readValue(json, Evidence.class);
            if (!FORMAT.equals(evidence.format()) || evidence.submissions() == null || evidence.manifest() == null) {
                throw new FormatException(source + ": not a " + FORMAT + " evidence file");
            }
            return evidence;
        } catch (IOException e) {
            throw new FormatException(source + ": not valid quorum evidence: " + e.getMessage(), e);
        }
    }

    /**
     * Recounts the vote from the recorded request bytes alone, with the caller's own trusted keys: the
     * distinct trusted keys whose requests verify and sign {@link #manifest}, leaving out any key that
     * also signed a different manifest. Recorded statuses are ignored; requests {@code freshness} calls stale
     * (counted in an earlier release) count zero, as they do in {@link Quorum}.
     */
    public int recount(KeyList trusted, Freshness freshness) {
        Map<PublicKey, Set<Digest>> signed = new HashMap<>();
        for (Entry entry : submissions) {
            decodeRequest(entry).filter(r -> r.signatureValid() && trusted.contains(r.publicKey())
                    && freshness.staleness(r).isEmpty())
                    .ifPresent(r -> signed.computeIfAbsent(r.publicKey(), k -> new HashSet<>()).add(r.digest()));
        }
        return (int) signed.values().stream()
                .filter(digests -> digests.size() == 1 && digests.iterator().next().base32().equals(manifest))
                .count();
    }

    /** The recorded request of {@code entry}, if it is a well-formed 224-byte request. */
    public static Optional<SignedRequest> decodeRequest(Entry entry) {
        try {
            byte[] raw = HexFormat.of().parseHex(entry.request());
            return Optional.of(SignedRequest.decode(raw, "evidence entry " + entry.source()));
        } catch (IllegalArgumentException | NullPointerException | FormatException e) {
            return Optional.empty();
        }
    }
}
