package io.buildchain.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.hash.Digest;
import io.buildchain.core.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingStoreReaderTest {
    @TempDir
    Path dir;

    Store store;
    final List<String> fetched = new ArrayList<>();
    StoreReader origin;

    @BeforeEach
    void store() throws Exception {
        store = Store.open(dir.resolve("store"));
        origin = counting(StoreReader.of(store.root()));
    }

    /** The store as the origin, recording every path read from it. */
    StoreReader counting(StoreReader files) {
        return new StoreReader() {
            @Override
            public InputStream open(String path, long maxBytes) throws IOException {
                fetched.add(path);
                return files.open(path, maxBytes);
            }

            @Override
            public String describe(String path) {
                return files.describe(path);
            }
        };
    }

    CachingStoreReader cache(long budget) {
        return new CachingStoreReader(origin, dir.resolve("cache"), budget);
    }

    @Test
    void aSecondReadOfAnObjectCostsNoRequest() throws Exception {
        Digest digest = store.putObject("hello".getBytes(StandardCharsets.UTF_8));
        String path = "object/" + digest.base32();
        assertThat(cache(1 << 20).read(path, 100)).asString().isEqualTo("hello");
        assertThat(new String(cache(1 << 20).open(path, 100).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(fetched).containsExactly(path);
    }

    @Test
    void aCachePoisonedOnDiskIsRefusedAndFetchedAgain() throws Exception {
        Digest digest = store.putObject("the real release".getBytes(StandardCharsets.UTF_8));
        String path = "object/" + digest.base32();
        cache(1 << 20).read(path, 100);
        Path entry = dir.resolve("cache").resolve(path);
        Files.writeString(entry, "a trojan release");
        assertThat(cache(1 << 20).read(path, 100)).asString().isEqualTo("the real release");
        assertThat(cache(1 << 20).open(path, 100).readAllBytes()).asString().isEqualTo("the real release");
        assertThat(fetched).containsExactly(path, path);
        assertThat(entry).hasContent("the real release");
    }

    @Test
    void aPoisonedBlockEntryIsRefusedAndFetchedAgain() throws Exception {
        io.buildchain.core.testing.Network net = new io.buildchain.core.testing.Network(dir.resolve("net"), "a");
        store = net.store;
        origin = counting(StoreReader.of(store.root()));
        var block = net.publish("r1", 1).block();
        String path = "block/" + block.signatureBase32();
        cache(1 << 20).read(path, 400);
        // Same name (the signature), another counter: only the signature check can tell.
        byte[] other = block.bytes();
        other[160] ^= 1;
        Files.write(dir.resolve("cache").resolve(path), other);
        assertThat(cache(1 << 20).read(path, 400)).isEqualTo(block.bytes());
        assertThat(fetched).containsExactly(path, path);
    }

    @Test
    void somethingThatDoesNotMatchItsNameIsNeverCached() throws Exception {
        Path file = store.root().resolve("object").resolve("A".repeat(77));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not what the name says");
        cache(1 << 20).read("object/" + file.getFileName(), 100);
        assertThat(dir.resolve("cache/object").resolve(file.getFileName().toString())).doesNotExist();
    }

    @Test
    void theCacheStaysWithinItsBudget() throws Exception {
        CachingStoreReader cache = cache(3000);
        for (int i = 0; i < 10; i++) {
            Digest digest = store.putObject(("x".repeat(1000) + i).getBytes(StandardCharsets.UTF_8));
            cache.read("object/" + digest.base32(), 2000);
        }
        long total;
        try (var files = Files.walk(dir.resolve("cache/object"))) {
            total = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(total).isLessThanOrEqualTo(3000);
    }
}
