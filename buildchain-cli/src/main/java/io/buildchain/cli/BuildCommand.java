package io.buildchain.cli;

import io.buildchain.core.FormatException;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.BuildSettings;
import io.buildchain.core.build.ContainerBuild;
import io.buildchain.core.build.ReleaseBuild;
import io.buildchain.core.build.SourceCheckout;
import io.buildchain.core.build.VaryCheck;
import io.buildchain.core.intoto.BuilderAttestations;
import io.buildchain.core.manifest.NameFilter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"A whole build node: check out the exact git revision, build it in a fresh container with no "
                + "network, collect the outputs, write the manifest with its release record, the buildinfo measured "
                + "inside the build, and the request signed with this node's builder key; --submit sends them to a "
                + "publisher.",
            "--vary builds it several times in containers that differ in TZ, umask, locale, build path, hostname and "
                    + "user, and names what breaks reproducibility."})
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--git", paramLabel = "URL", description = "The repository (default: the git checkout that holds "
            + "the current directory).")
    String git;

    @Option(names = "--rev", paramLabel = "REV", defaultValue = "HEAD", description = "The revision (default: HEAD).")
    String rev;

    @Option(names = "--image", paramLabel = "IMAGE@sha256:DIGEST", description = "The image to build in, pinned by digest.")
    String image;

    @Option(names = "--dockerfile", paramLabel = "FILE", description = "Or build the image from this Dockerfile of "
            + "the checkout first (with no network; pin its FROM by digest), recording its digest and the image id.")
    String dockerfile;

    @Option(names = "--no-container", description = "Build on this machine instead (recorded as container none).")
    boolean noContainer;

    @Option(names = "--outputs", required = true, arity = "1..*", paramLabel = "GLOB",
            description = "The files to collect, relative to the checkout ('*' within a directory, '**' across), "
                    + "e.g. 'target/*.jar'; each goes into the manifest under its base name.")
    List<String> outputs;

    @Option(names = "--deps", paramLabel = "DIR", description = "Dependencies fetched beforehand, mounted read-only at "
            + ContainerBuild.DEPS + " (e.g. a Maven repository, used with -Dmaven.repo.local.tail=" + ContainerBuild.DEPS
            + "); their digest is recorded.")
    Path deps;

    @Mixin
    ChainOptions chain;

    @Option(names = "--release-version", paramLabel = "VERSION",
            description = "Write the release record (project, branch, this version, the revision) into the manifest.")
    String version;

    @Option(names = "--in-toto", description = {"Also sign, with the builder key, the in-toto link for the step "
            + "'build' (request.bin.link: the outputs with SHA-256 and SHA-384, the revision as material) and SLSA "
            + "provenance in a DSSE envelope (request.bin.provenance.json), as 'request --in-toto' does; needs "
            + "--release-version. 'publish' and --submit take them from beside the request (docs/in-toto.md)."})
    boolean inToto;

    @Option(names = "--node", paramLabel = "DIR", description = "This build node's builder key and request chain "
            + "(default: $XDG_DATA_HOME/buildchain/node); the key is made on first use.")
    Path node;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the build (a new or "
            + "empty directory).")
    Path out;

    @Option(names = "--tz", defaultValue = "UTC", paramLabel = "TZ", description = "TZ of the build (default: UTC).")
    String tz;

    @Option(names = "--umask", defaultValue = "0022", paramLabel = "MASK", description = "Umask of the build (default: 0022).")
    String umask;

    @Option(names = "--locale", defaultValue = "C.UTF-8", paramLabel = "LOCALE",
            description = "LANG and LC_ALL of the build (default: C.UTF-8).")
    String locale;

    @Option(names = "--build-path", defaultValue = "/build/src", paramLabel = "PATH",
            description = "Where the container sees the checkout (default: /build/src).")
    String buildPath;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "MINUTES", description = "Stop a build after this long.")
    long timeout;

    @Option(names = "--host", paramLabel = "NAME", description = "The host name to record (default: this machine's).")
    String host;

    @Option(names = "--submit", paramLabel = "URL", description = "Then send the build to the publisher at URL, as "
            + "'buildchain submit' does.")
    URI submit;

    @Option(names = "--vary", description = "Check reproducibility locally instead: build several times with "
            + "different TZ, umask, locale, build path, hostname, user and, when libfaketime can reach the build, date "
            + "(nothing is signed).")
    boolean vary;

    @Option(names = "--builds", defaultValue = "2", paramLabel = "N", description = "With --vary: builds with everything "
            + "varied, counting the reference build (default: 2); more builds follow when they differ.")
    int builds;

    @Parameters(paramLabel = "COMMAND", description = "The build command, after --, e.g. -- sh build.sh")
    List<String> command = List.of();

    @Override
    public Integer call() throws Exception {
        if (noContainer == (image != null || dockerfile != null)) {
            throw new FormatException("give --image IMAGE@sha256:DIGEST, --dockerfile FILE or --no-container");
        }
        if (vary && (noContainer || submit != null || inToto)) {
            throw new FormatException("--vary builds in containers and signs nothing: leave out --no-container, "
                    + "--submit and --in-toto");
        }
        if (inToto && version == null) {
            throw new FormatException("--in-toto needs --release-version: the link names the release record's "
                    + "project, branch and revision");
        }
        BuildSettings settings = new BuildSettings(tz, umask, locale, buildPath, ContainerBuild.buildUser(),
                "buildchain");
        ContainerBuild.Steps steps = new ContainerBuild.Steps(image, dockerfile, command, deps,
                Duration.ofMinutes(timeout));
        NameFilter filter = NameFilter.of(outputs, "--outputs", List.of(), "");
        String source = git != null ? git : SourceCheckout.topLevel(Path.of(""));
        String hostName = host != null ? host : InetAddress.getLocalHost().getHostName();
        PrintWriter printed = spec.commandLine().getOut();
        if (vary) {
            String otherUser = ContainerBuild.otherUser();
            VaryCheck.Report report = VaryCheck.run(source, rev, steps, filter, settings, otherUser, builds, out,
                    hostName, printed);
            printed.println(report.summary());
            report.notVaried().forEach(printed::println);
            printed.println("builds, logs and full explanations (*.diff.txt): " + out);
            printed.flush();
            return report.reproducible() ? 0 : 3;
        }
        ReleaseBuild.Release release = version == null ? new ReleaseBuild.Release(null, null, null, false)
                : new ReleaseBuild.Release(chain.project, chain.branch, version, inToto);
        ReleaseBuild.Outcome outcome = ReleaseBuild.build(source, rev, steps, filter, settings, release, out,
                node != null ? node : defaultNode(), hostName, System.currentTimeMillis() / 1000);
        BuildInfo info = BuildInfo.parse(outcome.output().buildinfo(), "buildinfo");
        printed.println("built " + outcome.source().revision() + " (tree " + outcome.source().tree() + ") "
                + (noContainer ? "on this machine" : "in " + info.environment().get("image")) + ": " + outcome.output().files()
                + " files, manifest " + outcome.output().manifestDigest() + " -> " + outcome.manifest());
        printed.println("buildinfo " + info.summary().replace(", " + BuildInfo.MEASURED + " ", "; measured inside the build: ")
                + " -> " + outcome.request() + ".buildinfo");
        printed.println("request signed by " + (outcome.output().keyCreated() ? "NEW builder key " : "builder key ")
                + outcome.output().builderKey() + " -> " + outcome.request());
        if (outcome.output().attestations().isPresent()) {
            printed.println(BuilderAttestations.writtenBeside(outcome.request()));
        }
        printed.flush();
        if (submit != null) {
            SubmitCommand send = new SubmitCommand();
            send.url = submit;
            send.chain = chain;
            send.manifest = outcome.manifest();
            send.request = outcome.request();
            send.artifacts = outcome.artifacts();
            return send.call();
        }
        return 0;
    }

    private static Path defaultNode() {
        String data = System.getenv("XDG_DATA_HOME");
        return (data != null && !data.isBlank() ? Path.of(data) : Path.of(System.getProperty("user.home"), ".local",
                "share")).resolve("buildchain").resolve("node");
    }
}
