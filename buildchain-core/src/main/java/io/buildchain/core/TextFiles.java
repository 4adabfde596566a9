package io.buildchain.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small text files people write (key lists, key files), read with a bound and named in every refusal. */
public final class TextFiles {
    /** Far above any key list; a larger file is not one. */
    public static final int MAX_BYTES = 16 << 20;

    private TextFiles() {
    }

    /**
     * The UTF-8 text of {@code file}; a file that is binary (say, a private key's raw seed) or larger than
     * {@link #MAX_BYTES} is refused with one line saying what was {@code expected}.
     */
    public static String readUtf8(Path file, String expected) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new FormatException(file + ": larger than " + MAX_BYTES + " bytes; expected " + expected);
        }
        return decodeUtf8(bytes, file.toString(), expected);
    }

    /**
     * {@code bytes} as strict UTF-8 (no malformed sequence, no encoded surrogate), refused with one line naming
     * {@code source} and what was {@code expected}: what a parser of our formats reads before it reads JSON.
     */
    public static String decodeUtf8(byte[] bytes, String source, String expected) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            throw new FormatException(source + ": not UTF-8 text (byte 0x" + String.format("%02x", bytes[offset] & 0xff)
                    + " at offset " + offset + "); expected " + expected);
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
