package io.buildchain.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleProofsTest {
    private static final HexFormat HEX = HexFormat.of();
    /** RFC 6962 / transparency-dev/merkle reference leaves and the tree head of each size 1..8. */
    private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    static List<byte[]> referenceLeaves() {
        List<byte[]> leaves = new ArrayList<>();
        for (String leaf : LEAVES) {
            leaves.add(TreeHash.leaf(HEX.parseHex(leaf)));
        }
        return leaves;
    }

    static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }

    @Test
    void treeHeadsMatchTheReferenceVectors() throws Exception {
        assertThat(HEX.formatHex(TreeHash.empty())).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        List<byte[]> leaves = referenceLeaves();
        for (int n = 1; n <= 8; n++) {
            assertThat(HEX.formatHex(MerkleProofs.root(n, MerkleProofs.inMemory(leaves)))).as("size " + n)
                    .isEqualTo(ROOTS[n - 1]);
        }
    }

    @Test
    void proofsMatchTheReferenceVectors() throws Exception {
        HashSource source = MerkleProofs.inMemory(referenceLeaves());
        assertThat(hex(MerkleProofs.inclusion(0, 8, source))).containsExactly(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertThat(hex(MerkleProofs.inclusion(5, 8, source))).containsExactly(
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertThat(hex(MerkleProofs.consistency(2, 8, source))).containsExactly(
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertThat(hex(MerkleProofs.consistency(6, 8, source))).containsExactly(
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertThat(hex(MerkleProofs.consistency(2, 5, source))).containsExactly(
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
    }

    @Test
    void inclusionAndConsistencyHoldForEverySizeUpTo1000AndNothingElseVerifies() throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            leaves.add(TreeHash.leaf(new byte[] {(byte) i, (byte) (i >> 8), 7}));
        }
        HashSource computed = MerkleProofs.inMemory(leaves);
        java.util.Map<String, byte[]> memo = new java.util.HashMap<>();
        HashSource source = (height, index) -> {
            String key = height + "/" + index;
            byte[] hash = memo.get(key);
            if (hash == null) {
                hash = computed.subtree(height, index);
                memo.put(key, hash);
            }
            return hash;
        };
        List<byte[]> roots = new ArrayList<>();
        for (int n = 1; n <= 1000; n++) {
            roots.add(MerkleProofs.root(n, source));
        }
        for (int n = 1; n <= 1000; n++) {
            byte[] root = roots.get(n - 1);
            for (long i : new long[] {0, n / 3, n / 2, n - 1}) {
                var proof = MerkleProofs.inclusion(i, n, source);
                assertThat(MerkleProofs.verifyInclusion(i, n, leaves.get((int) i), proof, root)).as(i + " in " + n).isTrue();
                if (n > 1) {
                    long other = (i + 1) % n;
                    assertThat(MerkleProofs.verifyInclusion(other, n, leaves.get((int) i), proof, root)).isFalse();
                    assertThat(MerkleProofs.verifyInclusion(i, n, leaves.get((int) other), proof, root)).isFalse();
                }
            }
            for (long m : new long[] {1, n / 2, n - 1, n}) {
                if (m == 0) {
                    continue;
                }
                var proof = MerkleProofs.consistency(m, n, source);
                assertThat(MerkleProofs.verifyConsistency(m, n, proof, roots.get((int) m - 1), root)).as(m + " to " + n).isTrue();
                if (m < n) {
                    byte[] forged = root.clone();
                    forged[0] ^= 1;
                    assertThat(MerkleProofs.verifyConsistency(m, n, proof, roots.get((int) m - 1), forged)).isFalse();
                    assertThat(MerkleProofs.verifyConsistency(m, n, proof, forged, root)).isFalse();
                }
            }
        }
    }

    @Test
    void tilePathsFollowTheTlogTilesLayout() {
        assertThat(Tiles.path(0, 0, 256)).isEqualTo("tile/0/000");
        assertThat(Tiles.path(0, 1234067, 256)).isEqualTo("tile/0/x001/x234/067");
        assertThat(Tiles.path(1, 5, 17)).isEqualTo("tile/1/005.p/17");
        assertThat(Tiles.PATH.matcher("tile/0/x001/x234/067").matches()).isTrue();
        assertThat(Tiles.PATH.matcher("tile/0/../x").matches()).isFalse();
        assertThat(Tiles.width(0, 390, 100_000)).isEqualTo(160);
        assertThat(Tiles.width(1, 1, 100_000)).isEqualTo(134);
        assertThat(Tiles.width(2, 0, 100_000)).isEqualTo(1);
    }
}
