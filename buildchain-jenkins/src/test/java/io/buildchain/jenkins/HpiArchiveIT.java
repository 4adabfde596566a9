package io.buildchain.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.offline.Signatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * target/buildchain.hpi as a Jenkins 2.541.3 administrator installs it: the manifest maven-hpi-plugin writes, the
 * plugin jar under WEB-INF/lib carrying the same plugin manifest, the bundled libraries and nothing of
 * jenkins-offline-api, the .stapler and @Symbol index files, and every class and member the plugin's bytecode
 * references found in the archive, in a declared plugin dependency, in the JDK, in a library core ships, or in
 * Jenkins core as the real signatures record it (so a stub that lied would show here as a reference the real class lacks).
 */
class HpiArchiveIT {
    static final String PLUGIN_JAR = "buildchain.jar";
    /** The plugin that holds each package of Jenkins plugin classes the plugin may use, by short name. */
    static final Map<String, String> PLUGIN_PACKAGES = Map.of("org.jenkinsci.plugins.workflow.steps.",
            "workflow-step-api", "org.jenkinsci.plugins.workflow.cps.", "workflow-cps",
            "com.cloudbees.groovy.cps.", "workflow-cps", "org.jenkinsci.plugins.docker.workflow.", "docker-workflow",
            "org.jenkinsci.plugins.structs.", "structs", "org.jenkinsci.Symbol", "structs");

    @TempDir
    Path dir;
    PackagedPlugin plugin;

    @BeforeEach
    void open() throws IOException {
        plugin = PackagedPlugin.open(Files.createDirectories(dir.resolve("WEB-INF/lib")));
    }

    @AfterEach
    void close() throws IOException {
        plugin.close();
    }

    @Test
    void theManifestIsThePluginManifestMavenHpiPluginWrites() {
        Attributes main = plugin.manifest.getMainAttributes();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Short-Name", "buildchain");
        expected.put("Artifact-Id", "buildchain");
        expected.put("Long-Name", "Build chain");
        expected.put("Group-Id", "io.buildchain");
        expected.put("Plugin-Version", System.getProperty("project.version"));
        expected.put("Implementation-Version", System.getProperty("project.version"));
        expected.put("Jenkins-Version", "2.541.3");
        expected.put("Hudson-Version", "2.541.3");
        expected.put("Minimum-Java-Version", "17");
        expected.put("Plugin-Dependencies", "workflow-step-api:710.v3e456cc85233,structs:362.va_b_695ef4fdf9,"
                + "workflow-cps:4259.vf653c2b_8a_b_69;resolution:=optional,"
                + "docker-workflow:634.vedc7242b_eda_7;resolution:=optional");
        expected.forEach((name, value) -> assertThat(main.getValue(name)).as(name).isEqualTo(value));
        assertThat(main.getValue("Url")).startsWith("https://");
        assertThat(main.getValue("Plugin-Version")).isNotBlank();
        assertThat(PackagedPlugin.isPluginManifest(plugin.manifest)).isTrue();

        // The plugin jar carries the same plugin attributes: the class filter and the plugin manager read them.
        Attributes jar = plugin.manifestOf(PLUGIN_JAR).getMainAttributes();
        for (Object name : main.keySet()) {
            if (!name.toString().equals("Manifest-Version")) {
                assertThat(jar.getValue(name.toString())).as(PLUGIN_JAR + " " + name).isEqualTo(main.getValue(
                        name.toString()));
            }
        }
    }

    @Test
    void webInfLibHoldsThePluginJarAndTheLibrariesItNeedsAndNoStub() throws IOException {
        List<String> withPluginManifest = plugin.jars.keySet().stream()
                .filter(jar -> PackagedPlugin.isPluginManifest(plugin.manifestOf(jar))).toList();
        assertThat(withPluginManifest).containsExactly(PLUGIN_JAR);
        assertThat(plugin.jars.keySet().stream().map(jar -> jar.replaceFirst("-[0-9][^-]*(-SNAPSHOT)?\\.jar$", "")))
                .containsExactlyInAnyOrder("buildchain.jar", "buildchain-core", "buildchain-serial", "jSerialComm",
                        "bcprov-jdk18on", "jackson-databind", "jackson-core", "jackson-annotations",
                        "commons-compress", "commons-lang3", "xz", "asm", "asm-tree", "asm-analysis", "asm-util",
                        "java-diff-utils", "aircompressor");
        try (JarFile zip = new JarFile(plugin.hpi.toFile())) {
            assertThat(zip.stream().map(e -> e.getName()).filter(n -> !n.endsWith("/")))
                    .allMatch(n -> n.equals("META-INF/MANIFEST.MF") || n.startsWith("WEB-INF/lib/"));
            // Reproducible: every entry carries project.build.outputTimestamp, none the time of the build.
            assertThat(zip.stream().map(e -> e.getTimeLocal()).distinct()).as("entry times").hasSize(1);
        }
        try (JarFile jar = new JarFile(plugin.jars.get(PLUGIN_JAR).toFile())) {
            assertThat(jar.stream().map(e -> e.getTimeLocal()).distinct()).as(PLUGIN_JAR + " entry times").hasSize(1);
        }

        Set<String> stubClasses = new TreeSet<>();
        try (JarFile offline = new JarFile(plugin.core.toFile())) {
            offline.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).forEach(stubClasses::add);
        }
        assertThat(stubClasses).contains("hudson/FilePath.class", "org/kohsuke/stapler/HttpResponses.class");
        for (String jar : plugin.jars.keySet()) {
            assertThat(plugin.entriesOf(jar)).as(jar).doesNotContainAnyElementsOf(stubClasses);
        }
    }

    @Test
    void everyDataBoundConstructorAndFormCheckHasItsStaplerFileAndEverySymbolIsIndexed() {
        Map<String, ClassInfo> classes = pluginClasses();
        Set<String> symbols = new TreeSet<>();
        int constructors = 0;
        for (ClassInfo c : classes.values()) {
            if (c.annotations.contains("Lorg/jenkinsci/Symbol;")) {
                symbols.add(c.name.replace('/', '.'));
            }
            if (c.dataBoundConstructorParameters != null) {
                constructors++;
                byte[] file = plugin.read(PLUGIN_JAR, c.name.replace('$', '/') + ".stapler");
                assertThat(file).as(c.name + ".stapler").isNotNull();
                assertThat(new String(file, StandardCharsets.ISO_8859_1).lines().filter(l -> !l.startsWith("#")))
                        .containsExactly("constructor=" + String.join(",", c.dataBoundConstructorParameters));
            }
        }
        assertThat(constructors).as("the four steps").isEqualTo(4);
        int webMethods = 0;
        for (ClassInfo c : classes.values()) {
            for (var method : c.webMethods.entrySet()) {
                webMethods++;
                String name = c.name.replace('$', '/') + "/" + method.getKey() + ".stapler";
                byte[] file = plugin.read(PLUGIN_JAR, name);
                assertThat(file).as(name).isNotNull();
                assertThat(new String(file, StandardCharsets.UTF_8)).as(name).isEqualTo(String.join(",",
                        method.getValue()));
            }
        }
        assertThat(webMethods).as("form checks of the settings page").isGreaterThanOrEqualTo(6);
        assertThat(symbols).contains("io.buildchain.jenkins.config.BuildchainConfiguration");
        byte[] index = plugin.read(PLUGIN_JAR, "META-INF/annotations/org.jenkinsci.Symbol");
        assertThat(index).as("META-INF/annotations/org.jenkinsci.Symbol").isNotNull();
        assertThat(new String(index, StandardCharsets.UTF_8).lines()).containsExactlyElementsOf(symbols);
        assertThat(plugin.read(PLUGIN_JAR, "META-INF/annotations/hudson.Extension")).isNotEmpty();
    }

    /**
     * Since SECURITY-2824 workflow-cps compiles a plugin's .groovy resource only when a GroovySourceFileAllowlist
     * extension allows its URL (else buildchainBuild dies with ClassNotFoundException): the extensions the plugin's
     * sezpoz index lists, instantiated as Jenkins does, allow every .groovy of the plugin jar by the URL the plugin's
     * class loader gives, and nothing else of that name.
     */
    @Test
    void everyGroovyResourceOfThePluginIsAllowedByAnAllowlistExtensionOfThePlugin() throws Exception {
        Class<?> point = plugin.loader.loadClass("org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist");
        @SuppressWarnings("unchecked")
        Class<java.lang.annotation.Annotation> extension = (Class<java.lang.annotation.Annotation>) plugin.loader
                .loadClass("hudson.Extension");
        List<Object> allowlists = new ArrayList<>();
        for (var item : net.java.sezpoz.Index.load(extension, Object.class, plugin.loader)) {
            if (item.element() instanceof Class<?> c && point.isAssignableFrom(c)) {
                allowlists.add(item.instance());
            }
        }
        assertThat(allowlists).as("GroovySourceFileAllowlist extensions in the sezpoz index").isNotEmpty();
        var isAllowed = point.getMethod("isAllowed", String.class);
        List<String> groovy = plugin.entriesOf(PLUGIN_JAR).stream().filter(n -> n.endsWith(".groovy")).toList();
        assertThat(groovy).contains("io/buildchain/jenkins/pipeline/BuildchainBuild.groovy");
        for (String entry : groovy) {
            String url = plugin.loader.getResource(entry).toExternalForm();
            assertThat(url).startsWith("jar:file:").endsWith(PLUGIN_JAR + "!/" + entry);
            boolean allowed = false;
            for (Object allowlist : allowlists) {
                allowed |= (boolean) isAllowed.invoke(allowlist, url);
                // The same path elsewhere (another plugin's jar, a directory) is not this plugin's file.
                assertThat((boolean) isAllowed.invoke(allowlist, "jar:file:/tmp/other.jar!/" + entry)).isFalse();
                assertThat((boolean) isAllowed.invoke(allowlist, "file:/tmp/classes/" + entry)).isFalse();
                assertThat((boolean) isAllowed.invoke(allowlist, url.replace(entry, "Other.groovy"))).isFalse();
            }
            assertThat(allowed).as(url).isTrue();
        }
    }

    /**
     * The three steps need workflow-step-api (and the structs it requires) only: every other plugin dependency is
     * optional, so Jenkins loads the plugin without Pipeline: Groovy or Docker Pipeline. A class of an optional
     * plugin may then be linked only from an extension marked optional (Jenkins skips it when the link fails);
     * docker-workflow, reached through the Pipeline's docker variable, is linked from no class at all.
     */
    @Test
    void everyPluginDependencyTheStepsDoNotNeedIsOptionalAndLinkedOnlyFromOptionalExtensions() throws Exception {
        Map<String, Boolean> optional = new LinkedHashMap<>();
        for (String dependency : plugin.manifest.getMainAttributes().getValue("Plugin-Dependencies").split(",")) {
            optional.put(dependency.substring(0, dependency.indexOf(':')),
                    dependency.endsWith(";resolution:=optional"));
        }
        assertThat(optional).containsEntry("workflow-step-api", false).containsEntry("structs", false)
                .containsEntry("workflow-cps", true).containsEntry("docker-workflow", true).hasSize(4);

        @SuppressWarnings("unchecked")
        Class<java.lang.annotation.Annotation> extension = (Class<java.lang.annotation.Annotation>) plugin.loader
                .loadClass("hudson.Extension");
        Set<String> optionalExtensions = new TreeSet<>();
        for (var item : net.java.sezpoz.Index.load(extension, Object.class, plugin.loader)) {
            if ((boolean) extension.getMethod("optional").invoke(item.annotation())) {
                optionalExtensions.add(item.className().replace('.', '/'));
            }
        }
        List<String> problems = new ArrayList<>();
        for (ClassInfo c : pluginClasses().values()) {
            for (String type : c.types) {
                String binary = type.replace('/', '.');
                PLUGIN_PACKAGES.forEach((pkg, owner) -> {
                    if (binary.startsWith(pkg) && optional.getOrDefault(owner, false)
                            && (owner.equals("docker-workflow") || !optionalExtensions.contains(c.name.split("\\$")[0]))) {
                        problems.add(c.name + " links " + binary + " of the optional plugin " + owner);
                    }
                });
            }
        }
        assertThat(problems).isEmpty();
        assertThat(optionalExtensions).contains("io/buildchain/jenkins/pipeline/BuildchainBuildVariable",
                "io/buildchain/jenkins/pipeline/BuildchainGroovyAllowlist");
    }

    /** Compiled with -parameters: Stapler reads names by reflection, not with BytecodeReadingParanamer and a warning. */
    @Test
    void everyMethodOfThePluginCarriesItsParameterNames() {
        List<String> without = new ArrayList<>();
        for (String entry : plugin.entriesOf(PLUGIN_JAR)) {
            if (!entry.endsWith(".class")) {
                continue;
            }
            new ClassReader(plugin.read(PLUGIN_JAR, entry)).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    boolean[] named = new boolean[1];
                    int parameters = Type.getArgumentTypes(descriptor).length;
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitParameter(String parameter, int parameterAccess) {
                            named[0] = true;
                        }

                        @Override
                        public void visitEnd() {
                            boolean synthetic = (access & (Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE)) != 0;
                            if (parameters > 0 && !named[0] && !synthetic) {
                                without.add(entry + " " + name + descriptor);
                            }
                        }
                    };
                }
            }, 0);
        }
        assertThat(without).isEmpty();
    }

    @Test
    void everyReferenceOfThePluginIsInTheArchiveADeclaredPluginJenkinsCoreOrTheJdk() {
        Signatures real = Signatures.load();
        Map<String, ClassInfo> classes = pluginClasses();
        Set<String> archived = new LinkedHashSet<>();
        plugin.jars.keySet().forEach(jar -> plugin.entriesOf(jar).stream().filter(n -> n.endsWith(".class"))
                .map(n -> n.substring(0, n.length() - 6)).forEach(archived::add));
        String dependencies = plugin.manifest.getMainAttributes().getValue("Plugin-Dependencies");
        List<String> problems = new ArrayList<>();
        for (ClassInfo c : classes.values()) {
            for (String type : c.types) {
                String why = whereIs(type, archived, real, dependencies, plugin.coreLibraries);
                if (why != null) {
                    problems.add(c.name + " uses " + type + ": " + why);
                }
            }
            for (String[] ref : c.members) {
                if (!resolves(ref[0], ref[1], ref[2], classes, real, new HashMap<>())) {
                    problems.add(c.name + " calls " + ref[0].replace('/', '.') + "." + ref[1] + ref[2]
                            + ": no such member in the real class or its supertypes");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Null when the type is available to the plugin in Jenkins, else why not. */
    private static String whereIs(String internal, Set<String> archived, Signatures real, String dependencies,
            ClassLoader coreLibraries) {
        if (archived.contains(internal)) {
            return null;
        }
        String binary = internal.replace('/', '.');
        if (real.type(binary).isPresent()) {
            for (var p : PLUGIN_PACKAGES.entrySet()) {
                if (binary.startsWith(p.getKey())) {
                    return dependencies.contains(p.getValue() + ":") ? null
                            : "in the plugin " + p.getValue() + ", which Plugin-Dependencies does not name";
                }
            }
            // Core's own packages; anything else of a plugin must be mapped above to be checked.
            return binary.startsWith("org.jenkinsci.plugins.") ? "in a plugin PLUGIN_PACKAGES does not know" : null;
        }
        try {
            Class.forName(binary, false, coreLibraries); // the JDK, or a real library core ships
            return null;
        } catch (ClassNotFoundException e) {
            return "not in the archive, a declared plugin, the JDK, nor Jenkins core per the real signatures";
        }
    }

    private static boolean resolves(String owner, String name, String descriptor, Map<String, ClassInfo> plugin,
            Signatures real, Map<String, Boolean> seen) {
        return resolves(owner, name, descriptor, plugin, real, seen, false);
    }

    /** @param inherited whether {@code owner} is reached as a supertype of a Jenkins or plugin class */
    private static boolean resolves(String owner, String name, String descriptor, Map<String, ClassInfo> plugin,
            Signatures real, Map<String, Boolean> seen, boolean inherited) {
        if (seen.put(owner, true) != null) {
            return false;
        }
        List<String> supers = new ArrayList<>();
        ClassInfo own = plugin.get(owner);
        var type = real.type(owner.replace('/', '.'));
        if (own != null) {
            if (own.declared.contains(name + descriptor)) {
                return true;
            }
            if (own.superName != null) {
                supers.add(own.superName);
            }
            supers.addAll(own.interfaces);
        } else if (type.isPresent()) {
            if (type.get().members().containsKey(name + descriptor)) {
                return true;
            }
            if (type.get().superclass() != null) {
                supers.add(type.get().superclass().replace('.', '/'));
            }
            type.get().interfaces().forEach(i -> supers.add(i.replace('.', '/')));
            if (type.get().kind().equals("interface")) {
                supers.add("java/lang/Object");
            }
        } else if (owner.startsWith("java/")) {
            // Used directly, the JDK is what javac compiled against; reached from a Jenkins type, it must declare it.
            return !inherited || declaredByTheJdk(owner, name, descriptor);
        } else {
            // The bundled libraries were compiled against as they ship; only Jenkins' side can lie.
            return !(owner.startsWith("hudson/") || owner.startsWith("jenkins/") || owner.startsWith("org/kohsuke/")
                    || owner.startsWith("org/jenkinsci/"));
        }
        return supers.stream().anyMatch(s -> resolves(s, name, descriptor, plugin, real, seen, true));
    }

    private static boolean declaredByTheJdk(String owner, String name, String descriptor) {
        try {
            Class<?> c = Class.forName(owner.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            if (descriptor.startsWith("(")) {
                for (var m : c.getMethods()) {
                    if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)) {
                        return true;
                    }
                }
                for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                    for (var m : k.getDeclaredMethods()) {
                        if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)) {
                            return true;
                        }
                    }
                }
                return false;
            }
            for (var f : c.getFields()) {
                if (f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)) {
                    return true;
                }
            }
            return false;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** What the check needs of one compiled class of the plugin. */
    static final class ClassInfo {
        String name;
        String superName;
        List<String> interfaces = List.of();
        final Set<String> declared = new LinkedHashSet<>();
        final Set<String> types = new TreeSet<>();
        final List<String[]> members = new ArrayList<>();
        final Set<String> annotations = new LinkedHashSet<>();
        List<String> dataBoundConstructorParameters;
        /** Methods taking a @QueryParameter, with their parameter names. */
        final Map<String, List<String>> webMethods = new LinkedHashMap<>();
    }

    private Map<String, ClassInfo> pluginClasses() {
        Map<String, ClassInfo> out = new LinkedHashMap<>();
        for (String entry : plugin.entriesOf(PLUGIN_JAR)) {
            if (entry.endsWith(".class")) {
                ClassInfo info = read(plugin.read(PLUGIN_JAR, entry));
                out.put(info.name, info);
            }
        }
        assertThat(out).containsKey("io/buildchain/jenkins/steps/ManifestStep");
        return out;
    }

    private static ClassInfo read(byte[] bytes) {
        ClassInfo info = new ClassInfo();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                info.name = name;
                info.superName = superName;
                info.interfaces = List.of(interfaces);
                type(superName);
                for (String i : interfaces) {
                    type(i);
                }
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                info.annotations.add(descriptor);
                descriptorTypes(descriptor);
                return null;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                    Object value) {
                info.declared.add(name + descriptor);
                descriptorTypes(descriptor);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                info.declared.add(name + descriptor);
                descriptorTypes(descriptor);
                // The local-variable slot of each parameter: names come from the table by slot, not by order.
                Map<Integer, Integer> slots = new LinkedHashMap<>();
                int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
                Type[] arguments = Type.getArgumentTypes(descriptor);
                for (int i = 0; i < arguments.length; i++) {
                    slots.put(slot, i);
                    slot += arguments[i].getSize();
                }
                String[] parameterNames = new String[arguments.length];
                Label[] codeStart = new Label[1];
                List<String> names = new ArrayList<>();
                boolean[] dataBound = new boolean[1];
                boolean[] queryParameter = new boolean[1];
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        descriptorTypes(annotation);
                        dataBound[0] |= name.equals("<init>")
                                && annotation.equals("Lorg/kohsuke/stapler/DataBoundConstructor;");
                        return null;
                    }

                    @Override
                    public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation,
                            boolean visible) {
                        descriptorTypes(annotation);
                        queryParameter[0] |= annotation.equals("Lorg/kohsuke/stapler/QueryParameter;");
                        return null;
                    }

                    @Override
                    public void visitLocalVariable(String local, String desc, String sig, Label start, Label end,
                            int index) {
                        Integer parameter = slots.get(index);
                        if (parameter != null && start == codeStart[0] && parameterNames[parameter] == null) {
                            parameterNames[parameter] = local;
                        }
                    }

                    @Override
                    public void visitLabel(Label label) {
                        if (codeStart[0] == null) {
                            codeStart[0] = label; // parameters are live from the first instruction
                        }
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        member(owner, method, desc);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                        member(owner, field, desc);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        type(type);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                            type(t.getInternalName());
                        }
                    }

                    @Override
                    public void visitEnd() {
                        names.addAll(java.util.Arrays.asList(parameterNames)); // null when there is no table
                        if (dataBound[0]) {
                            info.dataBoundConstructorParameters = names;
                        }
                        if (queryParameter[0]) {
                            info.webMethods.put(name, names);
                        }
                    }
                };
            }

            private void member(String owner, String name, String descriptor) {
                type(owner);
                descriptorTypes(descriptor);
                if (!owner.startsWith("[")) {
                    info.members.add(new String[] {owner, name, descriptor});
                }
            }

            private void descriptorTypes(String descriptor) {
                Type t = Type.getType(descriptor);
                if (t.getSort() == Type.METHOD) {
                    descriptorTypes(t.getReturnType().getDescriptor());
                    for (Type a : t.getArgumentTypes()) {
                        descriptorTypes(a.getDescriptor());
                    }
                } else if (t.getSort() == Type.ARRAY) {
                    descriptorTypes(t.getElementType().getDescriptor());
                } else if (t.getSort() == Type.OBJECT) {
                    type(t.getInternalName());
                }
            }

            private void type(String internal) {
                if (internal != null) {
                    if (internal.startsWith("[")) {
                        descriptorTypes(internal);
                    } else {
                        info.types.add(internal);
                    }
                }
            }
        }, 0);
        return info;
    }
}
