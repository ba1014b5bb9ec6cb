package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;

import org.apache.flink.annotation.Internal;

/**
 * Checks that an exactly-once job stays inside a table's budgets by construction: per checkpoint at
 * most one session and one commit per partition and one block per writer per partition (the writers
 * a partition's rows are routed to, or all of them).
 */
@Internal
public final class WriteBudget {

    /** The setting that limits the partitions per checkpoint, as error messages name it. */
    public static final String PARTITIONS_SETTING = "setMaxPartitionsPerCheckpoint";

    private WriteBudget() {}

    /**
     * Checks the limits that do not depend on the job (partitions vs concurrent sessions), naming
     * {@code partitionsSetting} as the setting to change.
     */
    public static void checkPartitions(
            String table, int partitions, TableWriteLimits limits, String partitionsSetting) {
        // sessions of the epoch being written plus those of the epoch being committed
        if (2L * partitions > limits.concurrentSessions()) {
            throw new IllegalArgumentException(
                    "EXACTLY_ONCE on table "
                            + table
                            + ": "
                            + partitions
                            + " partitions per checkpoint need up to "
                            + 2L * partitions
                            + " open upload sessions (the epoch being written and the one being"
                            + " committed), more than the table's "
                            + limits.concurrentSessions()
                            + " concurrent sessions; lower "
                            + partitionsSetting
                            + " to at most "
                            + limits.concurrentSessions() / 2);
        }
    }

    /**
     * Checks the rate budgets for a job.
     *
     * @param writersPerPartition writer subtasks rows of one partition are routed to (the sink
     *     parallelism when rows are not routed); each writes one block per partition and checkpoint
     * @param checkpointIntervalMillis the checkpoint interval, or a value &lt;= 0 when
     *     checkpointing is off (one epoch for the whole bounded input)
     * @param partitionsSetting the setting that limits the partitions per checkpoint, named in
     *     errors
     */
    public static void check(
            String table,
            int parallelism,
            int writersPerPartition,
            int partitions,
            long checkpointIntervalMillis,
            TableWriteLimits limits,
            String partitionsSetting) {
        checkPartitions(table, partitions, limits, partitionsSetting);
        if (parallelism > BlockIdRange.MAX_PARALLELISM) {
            throw new IllegalArgumentException(
                    "EXACTLY_ONCE on table "
                            + table
                            + " runs at parallelism 1 to "
                            + BlockIdRange.MAX_PARALLELISM
                            + " (a session's block ids are split among the writers), got "
                            + parallelism);
        }
        if (checkpointIntervalMillis <= 0) {
            return;
        }
        long perFiveMinutes = ceilDiv(300_000, checkpointIntervalMillis);
        int writers = Math.min(parallelism, writersPerPartition);
        long blocks = (long) writers * partitions * perFiveMinutes;
        if (blocks > limits.blocksPer5Minutes()) {
            long minInterval = ceilDiv(300_000L * writers * partitions, limits.blocksPer5Minutes());
            throw new IllegalArgumentException(
                    "EXACTLY_ONCE on table "
                            + table
                            + ": "
                            + (writers == parallelism
                                    ? "parallelism " + parallelism
                                    : writers + " writers per partition")
                            + " x "
                            + partitions
                            + " partitions per checkpoint x "
                            + perFiveMinutes
                            + " checkpoints per 5 minutes = "
                            + blocks
                            + " blocks per 5 minutes, more than the table's budget of "
                            + limits.blocksPer5Minutes()
                            + "; raise the checkpoint interval to at least "
                            + minInterval
                            + (writers == parallelism
                                    ? " ms, or lower the sink parallelism or " + partitionsSetting
                                    : " ms, or lower setWritersPerPartition or "
                                            + partitionsSetting));
        }
        long sessions = partitions * perFiveMinutes;
        if (sessions > limits.sessionsPer5Minutes()) {
            throw new IllegalArgumentException(
                    "EXACTLY_ONCE on table "
                            + table
                            + ": "
                            + partitions
                            + " partitions per checkpoint x "
                            + perFiveMinutes
                            + " checkpoints per 5 minutes = "
                            + sessions
                            + " upload sessions per 5 minutes, more than the table's budget of "
                            + limits.sessionsPer5Minutes()
                            + "; raise the checkpoint interval to at least "
                            + ceilDiv(300_000L * partitions, limits.sessionsPer5Minutes())
                            + " ms or lower "
                            + partitionsSetting);
        }
        long commits = partitions * ceilDiv(15_000, checkpointIntervalMillis);
        if (commits > limits.commitsPer15Seconds()) {
            throw new IllegalArgumentException(
                    "EXACTLY_ONCE on table "
                            + table
                            + ": "
                            + commits
                            + " commits per 15 seconds, more than the table's budget of "
                            + limits.commitsPer15Seconds()
                            + "; raise the checkpoint interval to at least "
                            + ceilDiv(15_000L * partitions, limits.commitsPer15Seconds())
                            + " ms or lower "
                            + partitionsSetting);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
