package io.buildchain.core.log;

import io.buildchain.core.FormatException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The C2SP tlog-tiles layout of a log's hashes: tile {@code tile/L/N} holds up to 256 hashes of the
 * nodes at height 8·L, numbers N written as 3-digit path elements ({@code x001/x234/067}), a partial tile
 * of width W at {@code tile/L/N.p/W}. Also the {@link HashSource} that reads them, for a given tree size.
 */
public final class Tiles implements HashSource {
    public static final int HEIGHT = 8;
    public static final int WIDTH = 1 << HEIGHT;
    /** A path below a log's directory that can name a tile (levels 0-7 cover 2^64 leaves). */
    public static final Pattern PATH = Pattern.compile("tile/[0-7]/(x[0-9]{3}/){0,6}[0-9]{3}(\\.p/[0-9]{1,3})?");

    /** Reads a tile's bytes; a missing tile throws {@link NoSuchFileException}. */
    @FunctionalInterface
    public interface Fetch {
        byte[] read(String path, int maxBytes) throws IOException;
    }

    private final Fetch fetch;
    private final long size;
    private final Map<String, List<byte[]>> read = new HashMap<>();

    /** The hashes of the tree of {@code size} leaves, read through {@code fetch}. */
    public Tiles(Fetch fetch, long size) {
        this.fetch = fetch;
        this.size = size;
    }

    /** {@code tile/L/N[.p/W]}; a full tile has no width suffix. */
    public static String path(int level, long index, int width) {
        StringBuilder n = new StringBuilder();
        String digits = Long.toString(index);
        int groups = (digits.length() + 2) / 3;
        digits = "0".repeat(groups * 3 - digits.length()) + digits;
        for (int g = 0; g < groups; g++) {
            n.append(g < groups - 1 ? "x" : "").append(digits, g * 3, g * 3 + 3).append(g < groups - 1 ? "/" : "");
        }
        return "tile/" + level + "/" + n + (width == WIDTH ? "" : ".p/" + width);
    }

    /** How many hashes tile {@code index} of {@code level} holds in a tree of {@code size} leaves (0 if none). */
    public static int width(int level, long index, long size) {
        long nodes = size >>> (HEIGHT * level);
        return (int) Math.max(0, Math.min(WIDTH, nodes - index * WIDTH));
    }

    /** Splits a tile into its hashes, refusing one of another length than {@code width} hashes. */
    public static List<byte[]> parse(byte[] tile, int width, String where) {
        if (tile.length != width * TreeHash.SIZE) {
            throw new FormatException(where + ": a tile of " + width + " hashes is " + width * TreeHash.SIZE
                    + " bytes, got " + tile.length + (tile.length < width * TreeHash.SIZE ? " (truncated)" : ""));
        }
        List<byte[]> hashes = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            byte[] hash = new byte[TreeHash.SIZE];
            System.arraycopy(tile, i * TreeHash.SIZE, hash, 0, TreeHash.SIZE);
            hashes.add(hash);
        }
        return hashes;
    }

    /** The root of {@code count} (a power of two) consecutive hashes starting at {@code from}. */
    static byte[] subtreeOf(List<byte[]> hashes, int from, int count) {
        if (count == 1) {
            return hashes.get(from);
        }
        int half = count / 2;
        return TreeHash.node(subtreeOf(hashes, from, half), subtreeOf(hashes, from + half, half));
    }

    @Override
    public byte[] subtree(int height, long index) throws IOException {
        int level = height / HEIGHT;
        int within = height % HEIGHT;
        long first = index << within;
        int count = 1 << within;
        long tileIndex = first / WIDTH;
        int offset = (int) (first % WIDTH);
        int width = width(level, tileIndex, size);
        if (offset + count > width) {
            throw new IllegalArgumentException("subtree " + height + "/" + index + " is not complete in a tree of size " + size);
        }
        return subtreeOf(tile(level, tileIndex, width), offset, count);
    }

    private List<byte[]> tile(int level, long index, int width) throws IOException {
        String path = path(level, index, width);
        List<byte[]> hashes = read.get(path);
        if (hashes == null) {
            byte[] bytes = fetch.read(path, width * TreeHash.SIZE);
            hashes = parse(bytes, width, path);
            read.put(path, hashes);
        }
        return hashes;
    }
}
