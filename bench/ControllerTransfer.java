import io.buildchain.core.build.BuildNode;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Bytes the Jenkins controller receives per release with 3 builders, against the artifact size. What crosses an
 * agent's channel at manifest time is the serialized reply of BuildOnAgent (manifest, request, buildinfo and its
 * signature: measured here as BuildNode.Output, the same fields); the output directory crosses as a tar stream,
 * counted at the size of its files (random bytes do not compress). Before: every builder's output was copied at
 * manifest time. Now: only the replies, then one agreeing builder's output once, after the vote.
 */
public class ControllerTransfer {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int builders = 3;
        System.out.printf("%-12s %16s %16s %16s %8s%n", "artifact", "before (bytes)", "now (bytes)", "replies only",
                "now/art");
        for (long size : new long[] {1L << 20, 16L << 20, 128L << 20}) {
            long replies = 0;
            for (int b = 0; b < builders; b++) {
                Path dist = work.resolve(size + "/builder-" + b + "/dist");
                Files.createDirectories(dist);
                byte[] artifact = new byte[(int) size];
                new Random(size).nextBytes(artifact); // the same output on every builder, as when they agree
                Files.write(dist.resolve("app.bin"), artifact);
                Files.writeString(dist.resolve("README"), "hello\n");
                BuildNode.Output output = new BuildNode(work.resolve(size + "/builder-" + b + "/home"))
                        .build(dist, 1700000000L, 1700000000L, Map.of("os", "Linux", "host", "builder-" + b),
                                "hello", "main", "1", null);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(output);
                }
                replies += bytes.size();
            }
            long output = size + "hello\n".length() + 400; // the files, and the release record the step wrote
            long before = replies + builders * output;
            long now = replies + output;
            System.out.printf("%-12s %16d %16d %16d %8.3f%n", (size >> 20) + " MiB", before, now, replies,
                    (double) now / size);
        }
    }
}
