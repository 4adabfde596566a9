package io.buildchain.offline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The real Jenkins API the stubs stand for: the declarations and erased descriptors of
 * {@value #SPEC} (read from the real classes; its header names the versions) plus {@value #ADDED} (members the
 * stubs needed later, in the same format, each read from the real sources at the versions bom-2.541.x pins). Tests hold the stubs and the
 * plugin's bytecode to it, so a stub cannot claim a member the real class does not have.
 *
 * <p>Format: {@code type <header>} then {@code   member <declaration> | <erased descriptor>} per member, as
 * {@code javap -p -s} prints them; {@code #} starts a comment.
 */
public final class Signatures {
    public static final String SPEC = "io/buildchain/offline/jenkins-2.541.3-signatures.txt";
    public static final String ADDED = "io/buildchain/offline/signatures-added.txt";
    private static final Set<String> MODIFIERS = Set.of("public", "protected", "private", "static", "final",
            "abstract", "synchronized", "default", "native", "strictfp", "transient", "volatile");

    /** A class, interface or annotation, with its supertypes erased. */
    public record Type(String name, String kind, Set<String> modifiers, String superclass, List<String> interfaces,
            Map<String, Member> members, String source) {
    }

    /** A constructor ({@code <init>}), static initializer ({@code <clinit>}), method or field. */
    public record Member(String name, String descriptor, Set<String> modifiers, String declaration) {
        public boolean isField() {
            return !descriptor.startsWith("(");
        }
    }

    private final Map<String, Type> types;

    private Signatures(Map<String, Type> types) {
        this.types = types;
    }

    /** The real declarations ({@value #SPEC}) and the supplement ({@value #ADDED}), both from this jar. */
    public static Signatures load() {
        Map<String, Type> types = new LinkedHashMap<>();
        read(SPEC, types);
        read(ADDED, types);
        return new Signatures(Map.copyOf(types));
    }

    private static void read(String resource, Map<String, Type> types) {
        try (InputStream in = Signatures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
                    "jenkins-offline-api/src/main/resources/" + resource, types);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    public Optional<Type> type(String binaryName) {
        return Optional.ofNullable(types.get(binaryName));
    }

    public Set<String> typeNames() {
        return types.keySet();
    }

    private static void parse(BufferedReader in, String source, Map<String, Type> types) throws IOException {
        Type current = null;
        int number = 0;
        for (String line; (line = in.readLine()) != null; ) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String where = source + ":" + number;
            if (text.startsWith("type ")) {
                Type declared = header(text.substring(5), source);
                Type known = types.get(declared.name());
                if (known == null) {
                    types.put(declared.name(), declared);
                    current = declared;
                } else if (sameHeader(known, declared)) {
                    current = known; // more members of a type the spec file already has
                } else {
                    throw new IllegalStateException(where + ": the header of " + declared.name() + " differs from "
                            + "the one in " + known.source() + "; repeat that header exactly to add members");
                }
            } else if (text.startsWith("member ")) {
                if (current == null) {
                    throw new IllegalStateException(where + ": member before any type");
                }
                Member member = member(text.substring(7), current.name(), where);
                current.members().put(member.name() + member.descriptor(), member);
            } else {
                throw new IllegalStateException(where + ": expected \"type ...\" or \"member ... | descriptor\"");
            }
        }
    }

    private static Type header(String header, String source) {
        List<String> tokens = List.of(eraseGenerics(header).replace(",", " , ").trim().split("\\s+"));
        Set<String> modifiers = new LinkedHashSet<>();
        int i = 0;
        while (MODIFIERS.contains(tokens.get(i))) {
            modifiers.add(tokens.get(i++));
        }
        String kind = tokens.get(i++);
        String name = tokens.get(i++);
        String superclass = kind.equals("class") ? "java.lang.Object" : null;
        List<String> interfaces = new ArrayList<>();
        String clause = null;
        for (; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.equals("extends") || token.equals("implements")) {
                clause = token;
            } else if (!token.equals(",")) {
                if (clause.equals("extends") && kind.equals("class")) {
                    superclass = token;
                } else {
                    interfaces.add(token);
                }
            }
        }
        return new Type(name, kind, modifiers, superclass, interfaces, new LinkedHashMap<>(), source);
    }

    private static boolean sameHeader(Type a, Type b) {
        return a.kind().equals(b.kind()) && a.modifiers().equals(b.modifiers())
                && java.util.Objects.equals(a.superclass(), b.superclass()) && a.interfaces().equals(b.interfaces());
    }

    private static Member member(String text, String owner, String where) {
        int bar = text.lastIndexOf(" | ");
        if (bar < 0) {
            throw new IllegalStateException(where + ": expected \"<declaration> | <erased descriptor>\"");
        }
        String declaration = text.substring(0, bar).strip();
        String descriptor = text.substring(bar + 3).strip();
        if (declaration.equals("static {}")) {
            return new Member("<clinit>", descriptor, Set.of("static"), declaration);
        }
        String erased = eraseGenerics(declaration);
        int paren = erased.indexOf('(');
        String head = paren < 0 ? erased : erased.substring(0, paren);
        List<String> tokens = List.of(head.trim().split("\\s+"));
        Set<String> modifiers = new LinkedHashSet<>();
        for (String token : tokens) {
            if (MODIFIERS.contains(token)) {
                modifiers.add(token);
            }
        }
        String name = tokens.get(tokens.size() - 1);
        if (paren >= 0 && name.equals(owner)) {
            name = "<init>";
        }
        return new Member(name, descriptor, modifiers, declaration);
    }

    /** Drops every {@code <...>}: type parameters and arguments do not exist at run time. */
    static String eraseGenerics(String text) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : text.toCharArray()) {
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
