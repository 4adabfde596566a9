package io.buildchain.core.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a store directory; never follows a path or symlink out of it. */
final class DirectoryStoreReader implements StoreReader {
    private final Path root;

    DirectoryStoreReader(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public InputStream open(String path, long maxBytes) throws IOException {
        Path file = resolve(path);
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new ObjectTooLargeException(file + ": " + size + " bytes, larger than the " + maxBytes + " expected",
                    String.valueOf(size));
        }
        return new BoundedInputStream(Files.newInputStream(file), maxBytes, file.toString());
    }

    @Override
    public java.util.Optional<Path> directory() {
        return java.util.Optional.of(root);
    }

    @Override
    public String describe(String path) {
        return root.resolve(path).toString();
    }

    private Path resolve(String path) throws IOException {
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new NoSuchFileException(describe(path), null, "not a store path");
            }
        }
        Path file = root.resolve(path);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        Path real = file.toRealPath();
        if (!real.startsWith(root.toRealPath()) || !Files.isRegularFile(real)) {
            throw new NoSuchFileException(file.toString(), null, "leads outside the store or is not a file");
        }
        return real;
    }
}
