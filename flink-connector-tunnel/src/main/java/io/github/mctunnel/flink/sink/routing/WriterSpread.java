package io.github.mctunnel.flink.sink.routing;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;

/**
 * How many writer subtasks write one table partition, and how many subtasks write at all, so that
 * the stream tunnel's limits hold at any parallelism: at most {@link #MAX_SLOTS_PER_PARTITION}
 * writers (one slot each) on a partition, and at most {@code maxTablePartitions} partitions of the
 * table written at once (each active writer keeps at most {@link #openPartitionsPerWriter} open).
 *
 * @param writersPerPartition the configured writers per partition, 0 for the default (every active
 *     writer, at most {@link #MAX_SLOTS_PER_PARTITION})
 * @param maxTablePartitions partitions of the table written concurrently by all writers together
 * @param maxOpenPartitionsPerWriter the per-writer cap the user configured
 */
@Internal
public record WriterSpread(
        int writersPerPartition, int maxTablePartitions, int maxOpenPartitionsPerWriter)
        implements Serializable {

    /** The stream tunnel allocates at most 32 slots on one partition. */
    public static final int MAX_SLOTS_PER_PARTITION = 32;

    /** The stream tunnel serves at most 64 partitions of a table at once. */
    public static final int MAX_TABLE_PARTITIONS = 64;

    public WriterSpread {
        if (writersPerPartition < 0 || writersPerPartition > MAX_SLOTS_PER_PARTITION) {
            throw new IllegalArgumentException(
                    "writers per partition must be in [1, "
                            + MAX_SLOTS_PER_PARTITION
                            + "] (a partition has at most "
                            + MAX_SLOTS_PER_PARTITION
                            + " stream slots, one per writer), got "
                            + writersPerPartition);
        }
        if (maxTablePartitions < 1) {
            throw new IllegalArgumentException(
                    "max table partitions must be at least 1, got " + maxTablePartitions);
        }
        if (maxOpenPartitionsPerWriter < 1) {
            throw new IllegalArgumentException(
                    "max open partitions must be at least 1, got " + maxOpenPartitionsPerWriter);
        }
    }

    /** Subtasks that receive rows: the others stay idle so the partition budget holds. */
    public int activeWriters(int parallelism) {
        return Math.min(parallelism, maxTablePartitions);
    }

    /** Writers one partition's rows are spread over. */
    public int writersPerPartition(int parallelism) {
        int active = activeWriters(parallelism);
        int configured = writersPerPartition == 0 ? MAX_SLOTS_PER_PARTITION : writersPerPartition;
        return Math.min(configured, active);
    }

    /** Partitions one active writer keeps open, so that all writers together stay in budget. */
    public int openPartitionsPerWriter(int parallelism) {
        int active = activeWriters(parallelism);
        return Math.max(1, Math.min(maxOpenPartitionsPerWriter, maxTablePartitions / active));
    }
}
