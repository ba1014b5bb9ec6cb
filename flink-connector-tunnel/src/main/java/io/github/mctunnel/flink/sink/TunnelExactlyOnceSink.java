package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.coordination.CoordinatorGatewayOperatorFactory;
import io.github.mctunnel.flink.coordination.CoordinatorGateways;
import io.github.mctunnel.flink.sink.exactlyonce.BlockCommittable;
import io.github.mctunnel.flink.sink.exactlyonce.BlockCommittableSerializer;
import io.github.mctunnel.flink.sink.exactlyonce.ExactlyOnceTunnelWriter;
import io.github.mctunnel.flink.sink.exactlyonce.PassThroughCommitter;
import io.github.mctunnel.flink.sink.exactlyonce.SessionCommitOperator;
import io.github.mctunnel.flink.sink.exactlyonce.SessionCoordinatorFactory;
import io.github.mctunnel.flink.sink.exactlyonce.WriteBudget;
import io.github.mctunnel.flink.sink.routing.MetadataSchemaSource;
import io.github.mctunnel.flink.sink.routing.PartitionSpreadRouter;
import io.github.mctunnel.flink.sink.routing.WriterSpread;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;

import java.io.IOException;
import java.util.Collection;

/**
 * Exactly-once sink on the regular (batch) tunnel. Rows between two checkpoints go into blocks of
 * one upload session per partition shared by all writer subtasks (handed out by an operator
 * coordinator); after the checkpoint completes a single global committer commits each session once
 * with the union of the block ids. After any number of failures the table holds every input row
 * exactly once. Per checkpoint there is at most one session and one commit per partition and one
 * block per writer and partition, so the table's budgets ({@link TableWriteLimits}) hold by
 * construction; a job that cannot fit is rejected when it is built. A bounded input is committed
 * completely: the rows after the last regular checkpoint are committed after the final checkpoint
 * Flink takes when the tasks finished ({@code
 * execution.checkpointing.checkpoints-after-tasks-finish}, on by default).
 *
 * <p>Requirements: exactly-once, aligned checkpoints (AT_LEAST_ONCE and unaligned ones are
 * rejected: rows could overtake a barrier), at most one concurrent checkpoint, no tolerated
 * checkpoint failures (an aborted checkpoint must restart the job so that all writers agree on the
 * epoch), and the sink's operators chained (operator chaining must not be disabled for the sink).
 *
 * <pre>{@code
 * stream.sinkTo(TunnelExactlyOnceSink.<RowData>builder()
 *         .setConnection(connection)
 *         .setTable("events")
 *         .setSerializer(new RowDataTunnelRecordSerializer(rowType))
 *         .setDynamicPartition()
 *         .setMaxPartitionsPerCheckpoint(4)
 *         .build());
 * }</pre>
 */
@PublicEvolving
public final class TunnelExactlyOnceSink<IN>
        implements Sink<IN>,
                SupportsWriterState<IN, Void>,
                SupportsCommitter<BlockCommittable>,
                SupportsPreWriteTopology<IN>,
                SupportsPreCommitTopology<BlockCommittable, BlockCommittable> {

    private static final long serialVersionUID = 1L;

    private final String sinkId;
    private final TunnelConnectionOptions connection;
    private final String table;
    private final TunnelRecordSerializer<IN> serializer;
    private final String staticPartition;
    private final int maxPartitionsPerCheckpoint;

    /** The partitions per checkpoint the rate budgets are checked for. */
    private final int budgetedPartitionsPerCheckpoint;

    private final TableWriteLimits limits;
    private final long blockTargetBytes;
    private final Compression compression;

    /** Writers per partition rows are routed to, 0 for no routing. */
    private final int writersPerPartition;

    /** Tunnel form of the default partition for unusable partition values, or null. */
    private final String defaultPartition;

    private final BadRecordPolicy badRecordPolicy;

    /** Overwrite upload sessions (INSERT OVERWRITE, batch execution only). */
    private final boolean overwrite;

    /** The setting that limits the partitions per checkpoint, as error messages name it. */
    private final String partitionsSetting;

    /** A session unknown to the service at its commit fails the job (else a counted warning). */
    private final boolean failOnExpiredSessions;

    TunnelExactlyOnceSink(
            String sinkId,
            TunnelConnectionOptions connection,
            String table,
            TunnelRecordSerializer<IN> serializer,
            String staticPartition,
            int maxPartitionsPerCheckpoint,
            int budgetedPartitionsPerCheckpoint,
            TableWriteLimits limits,
            long blockTargetBytes,
            Compression compression,
            int writersPerPartition,
            String defaultPartition,
            BadRecordPolicy badRecordPolicy,
            boolean overwrite,
            String partitionsSetting,
            boolean failOnExpiredSessions) {
        this.failOnExpiredSessions = failOnExpiredSessions;
        this.overwrite = overwrite;
        this.partitionsSetting = partitionsSetting;
        this.sinkId = sinkId;
        this.connection = connection;
        this.table = table;
        this.serializer = serializer;
        this.staticPartition = staticPartition;
        this.maxPartitionsPerCheckpoint = maxPartitionsPerCheckpoint;
        this.budgetedPartitionsPerCheckpoint = budgetedPartitionsPerCheckpoint;
        this.limits = limits;
        this.blockTargetBytes = blockTargetBytes;
        this.compression = compression;
        this.writersPerPartition = writersPerPartition;
        this.defaultPartition = defaultPartition;
        this.badRecordPolicy = badRecordPolicy;
    }

    public static <IN> TunnelExactlyOnceSinkBuilder<IN> builder() {
        return new TunnelExactlyOnceSinkBuilder<>();
    }

    @Override
    public DataStream<IN> addPreWriteTopology(DataStream<IN> input) {
        StreamExecutionEnvironment env = input.getExecutionEnvironment();
        CheckpointConfig checkpoints = env.getCheckpointConfig();
        if (overwrite
                && env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE)
                        != RuntimeExecutionMode.BATCH) {
            throw new IllegalArgumentException(
                    "Overwriting table "
                            + table
                            + " needs BATCH execution (execution.runtime-mode: batch): the whole"
                            + " input must be one commit, otherwise each checkpoint's commit would"
                            + " replace the previous one's rows");
        }
        if (checkpoints.isCheckpointingEnabled() && !overwrite) {
            if (checkpoints.getCheckpointingConsistencyMode()
                    != org.apache.flink.core.execution.CheckpointingMode.EXACTLY_ONCE) {
                throw new IllegalArgumentException(
                        "EXACTLY_ONCE on table "
                                + table
                                + " needs exactly-once checkpoints: with AT_LEAST_ONCE"
                                + " checkpoints rows overtake barriers and are committed twice"
                                + " after a restore (execution.checkpointing.mode: EXACTLY_ONCE)");
            }
            if (checkpoints.isUnalignedCheckpointsEnabled()) {
                throw new IllegalArgumentException(
                        "EXACTLY_ONCE on table "
                                + table
                                + " needs aligned checkpoints: disable unaligned checkpoints"
                                + " (execution.checkpointing.unaligned.enabled: false)");
            }
            if (checkpoints.getMaxConcurrentCheckpoints() > 1) {
                throw new IllegalArgumentException(
                        "EXACTLY_ONCE on table "
                                + table
                                + " needs at most one concurrent checkpoint"
                                + " (execution.checkpointing.max-concurrent-checkpoints: 1)");
            }
            if (checkpoints.getTolerableCheckpointFailureNumber() > 0) {
                throw new IllegalArgumentException(
                        "EXACTLY_ONCE on table "
                                + table
                                + " needs a failed checkpoint to restart the job"
                                + " (execution.checkpointing.tolerable-failed-checkpoints: 0)");
            }
        }
        // the writers run at the parallelism of the sink's input (the gateway is chained to them)
        int parallelism = Math.max(input.getParallelism(), env.getParallelism());
        WriteBudget.check(
                table,
                parallelism,
                writersPerPartition > 0 ? writersPerPartition : parallelism,
                budgetedPartitionsPerCheckpoint,
                // an overwrite runs in BATCH: one epoch, whatever the checkpoint settings say
                checkpoints.isCheckpointingEnabled() && !overwrite
                        ? checkpoints.getCheckpointInterval()
                        : 0,
                limits,
                partitionsSetting);
        // Routing (a shuffle) comes first, so that the gateway stays chained to the writers; the
        // set of writers of a partition depends only on its values and the parallelism, so each
        // writer's block-id range stays its own.
        DataStream<IN> routed = input;
        if (writersPerPartition > 0) {
            routed =
                    new DataStream<>(
                            env,
                            new PartitionTransformation<>(
                                    input.getTransformation(),
                                    new PartitionSpreadRouter<>(
                                            table,
                                            staticPartition == null
                                                    ? null
                                                    : PartitionSpec.parse(staticPartition),
                                            serializer,
                                            new MetadataSchemaSource(connection, table),
                                            new WriterSpread(
                                                    writersPerPartition,
                                                    Integer.MAX_VALUE,
                                                    Integer.MAX_VALUE))));
        }
        return routed.transform(
                "Tunnel session gateway: " + table,
                input.getType(),
                new CoordinatorGatewayOperatorFactory<IN>(
                        sinkId,
                        new SessionCoordinatorFactory(
                                connection,
                                table,
                                limits,
                                maxPartitionsPerCheckpoint,
                                overwrite,
                                partitionsSetting)));
    }

    @Override
    public StatefulSinkWriter<IN, Void> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, java.util.List.of());
    }

    @Override
    public StatefulSinkWriter<IN, Void> restoreWriter(
            WriterInitContext context, Collection<Void> recoveredState) throws IOException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        TunnelClientLease lease = SharedTunnelClients.jvm().acquire(connection);
        try {
            return new ExactlyOnceTunnelWriter<>(
                    table,
                    lease,
                    serializer,
                    staticPartition,
                    defaultPartition == null ? null : PartitionSpec.parse(defaultPartition),
                    badRecordPolicy,
                    CoordinatorGateways.key(
                            sinkId,
                            context.getJobInfo().getJobId().toString(),
                            subtask,
                            context.getTaskInfo().getAttemptNumber()),
                    subtask,
                    context.getTaskInfo().getNumberOfParallelSubtasks(),
                    context.getTaskInfo().getAttemptNumber(),
                    blockTargetBytes,
                    compression,
                    context.getRestoredCheckpointId().orElse(0L),
                    context.metricGroup());
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    public SimpleVersionedSerializer<Void> getWriterStateSerializer() {
        return new NoWriterState();
    }

    @Override
    public Committer<BlockCommittable> createCommitter(CommitterInitContext context) {
        return new PassThroughCommitter();
    }

    @Override
    public SimpleVersionedSerializer<BlockCommittable> getCommittableSerializer() {
        return new BlockCommittableSerializer();
    }

    /**
     * The global commit step: one {@link SessionCommitOperator} right behind the writers, which
     * commits each epoch's sessions when its checkpoint completes. It passes nothing on, so the
     * per-subtask committers have nothing to do.
     */
    @Override
    public DataStream<CommittableMessage<BlockCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<BlockCommittable>> committables) {
        boolean checkpointing =
                committables
                        .getExecutionEnvironment()
                        .getCheckpointConfig()
                        .isCheckpointingEnabled();
        return committables
                .global()
                .transform(
                        "Tunnel session commit: " + table,
                        CommittableMessageTypeInfo.of(BlockCommittableSerializer::new),
                        new SessionCommitOperator(
                                connection,
                                table,
                                limits,
                                checkpointing,
                                overwrite,
                                overwrite ? staticPartition : null,
                                failOnExpiredSessions))
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    @Override
    public SimpleVersionedSerializer<BlockCommittable> getWriteResultSerializer() {
        return new BlockCommittableSerializer();
    }

    public String table() {
        return table;
    }

    public int maxPartitionsPerCheckpoint() {
        return maxPartitionsPerCheckpoint;
    }

    /** Writers per partition rows are routed to, 0 when rows are not redistributed. */
    public int writersPerPartition() {
        return writersPerPartition;
    }

    public TableWriteLimits limits() {
        return limits;
    }

    /** Where records with an unusable partition value go, or null when they are bad records. */
    public PartitionSpec defaultPartition() {
        return defaultPartition == null ? null : PartitionSpec.parse(defaultPartition);
    }

    public BadRecordPolicy badRecordPolicy() {
        return badRecordPolicy;
    }

    /** Whether the sink writes overwrite upload sessions (INSERT OVERWRITE). */
    public boolean overwrite() {
        return overwrite;
    }

    /** The writer keeps no state: everything before a barrier became committables. */
    private static final class NoWriterState implements SimpleVersionedSerializer<Void> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Void obj) {
            return new byte[0];
        }

        @Override
        public Void deserialize(int version, byte[] serialized) {
            return null;
        }
    }
}
