package io.github.mctunnel.client.upsert;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Hash of a DECIMAL key. The service hashes the value as the column's runtime decimal: the unscaled
 * integer at the column's scale (rounded half away from zero when the value has more fractional
 * digits), stored in 64 bits for precision &lt;= 18 and in 128 bits above. A 64-bit decimal hashes
 * its integer; a 128-bit one hashes to the sum of the hashes of its low and high 64-bit words. So
 * {@code 1.5}, {@code 1.50} and {@code 1.500} are the same key in a {@code decimal(p,1)} column.
 *
 * <p>Like the SDK, values with more integer digits than the precision allows are not rejected here
 * (the service rejects them on write); their unscaled integer is truncated to 64 or 128 bits.
 */
final class DecimalHashing {

    /** Largest precision stored as a 64-bit runtime decimal. */
    static final int MAX_PRECISION_64 = 18;

    private DecimalHashing() {}

    static int hash(HashFamily f, BigDecimal value, int precision, int scale) {
        BigInteger unscaled =
                value.scale() == scale
                        ? value.unscaledValue()
                        : value.setScale(scale, RoundingMode.HALF_UP).unscaledValue();
        long low = unscaled.longValue();
        if (precision <= MAX_PRECISION_64) {
            return f.hashLong(low);
        }
        long high =
                unscaled.bitLength() < 64
                        ? (unscaled.signum() < 0 ? -1L : 0L)
                        : unscaled.shiftRight(64).longValue();
        return f.hashLong(low) + f.hashLong(high);
    }

    static int hashUnscaled(HashFamily f, long unscaled, int precision) {
        if (precision <= MAX_PRECISION_64) {
            return f.hashLong(unscaled);
        }
        return f.hashLong(unscaled) + f.hashLong(unscaled >> 63);
    }
}
