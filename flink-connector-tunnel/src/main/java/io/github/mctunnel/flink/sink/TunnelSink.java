package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.sink.routing.PartitionSpreadRouter;
import io.github.mctunnel.flink.sink.routing.WriterSpread;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnection;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnectionFactory;
import io.github.mctunnel.flink.sink.writer.PartitionBudget;
import io.github.mctunnel.flink.sink.writer.TunnelStreamSinkWriter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Flink sink writing to a MaxCompute table through the stream tunnel, at least once: every record
 * before a completed checkpoint has been acknowledged by the service. Build it with {@link
 * #builder()}:
 *
 * <pre>{@code
 * TunnelSink<RowData> sink = TunnelSink.<RowData>builder()
 *         .setConnection(TunnelConnectionOptions.builder()
 *                 .endpoint("https://service.cn-hangzhou.maxcompute.aliyun.com/api")
 *                 .project("my_project")
 *                 .accessKey(id, secret)
 *                 .build())
 *         .setTable("events")
 *         .setSerializer(new RowDataTunnelRecordSerializer(rowType))
 *         .setPartition("ds=20240101")
 *         .build();
 * stream.sinkTo(sink);
 * }</pre>
 *
 * <p>Rows are routed to the writers before they are written (see {@link PartitionSpreadRouter}):
 * each table partition is written by at most {@link TunnelSinkBuilder#setWritersPerPartition}
 * writer subtasks (one stream slot each, at most 32), and the writers together keep at most 64
 * partitions of the table open, at any parallelism. With a static partition and no
 * writers-per-partition setting at a parallelism of at most 32, rows are not redistributed.
 *
 * <p>Each writer holds stream slots on at most its share of {@link
 * TunnelSinkBuilder#setMaxConcurrentPartitions} partitions; it releases partitions that went idle
 * and, needing one more to flush to, waits for the one the service frees soonest (see {@link
 * TunnelSinkBuilder#setPartitionIdleTimeout}).
 */
@PublicEvolving
public final class TunnelSink<IN> implements Sink<IN>, SupportsPreWriteTopology<IN> {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final StreamTunnelConnectionFactory connectionFactory;
    private final TunnelRecordSerializer<IN> serializer;

    /** Tunnel form of the static partition ("" for a non-partitioned table), null for dynamic. */
    private final String staticPartition;

    private final DeliveryGuarantee deliveryGuarantee;
    private final FlushPolicy flushPolicy;
    private final int maxOpenPartitions;

    /** Tunnel form of the default partition for unusable partition values, or null. */
    private final String defaultPartition;

    private final WriterSpread spread;
    private final BadRecordPolicy badRecordPolicy;
    private final Duration partitionIdleTimeout;

    TunnelSink(
            String table,
            StreamTunnelConnectionFactory connectionFactory,
            TunnelRecordSerializer<IN> serializer,
            PartitionSpec staticPartition,
            DeliveryGuarantee deliveryGuarantee,
            FlushPolicy flushPolicy,
            int maxOpenPartitions,
            PartitionSpec defaultPartition,
            BadRecordPolicy badRecordPolicy,
            WriterSpread spread,
            Duration partitionIdleTimeout) {
        this.table = table;
        this.connectionFactory = connectionFactory;
        this.serializer = serializer;
        this.staticPartition = staticPartition == null ? null : staticPartition.toString();
        this.deliveryGuarantee = deliveryGuarantee;
        this.flushPolicy = flushPolicy;
        this.maxOpenPartitions = maxOpenPartitions;
        this.defaultPartition = defaultPartition == null ? null : defaultPartition.toString();
        this.spread = spread;
        this.badRecordPolicy = badRecordPolicy;
        this.partitionIdleTimeout = partitionIdleTimeout;
    }

    public static <IN> TunnelSinkBuilder<IN> builder() {
        return new TunnelSinkBuilder<>();
    }

    @Override
    public DataStream<IN> addPreWriteTopology(DataStream<IN> input) {
        int parallelism =
                Math.max(input.getParallelism(), input.getExecutionConfig().getParallelism());
        if (staticPartition != null
                && spread.writersPerPartition() == 0
                && parallelism <= WriterSpread.MAX_SLOTS_PER_PARTITION) {
            return input;
        }
        PartitionSpreadRouter<IN> router =
                new PartitionSpreadRouter<>(
                        table,
                        staticPartition(),
                        serializer,
                        connectionFactory::tableSchema,
                        spread);
        return new DataStream<>(
                input.getExecutionEnvironment(),
                new PartitionTransformation<>(input.getTransformation(), router));
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        StreamTunnelConnection connection = connectionFactory.connect();
        try {
            return new TunnelStreamSinkWriter<>(
                    table,
                    connection,
                    serializer,
                    staticPartition == null ? null : PartitionSpec.parse(staticPartition),
                    defaultPartition == null ? null : PartitionSpec.parse(defaultPartition),
                    badRecordPolicy,
                    deliveryGuarantee,
                    flushPolicy,
                    new PartitionBudget(
                            spread.openPartitionsPerWriter(
                                    context.getTaskInfo().getNumberOfParallelSubtasks()),
                            partitionIdleTimeout),
                    context.metricGroup(),
                    context.getProcessingTimeService(),
                    Clock.systemUTC(),
                    Sleeper.SYSTEM);
        } catch (IOException | RuntimeException e) {
            try {
                connection.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public String table() {
        return table;
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    public FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    /** The static partition, or null when partitions come from the records. */
    public PartitionSpec staticPartition() {
        return staticPartition == null ? null : PartitionSpec.parse(staticPartition);
    }

    /** The configured cap of partitions one writer keeps open. */
    public int maxOpenPartitions() {
        return maxOpenPartitions;
    }

    /** Where records with an unusable partition value go, or null when they fail the job. */
    public PartitionSpec defaultPartition() {
        return defaultPartition == null ? null : PartitionSpec.parse(defaultPartition);
    }

    public BadRecordPolicy badRecordPolicy() {
        return badRecordPolicy;
    }

    /** Partitions of the table all writers together hold at once. */
    public int maxConcurrentPartitions() {
        return spread.maxTablePartitions();
    }

    /** How long the service holds a partition's slots after its last flush. */
    public Duration partitionIdleTimeout() {
        return partitionIdleTimeout;
    }

    /** Writers per partition as configured, 0 for the default. */
    public int writersPerPartition() {
        return spread.writersPerPartition();
    }
}
