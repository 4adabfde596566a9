package io.buildchain.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.buildchain.core.publish.Publisher;
import io.buildchain.core.testing.Network;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.StoreRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * URL paths from anyone, against a real store of two projects: every answer is a page or a regular file
 * inside the store; a Jenkins job's scoped view never hands out another project's tail, objects or evidence.
 */
class RoutesFuzzTest {
    private static final Store STORE = Store.create();

    @FuzzTest(maxDuration = "10m")
    void storePath(byte[] input) throws IOException {
        String path = new String(input, StandardCharsets.UTF_8);
        check(STORE.whole.resolve(path), false);
        check(STORE.scoped.resolve(path), true);
    }

    private static void check(StoreRoutes.Answer answer, boolean scoped) throws IOException {
        if (answer instanceof StoreRoutes.StoreFile file) {
            assertThat(file.file().startsWith(STORE.root)).as(file.file().toString()).isTrue();
            assertThat(Files.isRegularFile(file.file())).isTrue();
            if (scoped) {
                assertThat(STORE.secretOnly).doesNotContain(file.file());
            }
        } else {
            assertThat(((StoreRoutes.Page) answer).status()).isIn(200, 404);
        }
    }

    /** Built once per JVM: a fuzz run calls the target millions of times. */
    private record Store(Path root, StoreRoutes whole, StoreRoutes scoped, Set<Path> secretOnly) {
        static Store create() {
            try {
                Path dir = Files.createTempDirectory("routes-fuzz");
                Network net = new Network(dir, "a", "b");
                net.publish("r1", 2);
                Publisher.Result secret = net.publisher().publish(new Publisher.Release("secret", "main", 2,
                        net.trusted(), net.round("s1", List.of()), Optional.empty()));
                Path root = net.store.root().toRealPath();
                Set<Path> secretOnly = Set.of(net.store.tailPath("secret", "main").toRealPath(),
                        net.store.objectPath(secret.block().digest()).toRealPath(),
                        root.resolve("quorum").resolve(secret.block().signatureBase32() + ".json").toRealPath());
                ChainPages pages = new ChainPages("/", "http://fuzz/", false);
                return new Store(root, new StoreRoutes(net.store, pages),
                        new StoreRoutes(net.store, pages, (project, branch) -> project.equals("proj")), secretOnly);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
