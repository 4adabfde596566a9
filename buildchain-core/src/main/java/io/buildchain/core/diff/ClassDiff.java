package io.buildchain.core.diff;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceMethodVisitor;

/** Which parts of two class files differ: the version, the constant pool, which methods' code (with ASM). */
final class ClassDiff {
    private static final int MAX_EXAMPLES = 3;
    private static final int MAX_METHODS = 5;

    private ClassDiff() {
    }

    /**
     * @param major class file major versions of each side, so callers can name a JDK difference
     * @param lines what differs, each line naming both sides; the last lines may be a bounded code diff
     */
    record Result(int majorA, int majorB, List<String> lines) {
    }

    static boolean isClass(byte[] bytes) {
        return bytes.length >= 10 && (bytes[0] & 0xff) == 0xca && (bytes[1] & 0xff) == 0xfe
                && (bytes[2] & 0xff) == 0xba && (bytes[3] & 0xff) == 0xbe;
    }

    static int major(byte[] bytes) {
        return (bytes[6] & 0xff) << 8 | (bytes[7] & 0xff);
    }

    static String java(int major) {
        return major + (major >= 49 ? " (Java " + (major - 44) + ")" : "");
    }

    static Result compare(byte[] a, byte[] b, String labelA, String labelB) {
        int majorA = major(a);
        int majorB = major(b);
        List<String> lines = new ArrayList<>();
        if (majorA != majorB) {
            lines.add("class file version: " + labelA + " " + java(majorA) + " vs " + labelB + " " + java(majorB));
        }
        Parsed pa;
        Parsed pb;
        try {
            pa = Parsed.of(a);
            pb = Parsed.of(b);
        } catch (RuntimeException e) {
            lines.add("cannot parse as a class file: " + e.getMessage());
            return new Result(majorA, majorB, lines);
        }
        if (!pa.constants.equals(pb.constants) || pa.constantCount != pb.constantCount) {
            TreeSet<String> onlyA = new TreeSet<>(pa.constants);
            onlyA.removeAll(pb.constants);
            TreeSet<String> onlyB = new TreeSet<>(pb.constants);
            onlyB.removeAll(pa.constants);
            lines.add("constant pool: " + labelA + " " + pa.constantCount + " entries vs " + labelB + " "
                    + pb.constantCount + examples("; only in " + labelA + ": ", onlyA)
                    + examples("; only in " + labelB + ": ", onlyB));
        }
        List<String> differing = new ArrayList<>();
        for (String method : pa.methods.keySet()) {
            String codeB = pb.methods.get(method);
            if (codeB == null) {
                lines.add("method " + method + ": only in " + labelA);
            } else if (!codeB.equals(pa.methods.get(method))) {
                differing.add(method);
            }
        }
        for (String method : pb.methods.keySet()) {
            if (!pa.methods.containsKey(method)) {
                lines.add("method " + method + ": only in " + labelB);
            }
        }
        if (!differing.isEmpty()) {
            lines.add("code differs in " + differing.size() + " method(s): "
                    + String.join(", ", differing.subList(0, Math.min(MAX_METHODS, differing.size())))
                    + (differing.size() > MAX_METHODS ? ", …" : ""));
            String first = differing.get(0);
            TextDiff.diff(pa.methods.get(first), pb.methods.get(first), labelA + " " + first, labelB + " " + first)
                    .ifPresent(diff -> lines.addAll(TextDiff.bound(diff.unified().subList(0,
                            Math.min(diff.unified().size(), 20)))));
        }
        if (lines.isEmpty()) {
            lines.add("same version, constants and code: the difference is in attributes, fields or their order");
        }
        return new Result(majorA, majorB, lines);
    }

    private static String examples(String prefix, TreeSet<String> values) {
        if (values.isEmpty()) {
            return "";
        }
        List<String> shown = new ArrayList<>();
        for (String value : values) {
            if (shown.size() == MAX_EXAMPLES) {
                shown.add("… (" + (values.size() - MAX_EXAMPLES) + " more)");
                break;
            }
            shown.add("\"" + (value.length() > 60 ? value.substring(0, 60) + "…" : value) + "\"");
        }
        return prefix + String.join(", ", shown);
    }

    /** The UTF-8 constants and each method's disassembled code (ASM's Textifier, frames left out). */
    private record Parsed(int constantCount, TreeSet<String> constants, Map<String, String> methods) {
        static Parsed of(byte[] bytes) {
            byte[] readable = bytes;
            if (major(bytes) > (Opcodes.V24 & 0xffff)) {
                // ASM refuses versions newer than it knows; the layout is the same, and we report the real one.
                readable = bytes.clone();
                readable[6] = 0;
                readable[7] = (byte) Opcodes.V24;
            }
            ClassReader reader = new ClassReader(readable);
            TreeSet<String> constants = new TreeSet<>();
            for (int i = 1; i < reader.getItemCount(); i++) {
                int offset = reader.getItem(i);
                if (offset > 0 && readable[offset - 1] == 1) {
                    // A CONSTANT_Utf8: u2 length, then (modified) UTF-8, close enough to UTF-8 to show.
                    constants.add(new String(readable, offset + 2, reader.readUnsignedShort(offset),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            Map<String, String> methods = new LinkedHashMap<>();
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    Textifier text = new Textifier(Opcodes.ASM9) {
                        @Override
                        public void visitMethodEnd() {
                            StringWriter out = new StringWriter();
                            print(new PrintWriter(out));
                            methods.put(name + descriptor, out.toString());
                        }
                    };
                    return new TraceMethodVisitor(text);
                }
            }, ClassReader.SKIP_FRAMES);
            return new Parsed(reader.getItemCount(), constants, methods);
        }
    }
}
