package io.github.mctunnel.flink.sink.writer;

import org.apache.flink.annotation.Internal;

import java.time.Duration;

/**
 * One writer's share of the table's stream partition budget.
 *
 * @param partitions the most partitions the writer holds stream slots on at once
 * @param idleTimeout how long after its last flush the service may still hold a partition's slots;
 *     a partition flushed and not written for this long is released
 */
@Internal
public record PartitionBudget(int partitions, Duration idleTimeout) {

    public PartitionBudget {
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "a writer needs at least 1 partition, got " + partitions);
        }
        if (idleTimeout == null || idleTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "the partition idle timeout must be zero or positive, got " + idleTimeout);
        }
    }
}
