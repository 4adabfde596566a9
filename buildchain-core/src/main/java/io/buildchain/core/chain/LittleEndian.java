package io.buildchain.core.chain;

/** pihsm and buildchain store counter and timestamp as u64 little-endian. */
final class LittleEndian {
    private LittleEndian() {
    }

    static long read(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    static void write(long value, byte[] bytes, int offset) {
        for (int i = 0; i < 8; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
