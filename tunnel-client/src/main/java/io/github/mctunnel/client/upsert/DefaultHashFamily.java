package io.github.mctunnel.client.upsert;

/**
 * The {@code default} hasher: a 64-to-32-bit integer mix ({@code ~l + (l << 18)}, xor-shift 31,
 * times 21, xor-shift 11, plus {@code l << 6}, xor-shift 22, low 32 bits) and Bob Jenkins'
 * one-at-a-time hash over bytes. Shifts are arithmetic, as the service's C++ hash uses signed
 * integers.
 */
final class DefaultHashFamily extends HashFamily {

    static final DefaultHashFamily INSTANCE = new DefaultHashFamily();

    private DefaultHashFamily() {}

    @Override
    int hashLong(long value) {
        long l = ~value + (value << 18);
        l ^= l >> 31;
        l *= 21;
        l ^= l >> 11;
        l += l << 6;
        l ^= l >> 22;
        return (int) l;
    }

    @Override
    int step(int hash, int signedByte) {
        int h = hash + signedByte;
        h += h << 10;
        return h ^ (h >> 6);
    }

    @Override
    int finish(int hash) {
        int h = hash + (hash << 3);
        h ^= h >> 11;
        return h + (h << 15);
    }
}
