package io.buildchain.core.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.buildchain.core.FormatException;
import io.buildchain.core.hash.Digest;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * Strict manifest parser. Every rejection names the source and the field. Unknown top-level fields are
 * ignored, as the original does; everything about {@code time} and {@code files} is checked.
 */
final class ManifestParser {
    /** 64 MiB holds about half a million file entries: more than any release, less than an attack. */
    static final int MAX_BYTES = 64 << 20;
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();

    private ManifestParser() {
    }

    static Manifest parse(byte[] json, String source) {
        if (json.length > MAX_BYTES) {
            throw new FormatException(source + ": manifest is " + json.length + " bytes, more than the "
                    + MAX_BYTES + " allowed");
        }
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new FormatException(source + ": expected a JSON object with fields \"time\" and \"files\"");
            }
            Long time = null;
            TreeMap<String, Digest> files = null;
            Set<String> seen = new HashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (!seen.add(field)) {
                    throw new FormatException(source + ": field \"" + field + "\" appears twice");
                }
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "time" -> time = parseTime(parser, value, source);
                    case "files" -> files = parseFiles(parser, value, source);
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new FormatException(source + ": unexpected data after the manifest object");
            }
            if (time == null) {
                throw new FormatException(source + ": missing field \"time\" (source time, Unix seconds)");
            }
            if (files == null) {
                throw new FormatException(source + ": missing field \"files\" (object of name: sha384 base32)");
            }
            try {
                return new Manifest(time, files);
            } catch (FormatException e) {
                throw new FormatException(source + ": field \"files\": " + e.getMessage());
            }
        } catch (JsonParseException e) {
            throw new FormatException(source + ": not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new FormatException(source + ": cannot read manifest: " + e.getMessage(), e);
        }
    }

    private static long parseTime(JsonParser parser, JsonToken value, String source) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new FormatException(source + ": field \"time\": expected an unsigned integer (Unix seconds), got "
                    + describe(value));
        }
        BigInteger time = parser.getBigIntegerValue();
        if (time.signum() < 0 || time.compareTo(U64_MAX) > 0) {
            throw new FormatException(source + ": field \"time\": " + time + " is outside 0.." + U64_MAX);
        }
        return time.longValue();
    }

    private static TreeMap<String, Digest> parseFiles(JsonParser parser, JsonToken value, String source)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw new FormatException(source + ": field \"files\": expected an object of name: digest, got "
                    + describe(value));
        }
        TreeMap<String, Digest> files = new TreeMap<>(ManifestNames.ORDER);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String where = source + ": files[" + ManifestNames.quote(name) + "]";
            String problem = ManifestNames.problem(name);
            if (problem != null) {
                throw new FormatException(where + ": file name " + problem);
            }
            JsonToken digest = parser.nextToken();
            if (digest != JsonToken.VALUE_STRING) {
                throw new FormatException(where + ": expected a base32 SHA-384 string, got " + describe(digest));
            }
            if (files.put(name, Digest.parse(parser.getText(), where)) != null) {
                throw new FormatException(where + ": the same file name appears twice");
            }
        }
        return files;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> String.valueOf(token);
        };
    }
}
