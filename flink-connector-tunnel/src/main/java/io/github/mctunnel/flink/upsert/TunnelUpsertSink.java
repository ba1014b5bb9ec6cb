package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.coordination.CoordinatorGatewayOperatorFactory;
import io.github.mctunnel.flink.coordination.CoordinatorGateways;
import io.github.mctunnel.flink.sink.BadRecordPolicy;
import io.github.mctunnel.flink.sink.session.ServiceClock;
import io.github.mctunnel.flink.sink.writer.BadRecords;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Flink sink applying a changelog to a MaxCompute Delta (transactional, primary-key) table through
 * upsert sessions: INSERT and UPDATE_AFTER upsert, DELETE deletes, UPDATE_BEFORE is dropped. The
 * table's final state equals the changelog applied once, also after failures. Build it with {@link
 * #builder()}:
 *
 * <pre>{@code
 * TunnelUpsertSink<RowData> sink = TunnelUpsertSink.<RowData>builder()
 *         .setConnection(connectionOptions)
 *         .setTable("users")
 *         .setPrimaryKey(Column.of("id", "bigint"))
 *         .setBucketCount(16)
 *         .setSerializer(new RowDataUpsertRecordSerializer(rowType))
 *         .build();
 * changelog.sinkTo(sink);
 * }</pre>
 *
 * <p>Topology: records are routed by bucket (the service's hash of the primary key) so bucket
 * {@code b} goes to writer {@code b % parallelism}; all writers flush their buckets into the one
 * upsert session per partition that the {@link UpsertSessionCoordinator} shares, across
 * checkpoints; at each checkpoint the sessions go to one {@link UpsertCommitOperator} (parallelism
 * 1) that, once the checkpoint completed, commits at most one session per partition per commit
 * interval (the service allows one a minute). All commits go through that operator, so the pacing
 * holds however the writers are spread over TaskManagers. Changes become visible within one commit
 * interval plus one checkpoint interval, whatever the parallelism. At end of input the writers
 * offer their sessions a last time and Flink's final checkpoint commits them, waiting for the
 * commit interval between two commits of a partition. With {@link
 * TunnelUpsertSinkBuilder#setDynamicPartition()} each change goes to the partition named by its
 * partition columns, one shared upsert session per partition. With {@link
 * TunnelUpsertSinkBuilder#setPartialUpdateColumns} upserts set only the named columns and rows keep
 * the others (tables with {@code 'acid.partial.fields.update.enable'='true'}).
 */
@PublicEvolving
public final class TunnelUpsertSink<IN>
        implements Sink<IN>,
                SupportsWriterState<IN, UpsertSessionRef>,
                SupportsCommitter<UpsertSessionRef>,
                SupportsPreWriteTopology<IN>,
                SupportsPreCommitTopology<UpsertSessionRef, UpsertSessionRef> {

    private static final long serialVersionUID = 1L;

    /** Part of the key a writer finds its gateway to the coordinator by. */
    private final String sinkId;

    private final UpsertTableFactory tableFactory;

    /** Null for dynamic partitions. */
    private final String partition;

    private final UpsertRecordSerializer<IN> serializer;
    private final UpsertKeyDeclaration key;
    private final Duration commitInterval;
    private final Compression compression;
    private final long maxBufferedBytes;

    /** The columns partial updates set, null to upsert whole rows. */
    private final String[] updatedColumns;

    private final boolean failOnExpiredSessions;

    private final ServiceClock serviceClock;

    private final BadRecordPolicy badRecordPolicy;

    private final boolean compaction;

    /** Where changes with an unusable partition value go (dynamic partitions), or null. */
    private final String defaultPartition;

    TunnelUpsertSink(
            String sinkId,
            UpsertTableFactory tableFactory,
            PartitionSpec partition,
            UpsertRecordSerializer<IN> serializer,
            UpsertKeyDeclaration key,
            Duration commitInterval,
            Compression compression,
            long maxBufferedBytes,
            List<String> updatedColumns,
            boolean failOnExpiredSessions,
            ServiceClock serviceClock,
            BadRecordPolicy badRecordPolicy,
            boolean compaction,
            PartitionSpec defaultPartition) {
        this.compaction = compaction;
        this.defaultPartition = defaultPartition == null ? null : defaultPartition.toString();
        this.badRecordPolicy = badRecordPolicy;
        this.failOnExpiredSessions = failOnExpiredSessions;
        this.serviceClock = serviceClock;
        this.sinkId = sinkId;
        this.tableFactory = tableFactory;
        this.partition = partition == null ? null : partition.toString();
        this.serializer = serializer;
        this.key = key;
        this.commitInterval = commitInterval;
        this.compression = compression;
        this.maxBufferedBytes = maxBufferedBytes;
        this.updatedColumns = updatedColumns == null ? null : updatedColumns.toArray(new String[0]);
    }

    public static <IN> TunnelUpsertSinkBuilder<IN> builder() {
        return new TunnelUpsertSinkBuilder<>();
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<IN, UpsertSessionRef> restoreWriter(
            WriterInitContext context, Collection<UpsertSessionRef> recoveredState)
            throws IOException {
        UpsertTable table = tableFactory.open();
        try {
            TunnelUpsertSinkWriter<IN> writer =
                    new TunnelUpsertSinkWriter<>(
                            table,
                            partition(),
                            serializer,
                            key,
                            compression,
                            maxBufferedBytes,
                            updatedColumns(),
                            context.getTaskInfo().getIndexOfThisSubtask(),
                            context.getTaskInfo().getNumberOfParallelSubtasks(),
                            recoveredState,
                            context.getRestoredCheckpointId().orElse(-1),
                            new GatewayUpsertSessionSource(
                                    CoordinatorGateways.key(
                                            sinkId,
                                            context.getJobInfo().getJobId().toString(),
                                            context.getTaskInfo().getIndexOfThisSubtask(),
                                            context.getTaskInfo().getAttemptNumber()),
                                    context.getTaskInfo().getIndexOfThisSubtask(),
                                    context.getTaskInfo().getAttemptNumber()),
                            context.metricGroup().getNumRecordsSendCounter(),
                            new BadRecords(
                                    tableFactory.table(),
                                    table.schema(),
                                    badRecordPolicy,
                                    context.metricGroup().counter("numRecordsSkipped")),
                            compaction,
                            context.metricGroup().counter("changesCompacted"));
            if (defaultPartition != null) {
                writer.useDefaultPartition(PartitionSpec.parse(defaultPartition));
            }
            return writer;
        } catch (IOException | RuntimeException e) {
            table.close();
            throw e;
        }
    }

    @Override
    public SimpleVersionedSerializer<UpsertSessionRef> getWriterStateSerializer() {
        return new UpsertSessionRefSerializer();
    }

    @Override
    public Committer<UpsertSessionRef> createCommitter(CommitterInitContext context) {
        return new UpsertPassThroughCommitter();
    }

    @Override
    public SimpleVersionedSerializer<UpsertSessionRef> getCommittableSerializer() {
        return new UpsertSessionRefSerializer();
    }

    /**
     * Routes each change to the writer of its bucket, through the gateway operator (chained to the
     * writer) that reaches the {@link UpsertSessionCoordinator}: every writer writes a partition's
     * changes into the one session the coordinator shares.
     */
    @Override
    public DataStream<IN> addPreWriteTopology(DataStream<IN> input) {
        return input.partitionCustom(
                        new BucketPartitioner(), new BucketKeySelector<>(serializer, key))
                .transform(
                        "Tunnel upsert session gateway: " + tableFactory.table(),
                        input.getType(),
                        new CoordinatorGatewayOperatorFactory<IN>(
                                sinkId,
                                new UpsertSessionCoordinator.Factory(
                                        tableFactory, key.bucketCount(), serviceClock)));
    }

    /**
     * The commit step: one {@link UpsertCommitOperator} right behind the writers. It passes nothing
     * on, so the per-subtask committers have nothing to do.
     */
    @Override
    public DataStream<CommittableMessage<UpsertSessionRef>> addPreCommitTopology(
            DataStream<CommittableMessage<UpsertSessionRef>> committables) {
        boolean checkpointing =
                committables
                        .getExecutionEnvironment()
                        .getCheckpointConfig()
                        .isCheckpointingEnabled();
        return committables
                .global()
                .transform(
                        "Tunnel upsert commit: " + tableFactory.table(),
                        CommittableMessageTypeInfo.of(UpsertSessionRefSerializer::new),
                        new UpsertCommitOperator(
                                tableFactory, commitInterval, checkpointing, failOnExpiredSessions))
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    @Override
    public SimpleVersionedSerializer<UpsertSessionRef> getWriteResultSerializer() {
        return new UpsertSessionRefSerializer();
    }

    public String table() {
        return tableFactory.table();
    }

    /** The partition of every change, or null when it comes from each record. */
    public PartitionSpec partition() {
        return partition == null ? null : PartitionSpec.parse(partition);
    }

    public boolean isDynamicPartition() {
        return partition == null;
    }

    public UpsertKeyDeclaration key() {
        return key;
    }

    public Duration commitInterval() {
        return commitInterval;
    }

    /** The columns partial-column updates set (the key implied), or null for whole rows. */
    public List<String> updatedColumns() {
        return updatedColumns == null ? null : List.of(updatedColumns);
    }
}
