package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.log.Checkpoint;
import io.buildchain.core.log.TreeHash;
import io.buildchain.core.root.KeyHistory;
import io.buildchain.core.root.TrustRefusal;
import io.buildchain.core.root.TrustRefusal.Cause;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one client trusts of one store, and the only way to change it: each rule below is checked against what
 * was seen before and refuses with its own {@link Cause}; what passed is kept by {@link #commit()} (modelled on
 * python-tuf's ngclient {@code TrustedMetadataSet}). See docs/client-state.md for the attack each rule stops.
 */
public final class TrustedSet {
    /** A tail seen before: its block, and what its release said of itself ({@code version} "-" without a record). */
    public record Tail(long counter, String block, String version, long sourceTime) {
    }

    /** A log checkpoint seen before: its tree head and the time its signing block carries. */
    public record TreeHead(long size, byte[] root, long signedTime) {
    }

    private final ClientState file;
    private final String store;
    private final Set<String> statements = new LinkedHashSet<>();
    private final Map<String, TreeHead> checkpoints = new HashMap<>();
    /** By "SIGNER PROJECT BRANCH". */
    private final Map<String, Tail> tails = new LinkedHashMap<>();
    /** By signer key, then release block: the evidence digest its note bound. */
    private final Map<String, Map<String, String>> evidence = new HashMap<>();
    /** By signer key, then release block: the digest of the requests its evidence counted, as last recounted. */
    private final Map<String, Map<String, String>> counted = new HashMap<>();
    private final List<String[]> accepted = new ArrayList<>();

    TrustedSet(ClientState file, String store, Map<String, List<String[]>> entries) {
        this.file = file;
        this.store = store;
        String where = file.file() + " (store " + store + ")";
        try {
            for (String[] e : entries.getOrDefault("statement", List.of())) {
                statements.add(Digest.parse(e[0], where).base32());
            }
            for (String[] e : entries.getOrDefault("checkpoint", List.of())) {
                byte[] root = HexFormat.of().parseHex(e[2]);
                if (root.length != TreeHash.SIZE) {
                    throw new IllegalArgumentException("root");
                }
                checkpoints.put(e[0], new TreeHead(Long.parseLong(e[1]), root, Long.parseUnsignedLong(e[3])));
            }
            for (String[] e : entries.getOrDefault("tail", List.of())) {
                tails.put(e[0] + " " + e[1] + " " + e[2], new Tail(Long.parseUnsignedLong(e[3]), e[4], e[5],
                        Long.parseUnsignedLong(e[6])));
            }
            for (String[] e : entries.getOrDefault("evidence", List.of())) {
                evidence.computeIfAbsent(e[0], k -> new HashMap<>()).put(e[1], Digest.parse(e[2], where).base32());
            }
            for (String[] e : entries.getOrDefault("counted", List.of())) {
                counted.computeIfAbsent(e[0], k -> new HashMap<>()).put(e[1], Digest.parse(e[2], where).base32());
            }
        } catch (IllegalArgumentException e) {
            throw new FormatException(where + ": an entry is not what this version wrote (" + e.getMessage()
                    + "); remove the file to forget what it remembers");
        }
    }

    /** Where this memory lives, for messages. */
    public String where() {
        return "(" + file.file() + ")";
    }

    /**
     * Rule 1: every root statement seen before is still shown. A mirror that drops a revocation (and shows another
     * certificate, so the count stays) would otherwise bring a revoked key back.
     */
    public void checkStatements(KeyHistory keys) {
        Set<String> shown = new LinkedHashSet<>();
        keys.statementDigests().forEach(d -> shown.add(d.base32()));
        for (String seen : statements) {
            if (!shown.contains(seen)) {
                throw new TrustRefusal(Cause.STATEMENT_WITHHELD, "the store shows " + shown.size()
                        + " root statement(s) but not statement " + seen.substring(0, 16) + "… seen before among "
                        + statements.size() + ": a certificate or revocation was taken away " + where());
            }
        }
        shown.forEach(d -> accepted.add(new String[] {"statement", d}));
    }

    /**
     * Under a root: a tail of this branch by an older key than one seen before is a rollback; moving forward onto
     * a newly certified key is not.
     */
    public void checkKeys(String project, String branch, KeyHistory.Era tailKey, KeyHistory keys) {
        for (KeyHistory.Era newer : keys.eras().subList(tailKey.number(), keys.eras().size())) {
            if (tails.containsKey(newer.key().base32() + " " + project + " " + branch)) {
                throw new TrustRefusal(Cause.ROLLBACK, "tail " + project + "/" + branch + " is signed by key #"
                        + tailKey.number() + " " + tailKey.key() + ", but a tail by the newer key #" + newer.number() + " "
                        + newer.key() + " was seen before " + where());
            }
        }
    }

    /** The tail of {@code project}/{@code branch} in {@code signer}'s chain seen before, if any. */
    public Optional<Tail> tail(PublicKey signer, String project, String branch) {
        return Optional.ofNullable(tails.get(signer.base32() + " " + project + " " + branch));
    }

    /** Every block of {@code signer}'s chain seen before as a tail of any branch, by counter. */
    public Map<Long, String> seenBlocks(PublicKey signer) {
        Map<Long, String> blocks = new HashMap<>();
        tails.forEach((key, tail) -> {
            if (key.startsWith(signer.base32() + " ")) {
                blocks.put(tail.counter(), tail.block());
            }
        });
        return blocks;
    }

    /** The newest checkpoint of {@code signer}'s log seen before. */
    public Optional<TreeHead> checkpoint(PublicKey signer) {
        return Optional.ofNullable(checkpoints.get(signer.base32()));
    }

    /** Rule 2: a log once shown is required; {@code where} is the path the store no longer serves. */
    public void requireNoLogSeen(PublicKey signer, String where) {
        TreeHead seen = checkpoints.get(signer.base32());
        if (seen != null) {
            throw new TrustRefusal(Cause.LOG_WITHHELD, "the store shows no log of signer " + signer + " (" + where
                    + "), but a checkpoint of " + seen.size() + " blocks was seen before " + where());
        }
    }

    /** Keeps {@code checkpoint} (already checked consistent with the one seen before). */
    public void acceptCheckpoint(Checkpoint checkpoint) {
        accepted.add(new String[] {"checkpoint", checkpoint.block().publicKey().base32(), Long.toString(checkpoint.size()),
            HexFormat.of().formatHex(checkpoint.root()), Long.toUnsignedString(checkpoint.block().timestamp())});
    }

    /**
     * Rule 3: the newest release of a branch never goes back in version or source time against the one seen as
     * newest before, unless the user named the release they want.
     */
    public void checkNewest(String project, String branch, Block tail, String version, long sourceTime) {
        for (Map.Entry<String, Tail> e : tails.entrySet()) {
            Tail seen = e.getValue();
            if (!e.getKey().endsWith(" " + project + " " + branch) || seen.block().equals(tail.signatureBase32())) {
                continue;
            }
            boolean olderTime = Long.compareUnsigned(sourceTime, seen.sourceTime()) < 0;
            boolean lowerVersion = !version.equals("-") && !seen.version().equals("-")
                    && compareVersions(version, seen.version()) < 0;
            if (olderTime || lowerVersion) {
                throw new TrustRefusal(Cause.OLDER_RELEASE, "the newest release of " + project + "/" + branch + " is "
                        + describe(version, sourceTime) + ", but " + describe(seen.version(), seen.sourceTime())
                        + " was its newest before " + where() + "; to take an older release on purpose, name it with "
                        + (version.equals("-") ? "--block " + tail.signatureBase32() : "--release " + version));
            }
        }
    }

    /** Natural order of versions: runs of digits by value, other runs as text ("1.10" after "1.9"). */
    static int compareVersions(String a, String b) {
        String[] x = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        String[] y = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean digits = Character.isDigit(x[i].charAt(0)) && Character.isDigit(y[i].charAt(0));
            int c = digits ? new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i])) : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static String describe(String version, long sourceTime) {
        return (version.equals("-") ? "a release without a version" : "version " + version) + " (source time "
                + Long.toUnsignedString(sourceTime) + ")";
    }

    /** Keeps {@code tail} as the branch's newest in its signer's chain. */
    public void acceptTail(String project, String branch, Block tail, String version, long sourceTime) {
        accepted.add(new String[] {"tail", tail.publicKey().base32(), project, branch, Long.toUnsignedString(tail.counter()),
            tail.signatureBase32(), version, Long.toUnsignedString(sourceTime)});
    }

    /**
     * Rule 4: freshness. Refuses when {@code newest} (the newest signed time the store shows) is older than
     * {@code maxAge}; returns "signed N ago" for the summary otherwise.
     */
    public static String checkFresh(long newest, Optional<Duration> maxAge, Instant now, String what) {
        Duration age = Duration.between(Instant.ofEpochSecond(newest), now);
        String said = what + " signed " + Durations.describe(age) + " ago (" + Instant.ofEpochSecond(newest) + ")";
        if (maxAge.isPresent() && age.compareTo(maxAge.get()) > 0) {
            throw new TrustRefusal(Cause.FREEZE, "the store's " + said + ", older than --max-age "
                    + Durations.describe(maxAge.get()) + ": the mirror may be withholding newer releases or revocations");
        }
        return said;
    }

    /**
     * Rule 5: the evidence an evidence note of {@code signer}'s log bound to a release stays bound, with the same
     * digest: a store that drops the note, or shows one without a release's evidence, would let that evidence be
     * taken away unnoticed.
     */
    public void checkEvidence(PublicKey signer, Map<String, Digest> bound, String where) {
        Map<String, String> mine = evidence.getOrDefault(signer.base32(), Map.of());
        for (Map.Entry<String, String> seen : mine.entrySet()) {
            Digest now = bound.get(seen.getKey());
            if (now == null || !now.base32().equals(seen.getValue())) {
                throw new TrustRefusal(Cause.EVIDENCE_WITHHELD, "the publisher's evidence note (" + where + ") "
                        + (now == null ? "no longer binds" : "binds other") + " evidence of release block "
                        + seen.getKey().substring(0, 16) + "… than seen before " + where());
            }
        }
        bound.forEach((block, digest) -> {
            if (!mine.containsKey(block)) {
                accepted.add(new String[] {"evidence", signer.base32(), block, digest.base32()});
            }
        });
    }

    /**
     * Rule 5, for what a bound release's evidence counted ({@code requests}, a {@code RequestLedger.Counted#digest}):
     * once seen in the publisher's note of counted requests, or recounted from the release's evidence, it stays the
     * same. Otherwise the publisher's key could sign a list that forgets a hidden release's requests, and
     * requests held back before them would count again.
     */
    public void checkCounted(PublicKey signer, String block, Digest requests, String where) {
        String seen = counted.getOrDefault(signer.base32(), Map.of()).get(block);
        if (seen == null) {
            accepted.add(new String[] {"counted", signer.base32(), block, requests.base32()});
        } else if (!seen.equals(requests.base32())) {
            throw new TrustRefusal(Cause.EVIDENCE_WITHHELD, where + " says release block " + block.substring(0, 16)
                    + "… counted other requests than seen before " + where());
        }
    }

    /** Writes what was accepted since this set was read, merged with what other clients wrote meanwhile. */
    public void commit() throws IOException {
        file.merge(store, accepted);
        accepted.clear();
    }
}
