package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnection;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnectionFactory;
import io.github.mctunnel.flink.sink.writer.TunnelStreamSinkWriter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.IOException;

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
 */
@PublicEvolving
public final class TunnelSink<IN> implements Sink<IN> {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final StreamTunnelConnectionFactory connectionFactory;
    private final TunnelRecordSerializer<IN> serializer;

    /** Tunnel form of the static partition ("" for a non-partitioned table), null for dynamic. */
    private final String staticPartition;

    private final DeliveryGuarantee deliveryGuarantee;
    private final FlushPolicy flushPolicy;
    private final int maxOpenPartitions;

    TunnelSink(
            String table,
            StreamTunnelConnectionFactory connectionFactory,
            TunnelRecordSerializer<IN> serializer,
            PartitionSpec staticPartition,
            DeliveryGuarantee deliveryGuarantee,
            FlushPolicy flushPolicy,
            int maxOpenPartitions) {
        this.table = table;
        this.connectionFactory = connectionFactory;
        this.serializer = serializer;
        this.staticPartition = staticPartition == null ? null : staticPartition.toString();
        this.deliveryGuarantee = deliveryGuarantee;
        this.flushPolicy = flushPolicy;
        this.maxOpenPartitions = maxOpenPartitions;
    }

    public static <IN> TunnelSinkBuilder<IN> builder() {
        return new TunnelSinkBuilder<>();
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
                    deliveryGuarantee,
                    flushPolicy,
                    maxOpenPartitions,
                    context.metricGroup(),
                    context.getProcessingTimeService());
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

    public int maxOpenPartitions() {
        return maxOpenPartitions;
    }
}
