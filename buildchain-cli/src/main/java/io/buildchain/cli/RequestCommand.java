package io.buildchain.cli;

import io.buildchain.core.build.BuildEnvironment;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.SignedBuildInfo;
import io.buildchain.core.chain.BuilderChain;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.crypto.KeyFiles;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.store.AtomicFiles;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "request", mixinStandardHelpOptions = true,
        description = {"As a build node, sign a 224-byte request for a manifest with your builder key.",
            "The builder's own request chain (genesis, last request) lives in --state; each request's counter is "
                    + "one more than the last."})
final class RequestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "BUILDER_KEY", description = "The build node's private key.")
    Path key;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The builder's chain state directory.")
    Path state;

    @Option(names = "--timestamp", paramLabel = "SECONDS", description = "Request time (default: now).")
    Long timestamp;

    @Option(names = "--resume-after", paramLabel = "COUNTER", defaultValue = "0",
            description = "Number this request above COUNTER if the state is behind it: after the state directory was "
                    + "lost, the signer refuses the restarted counter as stale, and publish's refusal names COUNTER.")
    long resumeAfter;

    @Option(names = "--out", required = true, paramLabel = "REQ", description = "Where to write the request.")
    Path out;

    @Option(names = "--buildinfo",
            description = {"Also record this machine's build environment (OS, architecture, kernel, the JDK that "
                    + "JAVA_HOME or PATH names, TZ, umask, locale, user, directory, container image, host), self-reported "
                    + "after the build (for an environment measured inside the build, use 'buildchain build'), in REQ.buildinfo, signed by the builder key in REQ.buildinfo.sig. "
                    + "'publish' and 'submit' take it from beside REQ. It is evidence, outside the vote; the request "
                    + "itself stays the original 224 bytes."})
    boolean buildinfo;

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "With --buildinfo: the container image the build ran in, pinned by digest "
                    + "(NAME@sha256:…) to record the digest too (default: $BUILDCHAIN_IMAGE).")
    String image;

    @Option(names = "--host", paramLabel = "NAME", description = "With --buildinfo: the host name to record "
            + "(default: this machine's).")
    String host;

    @Option(names = "--in-toto", paramLabel = "DIR",
            description = {"Also sign, with the builder key, an in-toto link for the step 'build' (REQ.link: the "
                    + "files in DIR, which the manifest was made of, with SHA-256 and SHA-384; the release record's "
                    + "revision as material) and SLSA provenance in a DSSE envelope (REQ.provenance.json). 'publish' "
                    + "takes them from beside REQ (docs/in-toto.md)."})
    Path inToto;

    @Parameters(paramLabel = "MANIFEST", description = "The manifest to request a signature for.")
    Path manifest;

    @Override
    public Integer call() throws Exception {
        Manifest parsed = Manifest.parseCanonical(Files.readAllBytes(manifest), manifest.toString());
        long seconds = timestamp != null ? timestamp : System.currentTimeMillis() / 1000;
        SigningKey builder = KeyFiles.read(key);
        SignedRequest request = new BuilderChain(state).request(builder, parsed.digest(), seconds, resumeAfter);
        AtomicFiles.write(out, request.bytes(), AtomicFiles.OWNER_WRITE_ALL_READ, true);
        PrintWriter printed = spec.commandLine().getOut();
        printed.println("request " + Long.toUnsignedString(request.counter()) + " by " + request.publicKey()
                + " for manifest " + request.digest() + " -> " + out);
        Optional<BuildInfo> info = Optional.empty();
        if (buildinfo) {
            Map<String, String> env = new HashMap<>();
            if (image != null) {
                env.put(BuildEnvironment.IMAGE_VARIABLE, image);
            }
            Map<String, String> fields = BuildEnvironment.selfReported(env,
                    host != null ? host : InetAddress.getLocalHost().getHostName(), Path.of("").toAbsolutePath());
            info = Optional.of(BuildInfo.of(parsed.digest(), builder.publicKey(), fields));
            SignedBuildInfo.sign(info.get(), builder).writeBeside(out);
            printed.println("buildinfo (self-reported) " + info.get().summary() + " -> "
                    + SignedBuildInfo.besideRequest(out));
        }
        if (inToto != null) {
            BuilderAttestations.make(parsed, inToto, builder, info).writeBeside(out);
            printed.println(BuilderAttestations.writtenBeside(out));
        }
        printed.flush();
        return 0;
    }
}
