package io.buildchain.core.store;

import io.buildchain.core.FormatException;
import io.buildchain.core.chain.Block;
import io.buildchain.core.root.SignerHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Brings signed blocks into a store's {@code block/}: blocks signed outside a publish (a standalone
 * {@code sign}, a release whose reply was lost) that later blocks link back through. Any self-signed
 * 400-byte block may come in, as a block only names digests and keys; whether a tail may point past it is
 * decided by the publisher's chain check against the tail's signer key.
 */
public final class BlockImport {
    /** Blocks taken from one paste: a long chain's gap is brought in in parts. */
    static final int MAX_PASTED = 4096;

    private BlockImport() {
    }

    /** What was read. */
    public record Counts(int imported, int alreadyThere) {
    }

    /**
     * Imports each 400-byte file given, or found below a given directory (such as a signer's {@code chain/},
     * where genesis and request files of other sizes are skipped).
     */
    public static Counts into(Store store, List<Path> sources) throws IOException {
        int imported = 0;
        int present = 0;
        try (DirectoryLock lock = store.lock()) {
            for (Path source : sources) {
                List<Path> files;
                if (Files.isDirectory(source)) {
                    try (Stream<Path> walk = Files.walk(source)) {
                        files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
                    }
                } else if (Files.isRegularFile(source)) {
                    files = List.of(source);
                } else {
                    throw new java.nio.file.NoSuchFileException(source.toString(), null, "no such block file or directory");
                }
                for (Path file : files) {
                    if (Files.size(file) != Block.SIZE) {
                        if (files.size() == 1 && file.equals(source)) {
                            throw new FormatException(file + ": a block is " + Block.SIZE + " bytes, this file has "
                                    + Files.size(file));
                        }
                        continue;
                    }
                    Block block = Block.decode(Files.readAllBytes(file), file.toString());
                    block.verifySignature(file.toString());
                    if (put(store, block)) {
                        imported++;
                    } else {
                        present++;
                    }
                }
            }
        }
        return new Counts(imported, present);
    }

    /**
     * Imports blocks pasted as text (a CI server's settings page, where users have no shell on the controller): each
     * whitespace-separated token is one block file, base64-encoded. The whole paste is checked before anything is
     * stored.
     */
    public static Counts pasted(Store store, String text) throws IOException {
        String[] tokens = text == null ? new String[0] : text.strip().split("\\s+");
        if (tokens.length == 0 || tokens[0].isEmpty()) {
            throw new FormatException("no block given: paste each block file of the signer's chain/ base64-encoded, "
                    + "one per line");
        }
        if (tokens.length > MAX_PASTED) {
            throw new FormatException(tokens.length + " blocks pasted: at most " + MAX_PASTED + " at a time");
        }
        List<Block> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            String what = "pasted block " + (i + 1);
            byte[] bytes;
            try {
                bytes = java.util.Base64.getDecoder().decode(tokens[i]);
            } catch (IllegalArgumentException e) {
                throw new FormatException(what + " is not base64: " + e.getMessage());
            }
            if (bytes.length != Block.SIZE) {
                throw new FormatException(what + ": a block is " + Block.SIZE + " bytes, this one has " + bytes.length);
            }
            Block block = Block.decode(bytes, what);
            block.verifySignature(what);
            blocks.add(block);
        }
        int imported = 0;
        try (DirectoryLock lock = store.lock()) {
            for (Block block : blocks) {
                imported += put(store, block) ? 1 : 0;
            }
        }
        return new Counts(imported, blocks.size() - imported);
    }

    /**
     * Stores one verified block unless the store has it; call with the store lock held (a publisher or signer step
     * storing a block the signer's line brought for an earlier request). Whether it is new.
     */
    public static boolean put(Store store, Block block) throws IOException {
        if (Files.exists(store.blockPath(block.signature()))) {
            return false;
        }
        store.putBlock(block);
        SignerHead.follow(store, block);
        return true;
    }
}
