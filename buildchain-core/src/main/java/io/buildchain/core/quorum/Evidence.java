package io.buildchain.core.quorum;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.Json;
import io.buildchain.core.TextFiles;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.diff.Explanation;
import io.buildchain.core.hash.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of one release's vote, stored as {@code quorum/<block signature>.json} beside the original
 * layout. It keeps every submitted request byte for byte, so anyone can recount the vote offline with
 * their own list of trusted builder keys ({@link #recount}).
 *
 * @param manifest   base32 SHA-384 of the accepted manifest (the block's digest)
 * @param block      base32 signature of the block; null while the release is pending
 * @param divergence   the text lines older publishers stored instead of {@code explanations}; read, no longer written
 * @param explanations why each dissenting manifest differs from the accepted one (one per distinct manifest),
 *                     so pages render it without the artifacts; environment causes first
 * @param operators    the operator of each trusted key that has one (base32 key to name); absent when none has
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(String format, String project, String branch, int quorum, String manifest, String block,
        List<String> trusted, List<Entry> submissions, List<String> divergence, List<Explanation> explanations,
        Map<String, String> operators) {

    public static final String FORMAT = "buildchain-quorum/1";

    /**
     * One submission as it was counted.
     *
     * @param source   the builder's label in the publisher's trusted-keys file, or its key
     * @param request  the 224-byte request, hex
     * @param manifest base32 SHA-384 of the builder's manifest bytes (an object in the store)
     * @param operator who runs the key, when the trusted list says so
     * @param buildinfo the builder's signed buildinfo (its build environment), as text; outside the vote
     * @param buildinfoSignature its detached Ed25519 signature by the builder key, hex
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String source, String key, String operator, String status, String manifest, String request,
            String reason, String buildinfo, String buildinfoSignature) {

        /** The recorded buildinfo, if any, and whether its signature holds for this entry's request. */
        public Optional<BuildInfo> checkedBuildInfo() {
            if (buildinfo == null || buildinfoSignature == null || manifest == null) {
                return Optional.empty();
            }
            try {
                Optional<SignedRequest> request = decodeRequest(this);
                if (request.isEmpty()) {
                    return Optional.empty();
                }
                BuildInfo info = BuildInfo.parse(buildinfo.getBytes(StandardCharsets.UTF_8), "evidence entry " + source);
                info.verify(HexFormat.of().parseHex(buildinfoSignature), request.get().publicKey(),
                        Digest.parse(manifest, "evidence entry " + source), "evidence entry " + source);
                return Optional.of(info);
            } catch (BuildchainException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    public static Evidence of(String project, String branch, QuorumDecision decision, List<Explanation> explanations) {
        KeyList trusted = decision.trusted();
        List<Entry> entries = decision.votes().stream().map(v -> new Entry(decision.builderName(v),
                v.key() == null ? null : v.key().base32(),
                v.key() == null ? null : trusted.operator(v.key()).orElse(null), v.status().label(),
                v.digest() == null ? null : v.digest().base32(),
                HexFormat.of().formatHex(v.submission().request()), v.reason(),
                v.submission().buildinfo().map(b -> new String(b.bytes(), StandardCharsets.UTF_8)).orElse(null),
                v.submission().buildinfo().map(b -> HexFormat.of().formatHex(b.signature())).orElse(null))).toList();
        Map<String, String> operators = new LinkedHashMap<>();
        trusted.keys().forEach(k -> trusted.operator(k).ifPresent(o -> operators.put(k.base32(), o)));
        return new Evidence(FORMAT, project, branch, decision.quorum(),
                decision.accepted().map(Object::toString).orElse(null), null,
                trusted.keys().stream().map(PublicKey::base32).toList(), entries,
                null, explanations.isEmpty() ? null : List.copyOf(explanations), operators.isEmpty() ? null : operators);
    }

    public Evidence withBlock(String blockSignature) {
        return new Evidence(format, project, branch, quorum, manifest, blockSignature, trusted, submissions, divergence,
                explanations, operators);
    }

    /** The divergence as text lines, from the explanations or, in older evidence, as stored. */
    public List<String> divergenceLines() {
        return explanations != null ? Explanation.lines(explanations) : divergence != null ? divergence : List.of();
    }

    /**
     * The trusted keys and operators the publisher counted with, to recount as it did (for the pages); a key that
     * submitted is labelled as its submission was recorded.
     */
    public KeyList publisherTrust() {
        Map<String, String> recordedLabels = new HashMap<>();
        for (Entry entry : submissions) {
            if (entry.key() != null && entry.source() != null) {
                recordedLabels.putIfAbsent(entry.key(), entry.source());
            }
        }
        Map<PublicKey, String> keys = new LinkedHashMap<>();
        Map<PublicKey, String> named = new LinkedHashMap<>();
        for (String key : trusted == null ? List.<String>of() : trusted) {
            keys.put(PublicKey.parse(key, "evidence trusted key"), recordedLabels.getOrDefault(key, ""));
        }
        (operators == null ? Map.<String, String>of() : operators)
                .forEach((key, name) -> named.put(PublicKey.parse(key, "evidence operator key"), name));
        return KeyList.of(keys, named);
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
            // Strict UTF-8 first: Jackson lets some malformed bytes through as text that does not encode back.
            Evidence evidence = Json.MAPPER.readValue(TextFiles.decodeUtf8(json, source, "quorum evidence (JSON)"),
                    Evidence.class);
            if (!FORMAT.equals(evidence.format()) || evidence.submissions() == null || evidence.manifest() == null) {
                throw new FormatException(source + ": not a " + FORMAT + " evidence file");
            }
            requireComplete(evidence, source);
            return evidence;
        } catch (JsonProcessingException e) {
            // Jackson's own message spans lines (the location); ours gives it once, on the same line.
            throw new FormatException(source + ": not valid quorum evidence: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr()), e);
        } catch (IOException e) {
            throw new FormatException(source + ": not valid quorum evidence: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses evidence without a field the publisher always writes (or with a null element in a list): the
     * pages, verify and the ledger read those without asking, and evidence may come from a mirror.
     */
    private static void requireComplete(Evidence evidence, String source) {
        present(evidence.trusted() == null || !evidence.trusted().contains(null), source, "trusted", "a key");
        present(evidence.divergence() == null || !evidence.divergence().contains(null), source, "divergence", "a line");
        present(evidence.operators() == null || !evidence.operators().containsValue(null), source, "operators", "a name");
        for (int i = 0; i < evidence.submissions().size(); i++) {
            Entry entry = evidence.submissions().get(i);
            String where = "submissions[" + i + "]";
            present(entry != null, source, where, "an entry");
            present(entry.source() != null && entry.status() != null && entry.request() != null, source, where,
                    "source, status and request");
        }
        List<Explanation> explanations = evidence.explanations() == null ? List.of() : evidence.explanations();
        for (int i = 0; i < explanations.size(); i++) {
            Explanation e = explanations.get(i);
            String where = "explanations[" + i + "]";
            present(e != null && e.a() != null && e.b() != null, source, where, "an explanation of a and b");
            present(e.causes().stream().allMatch(c -> c != null && c.kind() != null && c.summary() != null), source,
                    where + ".causes", "kind and summary");
            present(e.decisive().stream().allMatch(d -> d != null && d.entry() != null && d.kind() != null), source,
                    where + ".decisive", "entry, kind and lines");
            present(e.rows().stream().allMatch(r -> r != null && r.file() != null && r.entry() != null
                    && r.aspect() != null && r.a() != null && r.b() != null), source, where + ".rows",
                    "file, entry, aspect, a and b");
        }
    }

    private static void present(boolean present, String source, String field, String expected) {
        if (!present) {
            throw new FormatException(source + ": quorum evidence field " + field + " lacks " + expected);
        }
    }

    /**
     * Recounts the vote from the recorded request bytes alone, with the caller's own trusted keys and
     * operators, by {@link Quorum#count}: the distinct trusted operators whose keys' requests verify and sign
     * {@link #manifest}. Recorded statuses are ignored; requests {@code freshness} calls stale (counted in an
     * earlier release) count zero, as they do in {@link Quorum}.
     *
     * @return who counted: operator names, or the key for a key that is its own operator
     */
    public List<String> recount(KeyList trusted, Freshness freshness) {
        return count(trusted, freshness).operatorsOf(Digest.parse(manifest, "evidence manifest"), trusted);
    }

    /** The whole recount behind {@link #recount}: every manifest's operators, for pages that show the dissent too. */
    public Quorum.Count count(KeyList trusted, Freshness freshness) {
        List<Quorum.Ballot> ballots = new ArrayList<>();
        for (Entry entry : submissions) {
            decodeRequest(entry).filter(r -> r.signatureValid() && trusted.contains(r.publicKey())
                    && freshness.staleness(r).isEmpty())
                    .ifPresent(r -> ballots.add(new Quorum.Ballot(r.publicKey(), r.digest())));
        }
        return Quorum.count(ballots, trusted);
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
