package io.buildchain.core.log;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree heads, inclusion and consistency proofs. Proofs are built from the
 * complete subtrees a {@link HashSource} gives; checking them needs only the proof, the leaf and the roots.
 */
public final class MerkleProofs {
    private MerkleProofs() {
    }

    /** The tree head of the first {@code size} leaves. */
    public static byte[] root(long size, HashSource source) throws IOException {
        return size == 0 ? TreeHash.empty() : range(0, size, source);
    }

    /** PATH(index, D[0:size]) of RFC 6962 section 2.1.1. */
    public static List<byte[]> inclusion(long index, long size, HashSource source) throws IOException {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        List<byte[]> proof = new ArrayList<>();
        path(index, 0, size, source, proof);
        return proof;
    }

    /** PROOF(older, D[0:size]) of RFC 6962 section 2.1.2. */
    public static List<byte[]> consistency(long older, long size, HashSource source) throws IOException {
        if (older <= 0 || older > size) {
            throw new IllegalArgumentException("no consistency proof from size " + older + " to " + size);
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(older, 0, size, true, source, proof);
        return proof;
    }

    /** Subtree hashes computed from leaf hashes held in memory (a monitor's rebuilt tree, tests). */
    public static HashSource inMemory(List<byte[]> leaves) {
        return (height, index) -> {
            List<byte[]> level = leaves.subList(Math.toIntExact(index << height), Math.toIntExact((index + 1) << height));
            while (level.size() > 1) {
                List<byte[]> up = new ArrayList<>(level.size() / 2);
                for (int i = 0; i < level.size(); i += 2) {
                    up.add(TreeHash.node(level.get(i), level.get(i + 1)));
                }
                level = up;
            }
            return level.get(0);
        };
    }

    /** RFC 9162 section 2.1.3.2. */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = TreeHash.node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = TreeHash.node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /** RFC 9162 section 2.1.4.2, for {@code 0 < older <= size}. */
    public static boolean verifyConsistency(long older, long size, List<byte[]> proof, byte[] olderRoot,
            byte[] root) {
        if (older <= 0 || older > size) {
            return false;
        }
        if (older == size) {
            return proof.isEmpty() && MessageDigest.isEqual(olderRoot, root);
        }
        List<byte[]> path = new ArrayList<>();
        if (Long.bitCount(older) == 1) {
            path.add(olderRoot);
        }
        path.addAll(proof);
        if (path.isEmpty()) {
            return false;
        }
        long fn = older - 1;
        long sn = size - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = TreeHash.node(c, fr);
                sr = TreeHash.node(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = TreeHash.node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, olderRoot) && MessageDigest.isEqual(sr, root);
    }

    /** MTH(D[start:end]) where the range is one of those RFC 6962's recursion produces. */
    static byte[] range(long start, long end, HashSource source) throws IOException {
        long width = end - start;
        if (Long.bitCount(width) == 1 && start % width == 0) {
            return source.subtree(Long.numberOfTrailingZeros(width), start / width);
        }
        long k = split(width);
        return TreeHash.node(range(start, start + k, source), range(start + k, end, source));
    }

    /** The largest power of two smaller than {@code n} (n ≥ 2). */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static void path(long m, long start, long end, HashSource source, List<byte[]> out) throws IOException {
        if (end - start == 1) {
            return;
        }
        long k = split(end - start);
        if (m < start + k) {
            path(m, start, start + k, source, out);
            out.add(range(start + k, end, source));
        } else {
            path(m, start + k, end, source, out);
            out.add(range(start, start + k, source));
        }
    }

    private static void subproof(long m, long start, long end, boolean complete, HashSource source, List<byte[]> out)
            throws IOException {
        if (m == end - start) {
            if (!complete) {
                out.add(range(start, end, source));
            }
            return;
        }
        long k = split(end - start);
        if (m <= k) {
            subproof(m, start, start + k, complete, source, out);
            out.add(range(start + k, end, source));
        } else {
            subproof(m - k, start + k, end, false, source, out);
            out.add(range(start, start + k, source));
        }
    }
}
