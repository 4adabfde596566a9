package io.buildchain.core.fuzz;

import io.buildchain.core.crypto.SigningKey;
import java.util.Arrays;

/** Keys from fixed seeds, so signed seed inputs verify in every fuzz run. */
final class FixedKeys {
    private FixedKeys() {
    }

    /** The key whose 32-byte seed is {@code fill} repeated. */
    static SigningKey of(int fill) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) fill);
        return SigningKey.fromSeed(seed);
    }
}
