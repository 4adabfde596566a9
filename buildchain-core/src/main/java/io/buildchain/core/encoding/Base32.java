package io.buildchain.core.encoding;

import io.buildchain.core.FormatException;

/**
 * RFC 4648 base32, upper case, without '=' padding: the encoding buildchain and pihsm use for keys,
 * signatures and digests. Decoding is lenient the way the original's base32 crate is (lower case and up
 * to six trailing '=' accepted, unused low bits ignored); {@link #decodeCanonical} is the strict form.
 */
public final class Base32 {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = i;
            VALUES[Character.toLowerCase(ALPHABET[i])] = i;
        }
    }

    private Base32() {
    }

    /** The number of characters {@link #encode} writes for {@code byteCount} bytes. */
    public static int encodedLength(int byteCount) {
        return (byteCount * 8 + 4) / 5;
    }

    public static String encode(byte[] data) {
        StringBuilder out = new StringBuilder(encodedLength(data.length));
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(ALPHABET[(buffer >>> bits) & 31]);
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    /**
     * Lenient decode, as the original does for a pinned key typed by a person.
     *
     * @param what names the value in the error message, e.g. "--key"
     */
    public static byte[] decode(String text, String what) {
        int end = text.length();
        int padding = 0;
        while (end > 0 && text.charAt(end - 1) == '=' && padding < 6) {
            end--;
            padding++;
        }
        int remainder = end % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            throw new FormatException(what + ": " + end + " base32 characters cannot encode whole bytes");
        }
        byte[] out = new byte[end * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int written = 0;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            int value = c < 128 ? VALUES[c] : -1;
            if (value < 0) {
                throw new FormatException(what + ": character " + describe(c) + " at position " + (i + 1)
                        + " is not base32 (expected A-Z and 2-7)");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = (byte) (buffer >>> bits);
            }
        }
        return out;
    }

    /** Strict decode of a value that must be exactly {@code length} bytes in canonical upper-case form. */
    public static byte[] decodeCanonical(String text, int length, String what) {
        int expected = encodedLength(length);
        if (text.length() != expected) {
            throw new FormatException(what + ": expected " + expected + " base32 characters (" + length
                    + " bytes), got " + text.length());
        }
        byte[] bytes = decode(text, what);
        if (!encode(bytes).equals(text)) {
            throw new FormatException(what + ": not in canonical base32 form (upper case, unused bits zero)");
        }
        return bytes;
    }

    /** Lenient decode of a value that must be {@code length} bytes: upper-cases first, like the original. */
    public static byte[] decodeLength(String text, int length, String what) {
        byte[] bytes = decode(text.trim().toUpperCase(java.util.Locale.ROOT), what);
        if (bytes.length != length) {
            throw new FormatException(what + ": expected " + length + " bytes (" + encodedLength(length)
                    + " base32 characters), got " + bytes.length + " bytes");
        }
        return bytes;
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
