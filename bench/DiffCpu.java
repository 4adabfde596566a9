import io.buildchain.core.diff.*;
import io.buildchain.core.manifest.*;
import java.nio.file.*;
import java.util.Optional;
/** CPU of explaining each bench pair in one warm JVM, beside the CPU of just reading (listing) both jars. */
public class DiffCpu {
    public static void main(String[] args) throws Exception {
        Path w = Path.of(args[0]);
        for (int round = 0; round < 4; round++) {
            for (String pair : new String[] {"umask", "tz", "jdk"}) {
                Path a = w.resolve(pair + "/a"), b = w.resolve(pair + "/b");
                var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                long c0 = bean.getCurrentThreadCpuTime();
                ArchiveEntries.list(a.resolve("lib.jar"), "zip");
                ArchiveEntries.list(b.resolve("lib.jar"), "zip");
                long c1 = bean.getCurrentThreadCpuTime();
                Manifest ma = Manifest.parse(Files.readAllBytes(w.resolve(pair + "/a.json")), "a");
                Manifest mb = Manifest.parse(Files.readAllBytes(w.resolve(pair + "/b.json")), "b");
                Explanation e = Divergence.explain(new Divergence.Side("a", ma, Optional.of(a)), new Divergence.Side("b", mb, Optional.of(b)));
                long c2 = bean.getCurrentThreadCpuTime();
                System.out.printf("round %d %-5s read both jars %4d ms CPU; explain (reads them too) %4d ms CPU; beyond reading %4d ms%n",
                        round, pair, (c1 - c0) / 1000000, (c2 - c1) / 1000000, ((c2 - c1) - (c1 - c0)) / 1000000);
            }
        }
    }
}
