package io.buildchain.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Two builders, a local signer and a store in a directory, driven through the real jar. */
final class TwoBuilders {
    final Path dir;
    final String signerPub;

    TwoBuilders(Path dir) throws Exception {
        this.dir = dir;
        StringBuilder trusted = new StringBuilder();
        for (String node : new String[] {"a", "b"}) {
            trusted.append(Cli.ok(dir, "keygen", "--out", node + ".key").out().trim()).append(' ').append(node).append('\n');
        }
        Files.writeString(dir.resolve("trusted"), trusted);
        signerPub = Cli.ok(dir, "keygen", "--out", "signer.key", "--pub-out", "signer.pub").out().trim();
    }

    /** Both builders build {@code files} as release {@code name}: the MANIFEST:REQUEST:DIR arguments of publish. */
    List<String> build(String name, Map<String, byte[]> files, String... manifestOptions) throws Exception {
        List<String> submissions = new ArrayList<>();
        for (String node : new String[] {"a", "b"}) {
            Path work = dir.resolve("rounds").resolve(name).resolve(node);
            Path dist = work.resolve("dist");
            Files.createDirectories(dist);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = dist.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
            String base = dir.relativize(work) + "/";
            List<String> manifest = new ArrayList<>(List.of("manifest", "--time", "1700000000", "--out",
                    base + "manifest.json"));
            manifest.addAll(List.of(manifestOptions));
            manifest.add(base + "dist");
            Cli.ok(dir, manifest.toArray(String[]::new));
            Cli.ok(dir, "request", "--key", node + ".key", "--state", node + "/state", "--out", base + "req.bin",
                    base + "manifest.json");
            submissions.add(base + "manifest.json:" + base + "req.bin:" + base + "dist");
        }
        return submissions;
    }

    /** The publish command line for project {@code project}, branch main. */
    List<String> publishArgs(String project, List<String> submissions) {
        List<String> args = new ArrayList<>(List.of("publish", "--store", "store", "-p", project, "-b", "main",
                "--quorum", "2", "--trust", "trusted", "--signer-key", "signer.key", "--signer-state", "signer-state"));
        args.addAll(submissions);
        return args;
    }

    Cli.Result publish(String project, String name, Map<String, String> files) throws Exception {
        return Cli.ok(dir, publishArgs(project, build(project + "-" + name, utf8(files))).toArray(String[]::new));
    }

    /** As {@link #publish}, with a signed release record (version {@code version}) that gives every file's size. */
    Cli.Result publishRelease(String project, String version, Map<String, String> files) throws Exception {
        List<String> submissions = build(project + "-" + version, utf8(files), "--release-version", version,
                "--project", project, "--branch", "main");
        return Cli.ok(dir, publishArgs(project, submissions).toArray(String[]::new));
    }

    private static Map<String, byte[]> utf8(Map<String, String> files) {
        Map<String, byte[]> bytes = new java.util.TreeMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }
}
