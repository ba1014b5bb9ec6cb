package io.github.mctunnel.flink.sink;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.sink.exactlyonce.WriteBudget;
import io.github.mctunnel.flink.sink.routing.WriterSpread;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

import java.util.UUID;

/**
 * Builder of {@link TunnelExactlyOnceSink}. {@link #build()} validates every setting and the
 * partitions against the concurrent-session budget; the rate budgets (parallelism x partitions x
 * checkpoint rate) are checked when the job graph is built, where parallelism and checkpoint
 * interval are known.
 */
@PublicEvolving
public final class TunnelExactlyOnceSinkBuilder<IN>
        extends TunnelSinkBuilderBase<
                TunnelRecordSerializer<IN>, TunnelExactlyOnceSinkBuilder<IN>> {

    /** Default size at which a partition buffer is written as a block before the checkpoint. */
    public static final long DEFAULT_BLOCK_TARGET_BYTES = 64L * 1024 * 1024;

    /**
     * Largest block target: a partition buffer is one byte array, which must also hold the record
     * that crosses the target (up to the 8 MiB field limit per value) without reaching 2 GiB.
     */
    public static final long MAX_BLOCK_TARGET_BYTES = 1024L * 1024 * 1024;

    /** Null: the default ({@link #DEFAULT_DYNAMIC_PARTITIONS_PER_CHECKPOINT} or 1). */
    private Integer maxPartitionsPerCheckpoint;

    private TableWriteLimits limits = TableWriteLimits.defaults();
    private long blockTargetBytes = DEFAULT_BLOCK_TARGET_BYTES;
    private int writersPerPartition;
    private boolean overwrite;
    private String partitionsSetting = WriteBudget.PARTITIONS_SETTING;
    private boolean failOnExpiredSessions;

    TunnelExactlyOnceSinkBuilder() {}

    @Override
    protected String sinkName() {
        return "TunnelExactlyOnceSink";
    }

    @Override
    protected String suggestedSerializer() {
        return "RowDataTunnelRecordSerializer";
    }

    /**
     * The default partitions per checkpoint with dynamic partitions: the checkpoint that spans a
     * daily or hourly boundary writes the old and the new partition.
     */
    public static final int DEFAULT_DYNAMIC_PARTITIONS_PER_CHECKPOINT = 2;

    /**
     * The most partitions the job writes between two checkpoints; the table budgets are checked
     * against it, and a job writing more fails with a message naming this setting.
     *
     * <p>Default with dynamic partitions: {@value #DEFAULT_DYNAMIC_PARTITIONS_PER_CHECKPOINT}, so
     * that a job writing daily or hourly partitions never fails at a boundary (the checkpoint that
     * spans midnight writes two partitions); the rate budgets are then checked for one partition
     * per checkpoint, the steady state of such a job, and the boundary checkpoint stays within the
     * service's limits by the coordinator's pacing of session creations and the committer's pacing
     * of commits. Set it explicitly when the job writes several partitions in every checkpoint: the
     * budgets are then checked for that many.
     */
    public TunnelExactlyOnceSinkBuilder<IN> setMaxPartitionsPerCheckpoint(int partitions) {
        this.maxPartitionsPerCheckpoint = partitions;
        return this;
    }

    /**
     * How error messages name the setting that limits the partitions per checkpoint (default {@code
     * setMaxPartitionsPerCheckpoint}); the SQL sink names its table option.
     */
    @Internal
    public TunnelExactlyOnceSinkBuilder<IN> setPartitionsSettingName(String name) {
        this.partitionsSetting = name;
        return this;
    }

    /** The table budgets (default: the service's published limits). */
    public TunnelExactlyOnceSinkBuilder<IN> setTableLimits(TableWriteLimits limits) {
        this.limits = limits;
        return this;
    }

    /**
     * A partition buffer reaching this many compressed bytes is written as a block before the
     * checkpoint (default 64 MiB, at most {@link #MAX_BLOCK_TARGET_BYTES}); this bounds a writer's
     * memory per partition written in the current checkpoint (buffers of partitions a checkpoint
     * did not write are released).
     */
    public TunnelExactlyOnceSinkBuilder<IN> setBlockTargetBytes(long bytes) {
        this.blockTargetBytes = bytes;
        return this;
    }

    /**
     * Writer subtasks one partition's rows are routed to (in [1, 32]); fewer writers per partition
     * mean fewer and larger blocks per partition and checkpoint. By default rows are not
     * redistributed and every writer may write every partition.
     */
    public TunnelExactlyOnceSinkBuilder<IN> setWritersPerPartition(int writersPerPartition) {
        if (writersPerPartition < 1 || writersPerPartition > WriterSpread.MAX_SLOTS_PER_PARTITION) {
            throw new IllegalArgumentException(
                    "TunnelExactlyOnceSink: writers per partition must be in [1, "
                            + WriterSpread.MAX_SLOTS_PER_PARTITION
                            + "], got "
                            + writersPerPartition);
        }
        this.writersPerPartition = writersPerPartition;
        return this;
    }

    /**
     * Writes overwrite upload sessions (INSERT OVERWRITE): each partition that receives rows (the
     * static partition, or the table when it is not partitioned) has its data replaced by the rows
     * of the job, atomically per partition when the session commits; partitions that receive no
     * rows are left alone. A static partition (or a non-partitioned table) whose input has no rows
     * is replaced by an empty one. Needs BATCH execution, where the whole input is committed once
     * at its end (checked when the job graph is built); the whole input is then one checkpoint
     * epoch, so dynamic partitions count against {@link #setMaxPartitionsPerCheckpoint}.
     */
    public TunnelExactlyOnceSinkBuilder<IN> setOverwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    /**
     * What happens when a session whose commit is due is unknown to the service (it expired after
     * the service's 24 h session lifetime): by default the job goes on, a WARN names the table,
     * partition, session, checkpoint and row count, and the committer's {@code expiredSessions} and
     * {@code rowsOfExpiredSessions} metrics count it; with {@code true} the job fails instead. This
     * happens when a checkpoint or savepoint is restored more than 24 h after it was taken: the
     * commit of its last checkpoint usually ran before, so nothing is lost; the rows are lost only
     * when that commit never ran (see docs/delivery-guarantees.md).
     */
    public TunnelExactlyOnceSinkBuilder<IN> setFailOnExpiredSessions(boolean fail) {
        this.failOnExpiredSessions = fail;
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing or invalid setting
     */
    public TunnelExactlyOnceSink<IN> build() {
        checkCommon(false);
        boolean dynamicPartition = dynamicPartition();
        if (maxPartitionsPerCheckpoint != null && maxPartitionsPerCheckpoint < 1) {
            throw new IllegalArgumentException(
                    "TunnelExactlyOnceSink: max partitions per checkpoint must be at least 1, got "
                            + maxPartitionsPerCheckpoint);
        }
        if (!dynamicPartition
                && maxPartitionsPerCheckpoint != null
                && maxPartitionsPerCheckpoint != 1) {
            throw new IllegalArgumentException(
                    "TunnelExactlyOnceSink: a static partition is one partition per checkpoint;"
                            + " setMaxPartitionsPerCheckpoint applies to setDynamicPartition()");
        }
        if (limits == null) {
            throw new IllegalArgumentException(
                    "TunnelExactlyOnceSink: the table limits must not be null");
        }
        if (blockTargetBytes < 1024 || blockTargetBytes > MAX_BLOCK_TARGET_BYTES) {
            throw new IllegalArgumentException(
                    "TunnelExactlyOnceSink: the block target size must be in [1024, "
                            + MAX_BLOCK_TARGET_BYTES
                            + "] bytes (setBlockTargetBytes), got "
                            + blockTargetBytes);
        }
        int partitions =
                maxPartitionsPerCheckpoint != null
                        ? maxPartitionsPerCheckpoint
                        : dynamicPartition ? DEFAULT_DYNAMIC_PARTITIONS_PER_CHECKPOINT : 1;
        // the default's boundary checkpoint is an exception: budgets are checked for one
        int budgeted = maxPartitionsPerCheckpoint != null ? maxPartitionsPerCheckpoint : 1;
        WriteBudget.checkPartitions(table(), partitions, limits, partitionsSetting);
        String staticPartition = dynamicPartition ? null : staticPartition().toString();
        return new TunnelExactlyOnceSink<>(
                UUID.randomUUID().toString(),
                connection(),
                table(),
                serializer(),
                staticPartition,
                partitions,
                budgeted,
                limits,
                blockTargetBytes,
                compression(),
                writersPerPartition,
                defaultPartition() == null ? null : defaultPartition().toString(),
                badRecordPolicy(),
                overwrite,
                partitionsSetting,
                failOnExpiredSessions);
    }
}
