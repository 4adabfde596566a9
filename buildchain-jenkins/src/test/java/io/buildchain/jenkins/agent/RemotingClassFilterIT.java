package io.buildchain.jenkins.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.build.BuildNode;
import io.buildchain.jenkins.PackagedPlugin;
import io.buildchain.serial.SerialLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What crosses the agent channel, read back as a Jenkins controller or agent reads it: through the class
 * filter's rule (jenkins.security.ClassFilterImpl, CustomClassFilter.Contributed) applied to the jars exactly as
 * target/buildchain.hpi packages them. Arrays, throwables and enums pass; so do classes of Jenkins core and of a
 * jar carrying a plugin manifest, classes a bundled jar names in META-INF/hudson.remoting.ClassFilter, and the JDK
 * classes on core's whitelist. Everything else (a class of a bundled library jar, any other JDK class) is
 * rejected, as {@code buildchainManifest} was on every remote agent.
 */
class RemotingClassFilterIT {
    @TempDir
    Path dir;
    PackagedPlugin plugin;
    ClassFilterRule rule;

    @BeforeEach
    void open() throws IOException {
        Path unpacked = Files.createDirectories(dir.resolve("plugins/buildchain/WEB-INF/lib"));
        plugin = PackagedPlugin.open(unpacked);
        rule = new ClassFilterRule(plugin);
    }

    @AfterEach
    void close() throws IOException {
        plugin.close();
    }

    @Test
    void everyCallableAndWhatItReturnsOrThrowsCrossesTheClassFilter() throws Exception {
        assertThat(callablesInThePluginJar()).as("callables this test sends over the channel")
                .containsExactlyInAnyOrder(BuildOnAgent.class.getName(), SignOnAgent.class.getName());

        Path dist = Files.createDirectories(dir.resolve("workspace/dist"));
        Files.writeString(dist.resolve("hello"), "hello");
        String agentHome = dir.resolve("agent-root/buildchain").toString();
        BuildOnAgent withTime = new BuildOnAgent(agentHome, 1700000000L, "1234", 1700000001L, Map.of("TZ", "UTC"), "agent-a", agentHome);
        crosses(withTime);
        crosses(new BuildOnAgent(agentHome, null, null, 1700000002L, Map.of(), "agent-a", agentHome));
        crosses(new BuildOnAgent(agentHome, null, null, 1700000003L, Map.of(), "agent-a", agentHome).withRelease("hello", "main", "42", "abc123"));
        BuildOnAgent.Reply built = withTime.invoke(dist.toFile(), null);
        crosses(built);
        // With inToto the link and provenance cross back beside the request.
        Path release = Files.createDirectories(dir.resolve("workspace/release"));
        Files.writeString(release.resolve("hello"), "hello");
        BuildOnAgent inToto = new BuildOnAgent(agentHome, 1L, null, 1700000004L, Map.of(), "agent-a", agentHome)
                .withRelease("hello", "main", "42", "ab".repeat(20)).withInToto(true);
        crosses(inToto);
        BuildOnAgent.Reply withLink = inToto.invoke(release.toFile(), null);
        assertThat(withLink.attestations()).isPresent();
        crosses(withLink);
        crosses(thrown(() -> new BuildOnAgent(agentHome, 1L, null, 1700000005L, Map.of(), "agent-a", agentHome)
                .withRelease("hello", "main", "42", "v42").withInToto(true).invoke(release.toFile(), null)));
        crosses(thrown(() -> new BuildOnAgent(agentHome, null, null, 1L, Map.of(), "agent-a", agentHome).invoke(dir.resolve("nowhere").toFile(),
                null)));

        SignOnAgent sign = new SignOnAgent(dir.resolve("no-such-port").toString(), SerialLine.DEFAULT_BAUD,
                built.builderKey(), 500, built.request());
        crosses(sign);
        crosses(new SignOnAgent("/dev/ttyUSB0", SerialLine.DEFAULT_BAUD, null, 10_000, built.request()));
        crosses(new SignOnAgent.Reply(new byte[] {1, 2, 3}, List.of("retrying after a timeout", "resynced"),
                List.of(new byte[400], new byte[400])));
        crosses(new SignOnAgent.Reply(new byte[0], List.of(), List.of()));
        crosses(thrown(sign::call));
    }

    @Test
    void aClassOfABundledLibraryJarIsRejected() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dist.resolve("hello"), "hello");
        BuildNode.Output output = new BuildNode(dir.resolve("home")).build(dist, 1L, 2L, Map.of("host", "h"));
        assertThatThrownBy(() -> crosses(output)).isInstanceOf(SecurityException.class)
                .hasMessageStartingWith("Rejected: io.buildchain.core.build.BuildNode$Output");
    }

    @Test
    void aJdkClassOffTheWhitelistIsRejected() {
        // List.of / List.copyOf serialize as java.util.CollSer, which core's whitelist does not name.
        assertThatThrownBy(() -> crosses(new ArrayList<>(List.of(List.of("line"))))).isInstanceOf(
                SecurityException.class).hasMessageStartingWith("Rejected: java.util.CollSer");
    }

    @Test
    void aClassABundledJarWhitelistsCrosses() throws Exception {
        rule.contributed.put(BuildNode.Output.class.getName(), true);
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dist.resolve("hello"), "hello");
        crosses(new BuildNode(dir.resolve("home")).build(dist, 1L, 2L, Map.of("host", "h")));
        rule.contributed.put(BuildOnAgent.class.getName(), false);
        assertThatThrownBy(() -> crosses(new BuildOnAgent("h", null, null, 1L, Map.of(), "h", "h")))
                .hasMessageStartingWith("Rejected: " + BuildOnAgent.class.getName());
    }

    /** Serializes as remoting does, reads back with the packaged jars and the filter, checks nothing was lost. */
    private void crosses(Object value) throws Exception {
        byte[] sent = serialize(value);
        Object received;
        try (ObjectInputStream in = new FilteredInput(new ByteArrayInputStream(sent), plugin.loader, rule)) {
            received = in.readObject();
        }
        assertThat(received.getClass().getClassLoader()).as("read through the packaged jars")
                .isNotSameAs(value.getClass().getClassLoader());
        if (!(value instanceof Throwable)) {
            assertThat(serialize(received)).as("the same object after the round trip").isEqualTo(sent);
        } else {
            assertThat(((Throwable) received).getMessage()).isEqualTo(((Throwable) value).getMessage());
        }
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private interface Call {
        void run() throws Exception;
    }

    private static Throwable thrown(Call call) {
        try {
            call.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a failure");
    }

    private List<String> callablesInThePluginJar() throws ClassNotFoundException {
        Class<?> callable = Class.forName("hudson.remoting.Callable", false, plugin.loader);
        Class<?> fileCallable = Class.forName("hudson.FilePath$FileCallable", false, plugin.loader);
        List<String> found = new ArrayList<>();
        for (String entry : plugin.entriesOf("buildchain.jar")) {
            if (entry.endsWith(".class")) {
                Class<?> c = Class.forName(entry.replace('/', '.').replaceAll("\\.class$", ""), false, plugin.loader);
                if (!c.isInterface() && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())
                        && (callable.isAssignableFrom(c) || fileCallable.isAssignableFrom(c))) {
                    found.add(c.getName());
                }
            }
        }
        return found;
    }

    /** An ObjectInputStream that resolves classes through the plugin's loader and checks each one. */
    private static final class FilteredInput extends ObjectInputStream {
        private final ClassLoader loader;
        private final ClassFilterRule rule;

        FilteredInput(InputStream in, ClassLoader loader, ClassFilterRule rule) throws IOException {
            super(in);
            this.loader = loader;
            this.rule = rule;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
            Class<?> c = Class.forName(desc.getName(), false, loader);
            rule.check(c);
            return c;
        }
    }

    /** The class filter's decision for one class, given the jars as packaged. */
    static final class ClassFilterRule {
        final Set<Path> trustedLocations = new HashSet<>();
        final Set<String> jdkWhitelist = new HashSet<>();
        /** META-INF/hudson.remoting.ClassFilter of the bundled jars: name to permit (true) or reject (false). */
        final Map<String, Boolean> contributed = new HashMap<>();

        ClassFilterRule(PackagedPlugin plugin) throws IOException {
            trustedLocations.add(plugin.core); // jenkins-core and remoting
            plugin.jars.forEach((name, path) -> {
                if (PackagedPlugin.isPluginManifest(plugin.manifestOf(name))) {
                    trustedLocations.add(path);
                }
                byte[] list = plugin.read(name, "META-INF/hudson.remoting.ClassFilter");
                if (list != null) {
                    for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
                        String entry = line.strip();
                        if (!entry.isEmpty() && !entry.startsWith("#")) {
                            contributed.put(entry.replaceFirst("^!", ""), !entry.startsWith("!"));
                        }
                    }
                }
            });
            try (InputStream in = RemotingClassFilterIT.class.getResourceAsStream(
                    "/io/buildchain/jenkins/remoting-whitelisted-jdk-classes.txt")) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        jdkWhitelist.add(line.strip());
                    }
                }
            }
        }

        void check(Class<?> c) {
            String name = c.getName();
            Boolean override = contributed.get(name);
            if (override != null) {
                if (override) {
                    return;
                }
                throw new SecurityException("Rejected: " + name + " (a bundled jar's ClassFilter rejects it)");
            }
            if (c.isArray() || Throwable.class.isAssignableFrom(c) || Enum.class.isAssignableFrom(c)) {
                return;
            }
            CodeSource source = c.getProtectionDomain().getCodeSource();
            Path location = null;
            if (source != null && source.getLocation() != null) {
                try {
                    location = Path.of(source.getLocation().toURI());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
                if (trustedLocations.contains(location)) {
                    return;
                }
            }
            if (jdkWhitelist.contains(name)) {
                return;
            }
            throw new SecurityException("Rejected: " + name + " in " + (location == null ? "the JDK" : location)
                    + "; see https://jenkins.io/redirect/class-filter/");
        }
    }

    static {
        // The value types this test sends must stay serializable in the first place.
        assertThat(Serializable.class.isAssignableFrom(BuildOnAgent.Reply.class)).isTrue();
    }
}
