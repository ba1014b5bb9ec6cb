package io.github.mctunnel.client.upsert;

/**
 * The {@code legacy} hasher: a 64-bit integer hashes to the xor of its arithmetic high half and its
 * low half; bytes hash as {@code h = 31 * h + b} over sign-extended bytes.
 */
final class LegacyHashFamily extends HashFamily {

    static final LegacyHashFamily INSTANCE = new LegacyHashFamily();

    private LegacyHashFamily() {}

    @Override
    int hashLong(long value) {
        return (int) ((value >> 32) ^ value);
    }

    @Override
    int step(int hash, int signedByte) {
        return 31 * hash + signedByte;
    }

    @Override
    int finish(int hash) {
        return hash;
    }
}
