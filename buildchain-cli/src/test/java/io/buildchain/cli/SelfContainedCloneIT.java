package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: a fresh clone, alone in an empty folder, passes its own tests. Before, jenkins-offline-api's tests looked
 * for the real Jenkins signatures in a {@code shared/} folder beside the clone and failed without it.
 *
 * <p>What runs in the clone, and why not everything: jenkins-offline-api's tests in full (the ones that needed the
 * folder beside), and a smoke set of buildchain-core's that reads each kind of data the module keeps for its tests
 * (pihsm's wire vectors, manifests, the fuzz targets' stored inputs, real archives for the divergence). Core's whole
 * suite runs for minutes on the 2-core build machine and is run by the build itself; what this test adds is the
 * proof that the committed tree, cloned where nothing is beside it, builds and finds its data. Maven runs offline
 * (-o), so it resolves only the dependencies already in the local repository, never a file of this machine's checkout.
 */
class SelfContainedCloneIT {
    static final List<String> CORE_SMOKE = List.of("WireFormatVectorsTest", "ManifestTest", "Base32Test", "QuorumTest",
            "ReleaseRecordTest", "CodecFuzzTest", "DivergenceTest");

    @TempDir
    Path empty;

    @Test
    void aCloneAloneInAnEmptyFolderPassesItsOwnTests() throws Exception {
        Path clone = empty.resolve("buildchain");
        run(empty, 120, "git", "clone", "--quiet", "--no-hardlinks", RepositoryTest.ROOT.toString(), clone.toString());
        try (Stream<Path> beside = Files.list(empty)) {
            assertThat(beside.toList()).as("nothing beside the clone").containsExactly(clone);
        }
        // -am: a module of this project that the tested ones need is built from the clone, never taken from the
        // local repository, where another checkout may have installed a snapshot of it.
        String offline = run(clone, 900, "./mvnw", "-o", "-B", "-pl", "jenkins-offline-api", "-am", "test");
        assertThat(offline).contains("Tests run:").contains("StubSignaturesTest").doesNotContain("Tests run: 0,");
        String core = run(clone, 900, "./mvnw", "-o", "-B", "-pl", "buildchain-core", "-am", "test",
                "-Dtest=" + String.join(",", CORE_SMOKE), "-Dsurefire.failIfNoSpecifiedTests=false");
        for (String test : CORE_SMOKE) {
            assertThat(core).as(test).containsPattern("Tests run: [1-9]\\d*, Failures: 0, Errors: 0, Skipped: \\d+, "
                    + "Time elapsed: [^\\n]* -+ in io\\.buildchain\\.core\\.[a-z.]*" + test);
        }
    }

    /** Runs {@code command} in {@code cwd}, at most {@code seconds}; requires exit 0 and returns its output. */
    private static String run(Path cwd, long seconds, String... command) throws Exception {
        List<String> niced = new ArrayList<>(List.of("nice", "-n", "5"));
        niced.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(niced).directory(cwd.toFile()).redirectErrorStream(true);
        // Nothing of this machine's settings leads the clone's build to a file outside it.
        builder.environment().keySet().removeIf(name -> name.startsWith("BUILDCHAIN_") || name.startsWith("MAVEN_"));
        Path log = Files.createTempFile("clone-build", ".log");  // in the system's temp folder: nothing beside the clone
        Process process = builder.redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("%s%n%s", String.join(" ", command), output).isZero();
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
