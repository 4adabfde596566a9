package io.buildchain.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor writes what stapler's and annotation-indexer's processors write, byte-stable. */
class PluginIndexProcessorTest {
    @TempDir
    Path dir;

    @Test
    void writesStaplerParameterNamesAndTheSymbolIndex() throws IOException {
        Path out = compile();
        assertThat(Files.readString(out.resolve("p/Step.stapler"))).isEqualTo("constructor=dir,id\n");
        assertThat(Files.readString(out.resolve("p/Outer/Inner.stapler"))).isEqualTo("constructor=name\n");
        assertThat(out.resolve("p/Plain.stapler")).doesNotExist();
        assertThat(Files.readString(out.resolve("p/Settings/doCheckName.stapler"))).isEqualTo("value,other");
        assertThat(out.resolve("p/Settings/doNothing.stapler")).doesNotExist();
        assertThat(Files.readString(out.resolve("META-INF/annotations/org.jenkinsci.Symbol"), StandardCharsets.UTF_8))
                .isEqualTo("p.Outer$Inner\np.Settings\n");
        // The same sources give the same bytes: nothing depends on the time or the order javac visits them.
        Path again = compile();
        assertThat(Files.readAllBytes(again.resolve("META-INF/annotations/org.jenkinsci.Symbol")))
                .isEqualTo(Files.readAllBytes(out.resolve("META-INF/annotations/org.jenkinsci.Symbol")));
    }

    private Path compile() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + System.nanoTime() + "/p"));
        Files.writeString(src.resolve("Settings.java"), """
                package p;
                @org.jenkinsci.Symbol("settings")
                public class Settings {
                    public void doCheckName(@org.kohsuke.stapler.QueryParameter String value, String other) {
                    }

                    public void doNothing(String value) {
                    }
                }
                """);
        Files.writeString(src.resolve("Step.java"), """
                package p;
                public class Step {
                    @org.kohsuke.stapler.DataBoundConstructor
                    public Step(String dir, String id) {
                    }
                }
                """);
        Files.writeString(src.resolve("Outer.java"), """
                package p;
                public class Outer {
                    @org.jenkinsci.Symbol("inner")
                    public static class Inner {
                        @org.kohsuke.stapler.DataBoundConstructor
                        public Inner(String name) {
                        }
                    }
                }
                """);
        Files.writeString(src.resolve("Plain.java"), "package p;\npublic class Plain {\n    public Plain(int a) {\n    }\n}\n");
        Path out = Files.createDirectories(dir.resolve("out-" + System.nanoTime()));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, List.of("-proc:only", "-processor",
                PluginIndexProcessor.class.getName(), "-processorpath", "target/classes", "-classpath",
                "target/classes", "-d", out.toString(), src.resolve("Settings.java").toString(),
                src.resolve("Step.java").toString(), src.resolve("Outer.java").toString(),
                src.resolve("Plain.java").toString()).toArray(String[]::new));
        assertThat(status).isZero();
        return out;
    }
}
