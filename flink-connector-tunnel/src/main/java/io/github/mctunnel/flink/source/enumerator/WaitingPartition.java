package io.github.mctunnel.flink.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * A partition of a continuous read that is not read yet: not looked at yet, found empty (rows are
 * usually committed after the partition is added), or not ready under the {@link
 * io.github.mctunnel.flink.source.PartitionReadiness readiness rule}. It is looked at again from
 * {@code recheckAtMillis} on; each look that finds it empty doubles the back-off, up to a cap.
 *
 * @param partition the tunnel form
 * @param recheckAtMillis when it is looked at next (enumerator clock)
 * @param backoffMillis the wait before that look after finding it empty; 0 otherwise
 * @param lastCount the row count seen at the last look; {@link #NOT_LOOKED} before the first,
 *     {@link #UNKNOWN} when the partition metadata did not say
 * @param countSinceMillis since when the row count is {@code lastCount} (enumerator clock)
 */
@Internal
public record WaitingPartition(
        String partition,
        long recheckAtMillis,
        long backoffMillis,
        long lastCount,
        long countSinceMillis) {

    /** {@link #lastCount} before the first look. */
    public static final long NOT_LOOKED = -2;

    /** {@link #lastCount} when the partition metadata has no row count. */
    public static final long UNKNOWN = -1;

    public WaitingPartition {
        Objects.requireNonNull(partition, "partition");
    }

    /** A partition just discovered, looked at from {@code nowMillis} on. */
    public static WaitingPartition discovered(String partition, long nowMillis) {
        return new WaitingPartition(partition, nowMillis, 0, NOT_LOOKED, nowMillis);
    }

    /** This partition after a look that saw {@code count} rows at {@code nowMillis}. */
    WaitingPartition seen(long count, long nowMillis) {
        return count == lastCount
                ? this
                : new WaitingPartition(partition, recheckAtMillis, backoffMillis, count, nowMillis);
    }

    /** This partition looked at next at {@code atMillis}, with this back-off. */
    WaitingPartition next(long atMillis, long backoff) {
        return new WaitingPartition(partition, atMillis, backoff, lastCount, countSinceMillis);
    }
}
