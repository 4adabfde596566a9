package io.buildchain.jenkins;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * target/buildchain.hpi as Jenkins unpacks it into {@code plugins/buildchain/}: its jars under WEB-INF/lib, each
 * with its manifest and entries, and a class loader over them whose parent holds the Jenkins API (here the
 * jenkins-offline-api jar, standing for jenkins-core and remoting) and the libraries core ships.
 */
public final class PackagedPlugin implements AutoCloseable {
    public final Path hpi;
    public final Manifest manifest;
    /** WEB-INF/lib jar name to its unpacked path, in archive order. */
    public final Map<String, Path> jars = new LinkedHashMap<>();
    public final URLClassLoader loader;
    public final Path core;
    /** The real libraries Jenkins core 2.541.3 ships (guava, jakarta.servlet-api, json-lib, sezpoz). */
    public final URLClassLoader coreLibraries;

    private PackagedPlugin(Path hpi, Path unpacked) throws IOException {
        this.hpi = hpi;
        try (JarFile archive = new JarFile(hpi.toFile())) {
            manifest = archive.getManifest();
            for (Enumeration<JarEntry> e = archive.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (entry.getName().startsWith("WEB-INF/lib/") && entry.getName().endsWith(".jar")) {
                    Path jar = unpacked.resolve(entry.getName().substring("WEB-INF/lib/".length()));
                    try (InputStream in = archive.getInputStream(entry)) {
                        Files.copy(in, jar);
                    }
                    jars.put(jar.getFileName().toString(), jar);
                }
            }
        }
        core = Path.of(location(hudson.FilePath.class));
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars.values()) {
            urls.add(jar.toUri().toURL());
        }
        coreLibraries = new URLClassLoader("jenkins-core-libraries", new URL[] {
            Path.of(location(com.google.common.util.concurrent.FutureCallback.class)).toUri().toURL(),
            Path.of(location(jakarta.servlet.ServletRequest.class)).toUri().toURL(),
            Path.of(location(net.sf.json.JSONObject.class)).toUri().toURL(),
            Path.of(location(net.java.sezpoz.Indexable.class)).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        URLClassLoader jenkins = new URLClassLoader("jenkins", new URL[] {core.toUri().toURL()}, coreLibraries);
        loader = new URLClassLoader("plugin", urls.toArray(URL[]::new), jenkins);
    }

    /** Opens the .hpi the build just packaged (failsafe passes its path). */
    public static PackagedPlugin open(Path unpackInto) throws IOException {
        String hpi = System.getProperty("buildchain.hpi", "target/buildchain.hpi");
        Path file = Path.of(hpi);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: run ./mvnw -pl buildchain-jenkins -am verify");
        }
        return new PackagedPlugin(file, unpackInto);
    }

    /** Whether Jenkins' class filter and plugin manager take this manifest for a plugin's. */
    public static boolean isPluginManifest(Manifest manifest) {
        Attributes main = manifest.getMainAttributes();
        return main.getValue("Short-Name") != null
                && (main.getValue("Plugin-Version") != null || main.getValue("Jenkins-Version") != null)
                || "true".equals(main.getValue("Jenkins-ClassFilter-Whitelisted"));
    }

    public Manifest manifestOf(String jar) {
        try (JarFile file = new JarFile(jars.get(jar).toFile())) {
            Manifest m = file.getManifest();
            return m == null ? new Manifest() : m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry names of one bundled jar. */
    public List<String> entriesOf(String jar) {
        try (JarFile file = new JarFile(jars.get(jar).toFile())) {
            return file.stream().map(JarEntry::getName).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] read(String jar, String entry) {
        try (JarFile file = new JarFile(jars.get(jar).toFile())) {
            JarEntry found = file.getJarEntry(entry);
            if (found == null) {
                return null;
            }
            try (InputStream in = file.getInputStream(found)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String location(Class<?> type) {
        try {
            return type.getProtectionDomain().getCodeSource().getLocation().toURI().getPath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        loader.close();
        ((URLClassLoader) loader.getParent()).close();
        coreLibraries.close();
    }
}
