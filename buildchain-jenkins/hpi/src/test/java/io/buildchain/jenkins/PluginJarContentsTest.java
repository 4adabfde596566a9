package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin jar this build of record makes holds what the default offline build puts in
 * buildchain-jenkins/target/buildchain.jar (and so in its buildchain.hpi): the same classes, views, help, indexes
 * and .stapler files. The offline build writes .stapler files without stapler's date comment.
 */
class PluginJarContentsTest {
    static final Path HERE = Path.of("target/classes");
    static final Path OFFLINE = Path.of("../target/classes");

    @Test
    void bothBuildsGiveThePluginJarTheSameContents() throws IOException {
        assertThat(OFFLINE).as("the default build's output; build the whole reactor (./mvnw -Pjenkins verify)")
                .isDirectory();
        Set<String> offline = entries(OFFLINE);
        assertThat(entries(HERE)).isEqualTo(offline);
        for (String entry : offline) {
            if (entry.endsWith(".stapler")) {
                assertThat(properties(HERE.resolve(entry))).as(entry).isEqualTo(properties(OFFLINE.resolve(entry)));
            } else if (!entry.endsWith(".class") && !entry.equals("META-INF/annotations/hudson.Extension")) {
                assertThat(Files.readAllBytes(HERE.resolve(entry))).as(entry)
                        .isEqualTo(Files.readAllBytes(OFFLINE.resolve(entry)));
            }
        }
    }

    private static Set<String> entries(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            Set<String> out = new TreeSet<>();
            walk.filter(Files::isRegularFile).forEach(p -> out.add(root.relativize(p).toString().replace('\\', '/')));
            return out;
        }
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }
}
