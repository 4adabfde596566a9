package io.buildchain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.FormatException;
import io.buildchain.core.testing.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Links and special files planted at the store's own paths are refused, never worked through. */
class StoreLayoutTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"object", "block", "tail", "quorum", "artifacts", "pending", "tmp", "release", "current",
        "manifest.json"})
    void aSymlinkedTopLevelPathIsRefusedAndNothingIsWrittenThroughIt(String name) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path store = Files.createDirectories(dir.resolve("store"));
        Files.createSymbolicLink(store.resolve(name), outside);
        assertThatThrownBy(() -> new Network(dir, "a", "b").publish("r1", 2))
                .isInstanceOf(FormatException.class)
                .hasMessageContaining(store.resolve(name) + ": is a symbolic link to " + outside)
                .hasMessageContaining("refusing to work through it");
        try (var files = Files.list(outside)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aSymlinkedProjectDirectoryUnderTailIsRefused() throws Exception {
        Network net = new Network(dir, "a", "b");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(net.store.root().resolve("tail"));
        Files.createSymbolicLink(net.store.root().resolve("tail/proj"), outside);
        assertThatThrownBy(() -> net.publish("r1", 2)).hasMessageContaining("tail/proj: is a symbolic link");
        try (var files = Files.list(outside)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aFifoAtTheLockPathFailsAtOnceInsteadOfHanging() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Process mkfifo = new ProcessBuilder("mkfifo", store.resolve("lock").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                new Network(dir, "a", "b").publish("r1", 2);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        Throwable thrown = outcome.get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(thrown).isInstanceOf(FormatException.class)
                .hasMessageContaining(store.resolve("lock") + ": is a special file (FIFO, socket or device)");
    }

    @Test
    void aSymlinkAtTheLockPathIsRefused() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Files.createSymbolicLink(store.resolve("lock"), dir.resolve("elsewhere"));
        assertThatThrownBy(() -> DirectoryLock.acquire(store.resolve("lock"))).hasMessageContaining("symbolic link");
        assertThat(dir.resolve("elsewhere")).doesNotExist();
    }

    @Test
    void theStoresOwnLinksAreAccepted() throws Exception {
        Network net = new Network(dir, "a", "b");
        net.publish("r1", 2);
        net.publish("r2", 2);
        assertThat(Store.open(net.store.root()).root()).isEqualTo(net.store.root());
        assertThat(List.of("artifacts", "manifest.json")).allMatch(n -> Files.isSymbolicLink(net.store.root().resolve(n)));
    }
}
