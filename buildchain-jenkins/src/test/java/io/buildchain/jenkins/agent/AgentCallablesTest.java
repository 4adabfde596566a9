package io.buildchain.jenkins.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.build.BuildEnvironment;
import io.buildchain.core.build.BuildInfo;
import io.buildchain.core.build.BuildNode;
import io.buildchain.core.chain.Block;
import io.buildchain.core.chain.SignedRequest;
import io.buildchain.core.manifest.Manifest;
import io.buildchain.core.release.ReleaseRecord;
import io.buildchain.serial.RunningSigner;
import io.buildchain.serial.SerialLine;
import io.buildchain.serial.SocatPtyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code that runs on agents, run here as remoting would: the callable is serialized, sent, deserialized and
 * invoked, and its result travels back the same way.
 */
class AgentCallablesTest {
    @TempDir
    Path dir;

    @Test
    void buildOnAgentWritesTheSameReleaseRecordOnEveryAgent() throws Exception {
        byte[][] manifests = new byte[2][];
        for (int agent = 0; agent < 2; agent++) {
            Path dist = Files.createDirectories(dir.resolve("agent-" + agent + "/dist"));
            Files.writeString(dist.resolve("hello"), "hello");
            BuildOnAgent callable = new BuildOnAgent(dir.resolve("agent-" + agent + "/home").toString(), 1600000000L,
                    null, 1700000000L, Map.of(), "agent-" + agent, dir.resolve("agent-" + agent).toString());
            callable.withRelease("hello", "main", "42", "abc123");
            manifests[agent] = overTheChannel(overTheChannel(callable).invoke(dist.toFile(), null)).manifest();
        }
        assertThat(manifests[1]).isEqualTo(manifests[0]);
        Manifest manifest = Manifest.parseCanonical(manifests[0], "manifest");
        ReleaseRecord record = ReleaseRecord.of(manifest, Files.readAllBytes(dir.resolve("agent-0/dist")
                .resolve(ReleaseRecord.NAME)), "record");
        assertThat(record.project() + "/" + record.branch() + " " + record.describe())
                .isEqualTo("hello/main version 42, revision abc123");
        assertThat(record.size("hello")).hasValue(5);
    }

    @Test
    void buildOnAgentHashesSignsWithTheAgentKeyAndUsesTheCommitTime() throws Exception {
        Path workspace = dir.resolve("workspace");
        Files.createDirectories(workspace.resolve("dist/docs"));
        git(workspace, "init", "-q");
        Files.writeString(workspace.resolve("Makefile"), "all:\n");
        git(workspace, "add", "Makefile");
        git(workspace, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "m",
                "--date=@1600000000");
        Files.writeString(workspace.resolve("dist/hello"), "hello");
        Files.writeString(workspace.resolve("dist/docs/README"), "readme");
        String agentHome = dir.resolve("agent-root/buildchain").toString();

        BuildOnAgent.Reply first = overTheChannel(new BuildOnAgent(agentHome, null, null, 1700000000L,
                Map.of("TZ", "Europe/Paris", BuildEnvironment.IMAGE_VARIABLE, "alpine:3"), "linux-a",
                workspace.toString()))
                .invoke(workspace.resolve("dist").toFile(), null);
        first = overTheChannel(first);
        Manifest manifest = Manifest.parseCanonical(first.manifest(), "manifest");
        assertThat(manifest.files()).containsOnlyKeys("hello", "docs/README");
        SignedRequest request = SignedRequest.decode(first.request(), "request");
        request.verifySignature("request");
        assertThat(request.digest()).isEqualTo(manifest.digest());
        assertThat(first.keyCreated()).isTrue();
        // The buildinfo crossed the channel with the manifest, signed by the same key, describing this agent.
        BuildInfo info = BuildInfo.parse(first.buildinfo().bytes(), "buildinfo");
        info.verify(first.buildinfo().signature(), request.publicKey(), manifest.digest(), "buildinfo");
        assertThat(info.environment()).containsEntry("tz", "Europe/Paris").containsEntry("image", "alpine:3")
                .containsEntry("host", "linux-a").containsEntry("jdk-version", System.getProperty("java.version"));
        // The build path is the workspace the build ran in, not the agent JVM's working directory (a real Jenkins
        // recorded its agents' start directory, the same for every agent and every job).
        assertThat(info.environment()).containsEntry("build-path", workspace.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("agent-root/buildchain/builder.key")))).isEqualTo("rw-------");

        // The commit time of the checked-out revision is the default source time; SOURCE_DATE_EPOCH and the
        // step's time argument win over it.
        String commitTime = gitOutput(workspace, "log", "-1", "--format=%ct").strip();
        assertThat(manifest.time()).isEqualTo(Long.parseLong(commitTime));
        BuildOnAgent.Reply withEpoch = new BuildOnAgent(agentHome, null, "1234", 1700000001L, Map.of(), "linux-a",
                workspace.toString()).invoke(workspace.resolve("dist").toFile(), null);
        assertThat(Manifest.parseCanonical(withEpoch.manifest(), "m").time()).isEqualTo(1234L);
        BuildOnAgent.Reply withTime = new BuildOnAgent(agentHome, 99L, "1234", 1700000002L, Map.of(), "linux-a",
                workspace.toString()).invoke(workspace.resolve("dist").toFile(), null);
        assertThat(Manifest.parseCanonical(withTime.manifest(), "m").time()).isEqualTo(99L);
        assertThat(withTime.keyCreated()).isFalse();
        assertThat(withTime.builderKey()).isEqualTo(first.builderKey());
        assertThat(SignedRequest.decode(withTime.request(), "r").counter()).isEqualTo(request.counter() + 2);
        // An agent whose builder state is behind what the controller counted of its key (restored from a backup)
        // numbers its request above that, instead of being refused as a replay (advice was 'request --resume-after').
        BuildOnAgent.Reply resumed = new BuildOnAgent(agentHome, 99L, null, 1700000002L, Map.of(), "linux-a",
                workspace.toString()).resumingAfter(41).invoke(workspace.resolve("dist").toFile(), null);
        assertThat(SignedRequest.decode(resumed.request(), "r").counter()).isEqualTo(42);
        BuildOnAgent.Reply ahead = new BuildOnAgent(agentHome, 99L, null, 1700000002L, Map.of(), "linux-a",
                workspace.toString()).resumingAfter(5).invoke(workspace.resolve("dist").toFile(), null);
        assertThat(SignedRequest.decode(ahead.request(), "r").counter()).isEqualTo(43);

        // Inside a container, the probe's view of the build's environment is recorded instead of the agent JVM's.
        BuildOnAgent.Reply inContainer = new BuildOnAgent(agentHome, 99L, null, 1700000003L, Map.of(
                BuildEnvironment.PROBE_VARIABLE, "os Linux\njdk-vendor Eclipse Adoptium\njdk-version 25.0.1\n",
                BuildEnvironment.IMAGE_VARIABLE, "maven@sha256:" + "cd".repeat(32)), "linux-a", workspace.toString())
                .invoke(workspace.resolve("dist").toFile(), null);
        assertThat(BuildInfo.parse(inContainer.buildinfo().bytes(), "b").environment()).containsEntry("jdk-version", "25.0.1")
                .containsEntry("image-digest", "sha256:" + "cd".repeat(32)).doesNotContainKey("umask");

        assertThatThrownBy(() -> new BuildOnAgent(agentHome, null, null, 1L, Map.of(), "a", workspace.toString())
                .invoke(dir.resolve("nowhere").toFile(), null)).hasMessageContaining("not in a git checkout");
    }

    @Test
    void signOnAgentHasTheSigningNodeOnARealSerialLineSignTheRequest() throws Exception {
        Path dist = dir.resolve("dist");
        Files.createDirectories(dist);
        Files.writeString(dist.resolve("hello"), "hello");
        BuildNode.Output built = new BuildNode(dir.resolve("builder")).build(dist, 1L, 2L, Map.of("host", "b"));
        try (SocatPtyPair pty = SocatPtyPair.start(dir);
                RunningSigner signer = new RunningSigner(pty.signerEnd, dir.resolve("signer-state"), null)) {
            String pinned = signer.key.publicKey().toString();
            SignOnAgent.Reply reply = overTheChannel(overTheChannel(
                    new SignOnAgent(pty.clientEnd.toString(), SerialLine.DEFAULT_BAUD, pinned, 2000, built.request())).call());
            Block block = Block.decode(reply.block(), "block");
            block.verifySignature("block");
            assertThat(block.carries(SignedRequest.decode(built.request(), "r"))).isTrue();
            assertThat(block.publicKey()).isEqualTo(signer.key.publicKey());

            // A signer with another key than the pinned one is refused, naming both keys.
            String other = new BuildNode(dir.resolve("other")).publicKey().toString();
            BuildNode.Output next = new BuildNode(dir.resolve("builder")).build(dist, 1L, 3L, Map.of("host", "b"));
            assertThatThrownBy(() -> new SignOnAgent(pty.clientEnd.toString(), SerialLine.DEFAULT_BAUD, other, 2000,
                    next.request()).call()).hasMessageContaining(other).hasMessageContaining(pinned);
        }
    }

    @Test
    void aSignerThatNeverAnswersFailsWithThePortInTheMessage() throws Exception {
        Path dist = dir.resolve("dist");
        Files.createDirectories(dist);
        Files.writeString(dist.resolve("hello"), "hello");
        BuildNode.Output built = new BuildNode(dir.resolve("builder")).build(dist, 1L, 2L, Map.of("host", "b"));
        try (SocatPtyPair pty = SocatPtyPair.start(dir)) {
            // The timeout is the setting's, each try waiting it twice over: 6 x 300 ms here.
            long start = System.nanoTime();
            assertThatThrownBy(() -> new SignOnAgent(pty.clientEnd.toString(), SerialLine.DEFAULT_BAUD, null, 300,
                    built.request()).call()).hasMessageContaining(pty.clientEnd.toString())
                    .hasMessageContaining("after 3 tries (is it running?)");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(6));
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T overTheChannel(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private static void git(Path dir, String... args) throws Exception {
        gitOutput(dir, args);
    }

    private static String gitOutput(Path dir, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
