package io.buildchain.jenkins.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Which permission each URL of the plugin checks, read from its bytecode: every public {@code do...} method Stapler
 * routes to, the Permission fields it (or a method of its class it calls) passes to a check, and whether it answers
 * POST only (Jenkins then also requires the crumb). A new web method, or a check dropped from one, fails here; what a
 * secured Jenkins (matrix authorization, an anonymous reader) answers is tried in a real Jenkins.
 */
class WebPermissionsTest {
    static final Path CLASSES = Path.of("target/classes");
    static final String READ = "hudson/model/Item.READ";
    static final String ARTIFACTS = "hudson/model/Run.ARTIFACTS";
    static final String ADMINISTER = "jenkins/model/Jenkins.ADMINISTER";

    @Test
    void everyWebMethodChecksTheRightPermissionAndChangesStateOnlyByPost() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        // The store, pages and downloads under JOB_URL/buildchain/: Item/Read on the job; files also Run/Artifacts.
        expected.put("web/JobChainAction.doIndex", "GET " + Set.of(READ, ARTIFACTS));
        expected.put("web/JobChainAction.doDynamic", "GET " + Set.of(READ, ARTIFACTS));
        expected.put("web/RunChainAction.doIndex", "GET " + Set.of(READ));
        // "Trust this key" and "Add a certificate" change what the publisher trusts: Overall/Administer, POST + crumb.
        expected.put("web/BuilderKeyAction.doTrust", "POST " + Set.of(ADMINISTER));
        expected.put("config/BuildchainConfiguration.doAddRootStatement", "POST " + Set.of(ADMINISTER));
        expected.put("config/BuildchainConfiguration.doImportBlocks", "POST " + Set.of(ADMINISTER));
        for (String field : new String[] {"RootKey", "SignerLabel", "SerialPort", "Baud", "SignerTimeout",
            "AgentWait", "SignerKey", "TrustedBuilderKeys", "DefaultQuorum"}) {
            expected.put("config/BuildchainConfiguration.doCheck" + field, "POST " + Set.of(ADMINISTER));
        }
        // The steps' form checks only apply the step's own rule to the typed value: nothing is read or changed.
        for (String check : new String[] {"SignStep$DescriptorImpl.doCheckManifest",
            "AgentsStep$DescriptorImpl.doCheckLabel", "AgentsStep$DescriptorImpl.doCheckBuilders",
            "ManifestStep$DescriptorImpl.doCheckDir", "ManifestStep$DescriptorImpl.doCheckId",
            "ManifestStep$DescriptorImpl.doCheckProject", "ManifestStep$DescriptorImpl.doCheckBranch",
            "PublishStep$DescriptorImpl.doCheckProject", "PublishStep$DescriptorImpl.doCheckBranch",
            "PublishStep$DescriptorImpl.doCheckQuorum", "PublishStep$DescriptorImpl.doCheckTrustedKeys"}) {
            expected.put("steps/" + check, "GET " + Set.of());
        }
        Map<String, String> actual = new TreeMap<>();
        webMethods().forEach((method, answer) -> actual.put(method, answer));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((method, answer) -> assertThat(sorted(actual.get(method))).as(method)
                .isEqualTo(sorted(answer)));
    }

    private static String sorted(String answer) {
        int space = answer.indexOf(' ');
        Set<String> permissions = new TreeSet<>();
        String list = answer.substring(space + 2, answer.length() - 1);
        for (String p : list.split(", ")) {
            if (!p.isEmpty()) {
                permissions.add(p);
            }
        }
        return answer.substring(0, space) + " " + permissions;
    }

    /** "package/Class.doX" to "POST|GET [permissions]" for every public do... method of the plugin. */
    private static Map<String, String> webMethods() throws IOException {
        Map<String, String> out = new HashMap<>();
        Path root = CLASSES.resolve("io/buildchain/jenkins");
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".class")).toList()) {
                String owner = root.relativize(file).toString().replace(".class", "");
                Map<String, Set<String>> permissions = new HashMap<>();
                Map<String, Set<String>> calls = new HashMap<>();
                Map<String, Boolean> post = new HashMap<>();
                Set<String> web = new HashSet<>();
                new ClassReader(Files.readAllBytes(file)).accept(new ClassVisitor(Opcodes.ASM9) {
                    String self;

                    @Override
                    public void visit(int version, int access, String name, String signature, String superName,
                            String[] interfaces) {
                        self = name;
                    }

                    @Override
                    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                            String[] exceptions) {
                        if (name.startsWith("do") && (access & Opcodes.ACC_PUBLIC) != 0
                                && (access & Opcodes.ACC_SYNTHETIC) == 0) {
                            web.add(name);
                        }
                        Set<String> checked = permissions.computeIfAbsent(name, k -> new TreeSet<>());
                        Set<String> called = calls.computeIfAbsent(name, k -> new HashSet<>());
                        post.put(name, false);
                        return new MethodVisitor(Opcodes.ASM9) {
                            @Override
                            public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                                if (annotation.equals("Lorg/kohsuke/stapler/verb/POST;")) {
                                    post.put(name, true);
                                }
                                return null;
                            }

                            @Override
                            public void visitFieldInsn(int opcode, String fieldOwner, String field, String desc) {
                                if (opcode == Opcodes.GETSTATIC && desc.equals("Lhudson/security/Permission;")) {
                                    checked.add(fieldOwner + "." + field);
                                }
                            }

                            @Override
                            public void visitMethodInsn(int opcode, String callOwner, String method, String desc,
                                    boolean itf) {
                                if (callOwner.equals(self)) {
                                    called.add(method);
                                }
                            }
                        };
                    }
                }, 0);
                for (String method : web) {
                    Set<String> all = new TreeSet<>();
                    collect(method, permissions, calls, all, new HashSet<>());
                    out.put(owner + "." + method, (post.get(method) ? "POST " : "GET ") + all);
                }
            }
        }
        return out;
    }

    private static void collect(String method, Map<String, Set<String>> permissions, Map<String, Set<String>> calls,
            Set<String> into, Set<String> seen) {
        if (!seen.add(method) || !permissions.containsKey(method)) {
            return;
        }
        into.addAll(permissions.get(method));
        calls.get(method).forEach(m -> collect(m, permissions, calls, into, seen));
    }
}
