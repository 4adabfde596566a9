package io.buildchain.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Every compiled stub against the real signatures: same kind and modifiers, the same superclass, only real
 * interfaces, and every declared member (constructors and static initializers included) present with the same
 * erased descriptor and modifiers (private members are not API and are skipped). A stub that differs compiles here and dies in Jenkins with NoSuchMethodError.
 */
class StubSignaturesTest {
    static final Path CLASSES = Path.of("target/classes");

    @Test
    void everyStubMatchesTheRealDeclarations() throws IOException {
        Signatures real = Signatures.load();
        List<String> differences = new ArrayList<>();
        List<Path> stubs = stubClasses();
        assertThat(stubs).hasSizeGreaterThanOrEqualTo(56);
        for (Path file : stubs) {
            differences.addAll(compare(read(file), real));
        }
        assertThat(differences).as("stubs that differ from the real classes (add the real line to "
                + Signatures.ADDED + " first when a stub needs a new member)").isEmpty();
    }

    @Test
    void theCheckCatchesEachKindOfDrift() {
        Signatures real = Signatures.load();
        Stub redirect = new Stub("org.kohsuke.stapler.HttpResponses", Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER,
                "java.lang.Object", List.of());
        redirect.members.add(new Stub.Member("<init>", "()V", Opcodes.ACC_PUBLIC));
        redirect.members.add(new Stub.Member("redirectTo", "(Ljava/lang/String;)Lorg/kohsuke/stapler/HttpResponse;",
                Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC));
        assertThat(compare(redirect, real)).singleElement().asString()
                .contains("redirectTo(Ljava/lang/String;)Lorg/kohsuke/stapler/HttpResponse;");

        Stub finalAbort = new Stub("hudson.AbortException", Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL,
                "java.io.IOException", List.of());
        assertThat(compare(finalAbort, real)).singleElement().asString().contains("final");

        Stub implicitConstructor = new Stub("hudson.model.Label", Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT,
                "hudson.model.Actionable", List.of());
        implicitConstructor.members.add(new Stub.Member("<init>", "()V", Opcodes.ACC_PUBLIC));
        assertThat(compare(implicitConstructor, real)).singleElement().asString().contains("<init>()V");

        Stub staticness = new Stub("hudson.model.Label", Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT,
                "hudson.model.Actionable", List.of());
        staticness.members.add(new Stub.Member("parseExpression", "(Ljava/lang/String;)Lhudson/model/Label;",
                Opcodes.ACC_PUBLIC));
        assertThat(compare(staticness, real)).singleElement().asString().contains("static");

        Stub wrongSuper = new Stub("hudson.model.Run", Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT,
                "java.lang.Object", List.of("java.io.Serializable"));
        assertThat(compare(wrongSuper, real)).hasSize(2);

        Stub unknown = new Stub("hudson.model.Nothing", Opcodes.ACC_PUBLIC, "java.lang.Object", List.of());
        assertThat(compare(unknown, real)).singleElement().asString().contains("not in the real signatures");
    }

    @Test
    void staplersParameterAndVerbAnnotationsCarryTheirMetaAnnotations() {
        // What Stapler reads at run time to inject @QueryParameter values and route @POST methods.
        assertThat(org.kohsuke.stapler.QueryParameter.class.getAnnotation(org.kohsuke.stapler.InjectedParameter.class)
                .value()).isEqualTo(org.kohsuke.stapler.QueryParameter.HandlerImpl.class);
        var verb = org.kohsuke.stapler.verb.POST.class.getAnnotation(
                org.kohsuke.stapler.interceptor.InterceptorAnnotation.class);
        assertThat(verb.value()).isEqualTo(org.kohsuke.stapler.verb.HttpVerbInterceptor.class);
        assertThat(verb.stage()).isEqualTo(org.kohsuke.stapler.interceptor.Stage.SELECTION);
    }

    static List<String> compare(Stub stub, Signatures real) {
        List<String> out = new ArrayList<>();
        var known = real.type(stub.name);
        if (known.isEmpty()) {
            out.add(stub.name + ": not in the real signatures");
            return out;
        }
        Signatures.Type type = known.get();
        // As javap prints them: annotations are interfaces, enums are (final) classes.
        String kind = (stub.access & Opcodes.ACC_INTERFACE) != 0 ? "interface" : "class";
        if (!kind.equals(type.kind())) {
            out.add(stub.name + ": a " + kind + ", really a " + type.kind());
        }
        Set<String> modifiers = classModifiers(stub.access, kind);
        if (!modifiers.equals(type.modifiers())) {
            out.add(stub.name + ": modifiers " + modifiers + ", really " + type.modifiers());
        }
        if (kind.equals("class") && !stub.superclass.equals(type.superclass())) {
            out.add(stub.name + ": extends " + stub.superclass + ", really " + type.superclass());
        }
        for (String implemented : stub.interfaces) {
            if (!type.interfaces().contains(implemented) && !implemented.equals("java.lang.annotation.Annotation")) {
                out.add(stub.name + ": implements " + implemented + ", really only " + type.interfaces());
            }
        }
        for (Stub.Member member : stub.members) {
            if ((member.access() & Opcodes.ACC_PRIVATE) != 0) {
                continue; // not API: a private constructor only keeps javac from adding a public one
            }
            Signatures.Member match = type.members().get(member.name() + member.descriptor());
            if (match == null) {
                out.add(stub.name + "." + member.name() + member.descriptor() + ": no such member in the real class");
                continue;
            }
            Set<String> memberModifiers = memberModifiers(member.access(), kind);
            Set<String> realModifiers = new LinkedHashSet<>(match.modifiers());
            realModifiers.retainAll(Set.of("public", "protected", "private", "static", "final", "abstract"));
            if (kind.equals("interface")) {
                realModifiers.remove("abstract");
            }
            if (!memberModifiers.equals(realModifiers)) {
                out.add(stub.name + "." + member.name() + member.descriptor() + ": " + memberModifiers + ", really "
                        + realModifiers + " (" + match.declaration() + ")");
            }
        }
        return out;
    }

    private static Set<String> classModifiers(int access, String kind) {
        Set<String> out = new LinkedHashSet<>();
        if ((access & Opcodes.ACC_PUBLIC) != 0) {
            out.add("public");
        }
        if ((access & Opcodes.ACC_FINAL) != 0) {
            out.add("final");
        }
        if ((access & Opcodes.ACC_ABSTRACT) != 0 && kind.equals("class")) {
            out.add("abstract");
        }
        return out;
    }

    private static Set<String> memberModifiers(int access, String kind) {
        Set<String> out = new LinkedHashSet<>();
        int[] flags = {Opcodes.ACC_PUBLIC, Opcodes.ACC_PROTECTED, Opcodes.ACC_PRIVATE, Opcodes.ACC_STATIC,
            Opcodes.ACC_FINAL, Opcodes.ACC_ABSTRACT};
        String[] names = {"public", "protected", "private", "static", "final", "abstract"};
        for (int i = 0; i < flags.length; i++) {
            if ((access & flags[i]) != 0) {
                out.add(names[i]);
            }
        }
        if (kind.equals("interface")) {
            out.remove("abstract");
        }
        return out;
    }

    /** The stub classes: everything compiled here except this project's own build helpers. */
    private static List<Path> stubClasses() throws IOException {
        try (Stream<Path> walk = Files.walk(CLASSES)) {
            return walk.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !CLASSES.relativize(p).startsWith("io/buildchain")).sorted().toList();
        }
    }

    static Stub read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Stub[] stub = new Stub[1];
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                        String[] interfaces) {
                    stub[0] = new Stub(name.replace('/', '.'), access, superName == null ? null
                            : superName.replace('/', '.'), Stream.of(interfaces).map(i -> i.replace('/', '.')).toList());
                }

                @Override
                public void visitInnerClass(String name, String outerName, String innerName, int access) {
                    if (name.replace('/', '.').equals(stub[0].name)) {
                        stub[0].access = access | (stub[0].access & Opcodes.ACC_INTERFACE);
                    }
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                        Object value) {
                    if ((access & Opcodes.ACC_SYNTHETIC) == 0) {
                        stub[0].members.add(new Stub.Member(name, descriptor, access));
                    }
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    if ((access & Opcodes.ACC_SYNTHETIC) == 0 || (access & Opcodes.ACC_BRIDGE) != 0) {
                        stub[0].members.add(new Stub.Member(name, descriptor, access));
                    }
                    return null;
                }
            }, ClassReader.SKIP_CODE);
            return stub[0];
        }
    }

    /** A compiled class as the check sees it. */
    static final class Stub {
        final String name;
        int access;
        final String superclass;
        final List<String> interfaces;
        final List<Member> members = new ArrayList<>();

        Stub(String name, int access, String superclass, List<String> interfaces) {
            this.name = name;
            this.access = access;
            this.superclass = superclass;
            this.interfaces = interfaces;
        }

        record Member(String name, String descriptor, int access) {
        }
    }
}
