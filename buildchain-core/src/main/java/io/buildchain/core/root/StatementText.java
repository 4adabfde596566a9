package io.buildchain.core.root;

import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.encoding.Base32;
import java.nio.charset.StandardCharsets;

/**
 * The strict line reader behind root statements: ASCII lines ending in LF, fields separated by one space,
 * keys and signatures in canonical base32, counters in plain decimal. Whatever it accepts encodes back to
 * the same bytes.
 */
final class StatementText {
    static final int SIGNATURE_CHARS = Base32.encodedLength(SigningKey.SIGNATURE_LENGTH);
    private final String text;
    private final String where;
    private int position;
    private int line;

    private StatementText(String text, String where) {
        this.text = text;
        this.where = where;
    }

    static StatementText of(byte[] bytes, int offset, int length, String where) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b != '\n' && (b < 0x20 || b > 0x7E)) {
                throw new FormatException(where + ": byte " + (i - offset) + " is not printable ASCII");
            }
        }
        return new StatementText(new String(bytes, offset, length, StandardCharsets.US_ASCII), where);
    }

    boolean atEnd() {
        return position == text.length();
    }

    int position() {
        return position;
    }

    String peekLine() {
        int end = text.indexOf('\n', position);
        return end < 0 ? text.substring(position) : text.substring(position, end);
    }

    /** The fields after {@code name} on the next line, which must have exactly {@code counts} of them. */
    String[] fields(String name, int... counts) {
        line++;
        int end = text.indexOf('\n', position);
        if (end < 0) {
            throw fail("line " + line + " must end with a newline");
        }
        String current = text.substring(position, end);
        position = end + 1;
        String[] parts = current.split(" ", -1);
        if (!parts[0].equals(name)) {
            throw fail("line " + line + " must start with '" + name + "', found '" + clip(current) + "'");
        }
        for (int count : counts) {
            if (parts.length - 1 == count) {
                String[] fields = new String[count];
                System.arraycopy(parts, 1, fields, 0, count);
                return fields;
            }
        }
        throw fail("line " + line + " ('" + name + "'): wrong number of fields");
    }

    void header(String expected) {
        line++;
        int end = text.indexOf('\n', position);
        String current = end < 0 ? text.substring(position) : text.substring(position, end);
        if (end < 0 || !current.equals(expected)) {
            throw fail("expected '" + expected + "', found '" + clip(current) + "'");
        }
        position = end + 1;
    }

    PublicKey key(String value, String field) {
        return PublicKey.wrap(Base32.decodeCanonical(value, PublicKey.LENGTH, where + ": " + field));
    }

    byte[] signature(String value, String field) {
        return Base32.decodeCanonical(value, SigningKey.SIGNATURE_LENGTH, where + ": " + field);
    }

    /** A block name: the canonical base32 of a 64-byte signature. */
    String blockName(String value, String field) {
        signature(value, field);
        return value;
    }

    /** Unsigned decimal without sign or leading zeros, at least {@code min}. */
    long counter(String value, String field, long min) {
        long parsed;
        try {
            parsed = Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            throw fail(field + " '" + clip(value) + "' is not a block counter");
        }
        if (!Long.toUnsignedString(parsed).equals(value) || Long.compareUnsigned(parsed, min) < 0) {
            throw fail(field + " '" + clip(value) + "' is not a block counter (plain decimal, at least " + min + ")");
        }
        return parsed;
    }

    FormatException fail(String what) {
        return new FormatException(where + ": " + what);
    }

    private static String clip(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
