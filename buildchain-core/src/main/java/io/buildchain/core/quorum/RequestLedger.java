package io.buildchain.core.quorum;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.Remedies;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.AtomicFiles;
import io.buildchain.core.store.DirectoryLock;
import io.buildchain.core.store.Store;
import io.buildchain.core.store.TextRecords;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The newest request counted per builder key, across every project and branch of one store (or, for a client,
 * of one signer chain): a request whose counter is not above it is a replay, since every counted request is public
 * in the evidence. The publisher's copy is {@code requests/counted} beside the original layout, one line per key
 * ({@code BUILDER_KEY COUNTER TIMESTAMP}), written atomically under the store lock before a release's evidence
 * becomes public; when it is missing (a store published before it existed) it is rebuilt from the store's blocks
 * and evidence.
 */
public final class RequestLedger implements Freshness {
    private static final String LAYOUT = "BUILDER_KEY COUNTER TIMESTAMP";
    private static final int EVIDENCE_MAX = 16 << 20;
    private final Map<PublicKey, long[]> newest;
    private Remedies remedies = Remedies.COMMANDS;

    private RequestLedger(Map<PublicKey, long[]> newest) {
        this.newest = newest;
    }

    /** Names {@code remedies} in the replayed-request refusals (the command line's by default). */
    public RequestLedger advising(Remedies remedies) {
        this.remedies = remedies;
        return this;
    }

    /** A ledger that has counted nothing yet. */
    public static RequestLedger empty() {
        return new RequestLedger(new LinkedHashMap<>());
    }

    public static Path file(Store store) {
        return store.root().resolve("requests").resolve("counted");
    }

    /** The store's ledger; rebuilt from its blocks and evidence if the file does not exist yet. */
    public static RequestLedger read(Store store) throws IOException {
        Path file = file(store);
        if (!Files.exists(file)) {
            return rebuild(store);
        }
        Map<PublicKey, long[]> newest = new LinkedHashMap<>();
        try {
            for (String[] r : TextRecords.read(file, LAYOUT)) {
                newest.put(PublicKey.parse(r[0], "key"), new long[] {Long.parseUnsignedLong(r[1]),
                    Long.parseUnsignedLong(r[2])});
            }
        } catch (BuildchainException | NumberFormatException e) {
            // Named relative to the store: this message may reach a remote builder.
            throw new FormatException("the store's requests/counted is damaged (" + e.getMessage().replace(
                    file.toString(), "requests/counted") + "); remove it to have it rebuilt from the store's evidence");
        }
        return new RequestLedger(newest);
    }

    /** Every request the store made public: the ones inside blocks and the ones recorded in evidence. */
    static RequestLedger rebuild(Store store) throws IOException {
        RequestLedger ledger = empty();
        for (Path path : list(store.root().resolve("block"))) {
            if (Files.size(path) == Block.SIZE) {
                try {
                    ledger.count(Block.decode(Files.readAllBytes(path), path.toString()).request());
                } catch (BuildchainException e) {
                    // Not a block: nothing it holds was ever counted.
                }
            }
        }
        for (Path path : list(store.root().resolve("quorum"))) {
            if (path.toString().endsWith(".json") && Files.size(path) <= EVIDENCE_MAX) {
                try {
                    ledger.countAll(requestsOf(Evidence.parse(Files.readAllBytes(path), path.toString())));
                } catch (BuildchainException e) {
                    // Unreadable evidence holds no request anyone could replay from it either.
                }
            }
        }
        return ledger;
    }

    /** The well-formed requests {@code evidence} records. */
    public static List<SignedRequest> requestsOf(Evidence evidence) {
        List<SignedRequest> requests = new ArrayList<>();
        for (Evidence.Entry entry : evidence.submissions()) {
            Evidence.decodeRequest(entry).ifPresent(requests::add);
        }
        return requests;
    }

    /** Remembers each validly signed request (an invalid one proves nothing about its key). */
    public RequestLedger countAll(Collection<SignedRequest> requests) {
        requests.forEach(this::count);
        return this;
    }

    private void count(SignedRequest request) {
        if (request.signatureValid()) {
            count(new Counted(request.publicKey(), request.counter(), request.timestamp()));
        }
    }

    /**
     * The newest counted request of one builder key, as the publisher's note of counted requests lists it for a
     * release whose evidence a client may not be shown (log/KEY/counted).
     */
    public record Counted(PublicKey key, long counter, long timestamp) {
        /** {@code BUILDER_KEY:COUNTER:TIMESTAMP}, as the note of counted requests writes it. */
        public String render() {
            return key.base32() + ":" + Long.toUnsignedString(counter) + ":" + Long.toUnsignedString(timestamp);
        }

        /** One release's counted requests in any order, as a client remembers them (one digest a release). */
        public static Digest digest(Collection<Counted> counted) {
            return Digest.of(String.join(" ", counted.stream().map(Counted::render).sorted().toList())
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    /** What {@code evidence} counted: the newest validly signed request of each builder key in it. */
    public static List<Counted> countedBy(Evidence evidence) {
        return empty().countAll(requestsOf(evidence)).counted();
    }

    /** Remembers what a signed note says was counted (its requests' signatures were checked when they were). */
    public RequestLedger countListed(Collection<Counted> counted) {
        counted.forEach(this::count);
        return this;
    }

    private void count(Counted request) {
        long[] seen = newest.get(request.key());
        if (seen == null || Long.compareUnsigned(request.counter(), seen[0]) > 0) {
            newest.put(request.key(), new long[] {request.counter(), request.timestamp()});
        }
    }

    /** The newest counted request of each key, in the order the keys were first counted. */
    public List<Counted> counted() {
        List<Counted> counted = new ArrayList<>();
        newest.forEach((key, seen) -> counted.add(new Counted(key, seen[0], seen[1])));
        return counted;
    }

    /**
     * Counts {@code requests} into the store's ledger: read, add, write through a temporary file and rename, under
     * the ledger's own lock, so that no two writers lose each other's counts.
     */
    public static void update(Store store, Collection<SignedRequest> requests) throws IOException {
        AtomicFiles.directories(file(store).getParent(), AtomicFiles.PUBLIC_DIRECTORY);
        try (DirectoryLock lock = DirectoryLock.acquire(file(store).resolveSibling("lock"))) {
            read(store).countAll(requests).save(store);
        }
    }

    /** Writes the ledger; call with the store lock held. */
    public void save(Store store) throws IOException {
        List<String[]> records = new ArrayList<>();
        counted().forEach(c -> records.add(new String[] {c.key().base32(), Long.toUnsignedString(c.counter()),
                Long.toUnsignedString(c.timestamp())}));
        TextRecords.write(file(store), records, AtomicFiles.OWNER_WRITE_ALL_READ);
    }

    /** The newest counter of {@code key} counted here, 0 if none. */
    public long newestCounter(PublicKey key) {
        long[] seen = newest.get(key);
        return seen == null ? 0 : seen[0];
    }

    @Override
    public Optional<String> staleness(SignedRequest request) {
        long[] seen = newest.get(request.publicKey());
        if (seen == null || Long.compareUnsigned(request.counter(), seen[0]) > 0) {
            return Optional.empty();
        }
        return Optional.of("replayed request: counter " + Long.toUnsignedString(request.counter())
                + " of this builder key is not newer than counter " + Long.toUnsignedString(seen[0])
                + " (request time " + Long.toUnsignedString(seen[1]) + "), already counted here; a builder signs a new"
                + " request for every release (for one that lost its state: " + remedies.resumeAfter(seen[0]) + ")");
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (Files.isRegularFile(entry)) {
                        paths.add(entry);
                    }
                }
            }
        }
        return paths;
    }
}
