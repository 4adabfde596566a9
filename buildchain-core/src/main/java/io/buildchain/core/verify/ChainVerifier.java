package io.buildchain.core.verify;

import io.buildchain.core.FormatException;
import io.buildchain.core.VerificationException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.Genesis;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.encoding.Base32;
import io.buildchain.core.hash.Digest;
import io.buildchain.core.hash.FileHasher;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.quorum.Evidence;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An end user's offline check of a published store against a pinned signer key: tail → block → manifest
 * → file objects, the embedded builder request, the previous links back to the signer's genesis with
 * continuous counters, optionally the recorded quorum and the client's last-seen tail.
 */
public final class ChainVerifier {
    private static final int MANIFEST_MAX = 64 << 20;
    private static final int EVIDENCE_MAX = 16 << 20;
    private final StoreReader store;
    private final PublicKey pinned;

    public ChainVerifier(StoreReader store, PublicKey pinned) {
        this.store = store;
        this.pinned = pinned;
    }

    /** A release whose block and manifest have been verified. */
    public record Release(String project, String branch, Block block, Manifest manifest) {
    }

    /** What a full verification checked. */
    public record Report(Release release, int chainLength, int filesChecked, String quorum) {
        public String summary() {
            Block block = release.block();
            StringBuilder out = new StringBuilder();
            out.append("verified ").append(release.project()).append('/').append(release.branch())
                    .append(": block ").append(block.signatureBase32(), 0, 16).append("… counter ")
                    .append(Long.toUnsignedString(block.counter())).append(", signer ").append(block.publicKey())
                    .append('\n');
            out.append("  manifest ").append(block.digest()).append(" (").append(release.manifest().files().size())
                    .append(" files, source time ").append(Long.toUnsignedString(release.manifest().time())).append(")\n");
            out.append("  builder request by ").append(block.request().publicKey()).append(", counter ")
                    .append(Long.toUnsignedString(block.request().counter())).append('\n');
            out.append("  chain: ").append(chainLength).append(" block(s) back to the signer's genesis, counters continuous\n");
            out.append("  files: ").append(filesChecked).append(" checked against their sha384\n");
            if (quorum != null) {
                out.append("  quorum: ").append(quorum).append('\n');
            }
            return out.toString();
        }
    }

    /** Options of a full verification. */
    public record Options(boolean checkFiles, KeyList trusted, int quorum, LastSeen lastSeen) {
        public static Options defaults() {
            return new Options(true, null, 0, null);
        }
    }

    /** Tail → block (pinned key, both signatures) → manifest object (digest) → parsed manifest. */
    public Release release(String project, String branch) throws IOException {
        Store.checkName(project, "project");
        Store.checkName(branch, "branch");
        String tailPath = "tail/" + project + "/" + branch;
        byte[] tail;
        try {
            tail = store.read(tailPath, Block.SIZE);
        } catch (NoSuchFileException e) {
            throw new VerificationException("no tail " + tailPath + " at " + store.describe(tailPath)
                    + ": nothing published for project '" + project + "', branch '" + branch + "'");
        }
        Block block = checkBlock(tail, store.describe(tailPath));
        String manifestPath = "object/" + block.digest().base32();
        byte[] manifestBytes = readVerified(manifestPath, block.digest(), MANIFEST_MAX);
        return new Release(project, branch, block, Manifest.parse(manifestBytes, store.describe(manifestPath)));
    }

    /** Everything: release, chain history, files, and what {@code options} asks for. */
    public Report verify(String project, String branch, Options options) throws IOException {
        Release release = release(project, branch);
        Set<String> ancestors = walkChain(release.block());
        int files = 0;
        if (options.checkFiles()) {
            for (Map.Entry<String, Digest> file : release.manifest().files().entrySet()) {
                copyObject(file.getValue(), OutputStream.nullOutputStream(), "file \"" + file.getKey() + "\"");
                files++;
            }
        }
        String quorum = options.trusted() == null ? null
                : checkQuorum(release.block(), options.trusted(), options.quorum());
        if (options.lastSeen() != null) {
            options.lastSeen().check(project, branch, release.block(), ancestors);
            options.lastSeen().record(project, branch, release.block());
        }
        return new Report(release, ancestors.size() + 1, files, quorum);
    }

    /**
     * Walks {@code previous} links from {@code tail} back to the genesis: each earlier block must be in
     * the store, signed by the pinned key, and numbered exactly one less.
     *
     * @return base32 signatures of the blocks before {@code tail}
     */
    public Set<String> walkChain(Block tail) throws IOException {
        Set<String> ancestors = new LinkedHashSet<>();
        Block current = tail;
        while (current.counter() > 1) {
            String name = Base32.encode(current.previous());
            String path = "block/" + name;
            byte[] bytes;
            try {
                bytes = store.read(path, Block.SIZE);
            } catch (NoSuchFileException e) {
                throw new VerificationException("chain broken: block counter " + Long.toUnsignedString(current.counter())
                        + " links to previous block " + name + ", which is not in the store (" + store.describe(path) + ")");
            }
            Block previous = checkBlock(bytes, store.describe(path));
            if (!previous.signatureBase32().equals(name)) {
                throw new VerificationException(store.describe(path) + ": holds block " + previous.signatureBase32()
                        + ", not the block its name says");
            }
            if (previous.counter() != current.counter() - 1) {
                throw new VerificationException("chain broken: block counter " + Long.toUnsignedString(current.counter())
                        + " links to a block with counter " + Long.toUnsignedString(previous.counter())
                        + " (expected " + Long.toUnsignedString(current.counter() - 1) + ")");
            }
            ancestors.add(name);
            current = previous;
        }
        Genesis.of(current.publicKey(), current.previous()).verify("genesis of signer " + current.publicKey());
        return ancestors;
    }

    /** Re-counts the release's recorded vote with the caller's trusted keys. */
    public String checkQuorum(Block block, KeyList trusted, int quorum) throws IOException {
        String path = "quorum/" + block.signatureBase32() + ".json";
        byte[] json;
        try {
            json = store.read(path, EVIDENCE_MAX);
        } catch (NoSuchFileException e) {
            throw new VerificationException("no quorum evidence for block " + block.signatureBase32()
                    + " (" + store.describe(path) + ")");
        }
        Evidence evidence = Evidence.parse(json, store.describe(path));
        if (!block.digest().base32().equals(evidence.manifest())) {
            throw new VerificationException(store.describe(path) + ": evidence is for manifest " + evidence.manifest()
                    + ", but the block signs " + block.digest());
        }
        boolean carried = evidence.submissions().stream().map(Evidence::decodeRequest)
                .anyMatch(r -> r.isPresent() && block.carries(r.get()));
        if (!carried) {
            throw new VerificationException(store.describe(path) + ": the request inside the block is not among the "
                    + "recorded submissions");
        }
        int count = evidence.recount(trusted);
        if (count < quorum) {
            throw new VerificationException("quorum not met: " + count + " of your trusted builders signed manifest "
                    + block.digest() + ", " + quorum + " required");
        }
        return count + " of your " + trusted.size() + " trusted builders signed this manifest (required " + quorum + ")";
    }

    /** Streams {@code object/DIGEST} into {@code out}, failing if it does not hash to {@code digest}. */
    public void copyObject(Digest digest, OutputStream out, String what) throws IOException {
        String path = "object/" + digest.base32();
        Digest actual;
        try (InputStream in = store.open(path)) {
            actual = FileHasher.copy(in, out);
        } catch (NoSuchFileException e) {
            throw new VerificationException(what + ": object " + digest + " is missing (" + store.describe(path) + ")");
        }
        if (!actual.equals(digest)) {
            throw new VerificationException(what + ": sha384 mismatch: " + store.describe(path) + " hashes to " + actual);
        }
    }

    private byte[] readVerified(String path, Digest digest, int max) throws IOException {
        byte[] bytes;
        try {
            bytes = store.read(path, max);
        } catch (NoSuchFileException e) {
            throw new VerificationException("object " + digest + " is missing (" + store.describe(path) + ")");
        }
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) {
            throw new VerificationException("sha384 mismatch: " + store.describe(path) + " hashes to " + actual);
        }
        return bytes;
    }

    private Block checkBlock(byte[] bytes, String where) {
        if (bytes.length != Block.SIZE) {
            throw new FormatException(where + ": a block is 400 bytes, got " + bytes.length
                    + (bytes.length < Block.SIZE ? " (truncated)" : ""));
        }
        Block block = Block.decode(bytes, where);
        if (!block.publicKey().equals(pinned)) {
            throw new VerificationException("public key mismatch: remote " + block.publicKey() + " is not expected "
                    + pinned + " (" + where + ")");
        }
        block.verifySignature(where);
        block.request().verifySignature("builder request inside " + where);
        return block;
    }
}
