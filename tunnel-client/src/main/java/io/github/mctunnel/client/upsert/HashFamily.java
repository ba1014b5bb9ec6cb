package io.github.mctunnel.client.upsert;

/**
 * The two primitive hash functions that differ between hasher kinds: the hash of a 64-bit integer
 * and the byte-wise hash of a byte sequence. Everything else (booleans, dates, timestamps,
 * decimals, text encodings) is built on these two the same way for every kind.
 *
 * <p>The byte hash is exposed as a step function over sign-extended bytes plus a finishing step, so
 * that callers can feed bytes produced on the fly (UTF-8 of a {@code String}, quoted-printable form
 * of a binary value) without materialising them.
 */
abstract sealed class HashFamily permits DefaultHashFamily, LegacyHashFamily {

    /** Hash of a 64-bit integer. */
    abstract int hashLong(long value);

    /** Folds one byte (sign-extended, as Java's {@code byte} is) into the running hash. */
    abstract int step(int hash, int signedByte);

    /** Finishes a running byte hash that started at 0. */
    abstract int finish(int hash);
}
