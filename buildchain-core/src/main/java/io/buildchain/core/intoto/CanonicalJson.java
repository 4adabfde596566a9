package io.buildchain.core.intoto;

import com.fasterxml.jackson.databind.JsonNode;
import io.buildchain.core.FormatException;
import io.buildchain.core.manifest.ManifestNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The canonical JSON that in-toto 1.x and securesystemslib sign (OLPC canonical JSON as securesystemslib's
 * {@code encode_canonical} writes it): object keys sorted by code point, no whitespace, integers only, and
 * strings with only {@code "} and {@code \} escaped (every other character, control characters included, as
 * itself), UTF-8.
 */
public final class CanonicalJson {
    private CanonicalJson() {
    }

    public static byte[] encode(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void string(String value, StringBuilder out) {
        // UTF-8 has no lone surrogate: Java would sign '?' in its place, securesystemslib fails to encode it.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(++i)))) {
                throw new FormatException("canonical JSON: a string holds a lone surrogate (U+"
                        + HexFormat.of().withUpperCase().toHexDigits(c) + "), which UTF-8 cannot encode");
            }
        }
        out.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isBoolean() || node.isNull()) {
            out.append(node.asText());
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(ManifestNames.ORDER); // code point order, as Python sorts str
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                out.append(i == 0 ? "" : ",");
                string(names.get(i), out);
                out.append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else {
            throw new FormatException("canonical JSON: a " + node.getNodeType() + " value has no canonical form "
                    + "(integers, strings, booleans, null, arrays and objects only)");
        }
    }
}
