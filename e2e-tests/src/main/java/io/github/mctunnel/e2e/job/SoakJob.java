package io.github.mctunnel.e2e.job;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.sink.TunnelSink;
import io.github.mctunnel.flink.upsert.TunnelUpsertSink;
import io.github.mctunnel.flink.upsert.UpsertRecordSerializer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.RowKind;

/**
 * The chaos soak's other two jobs, on bounded rate-limited generated sources (the exactly-once one
 * is {@link WriteOrdersJob}):
 *
 * <ul>
 *   <li>{@code --mode at-least-once}: orders {@code 0 .. rows-1} ({@link Order#of}) through the
 *       stream tunnel ({@link TunnelSink}, at-least-once) into a partitioned orders table;
 *   <li>{@code --mode upsert}: changes {@code 0 .. rows-1} of a Delta table {@code (k BIGINT NOT
 *       NULL, v BIGINT, PRIMARY KEY (k))} with {@link TunnelUpsertSink}: change {@code i} sets key
 *       {@code i % keys} to {@code v = i}, so the table ends with {@link #upsertValue} of each key.
 *       The source runs with parallelism 1 so each key's changes reach the sink in order.
 * </ul>
 *
 * <p>Arguments: those of {@link WriteOrdersJob} plus {@code --mode}, and {@code --keys} for
 * upserts.
 */
public final class SoakJob {

    private SoakJob() {}

    /** The value key {@code key} ends with after changes {@code 0 .. rows-1}; -1 when never set. */
    public static long upsertValue(long key, long keys, long rows) {
        if (key >= rows) {
            return -1;
        }
        return key + (rows - 1 - key) / keys * keys;
    }

    public static void main(String[] args) throws Exception {
        JobArguments arguments = new JobArguments(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(arguments.getLong("checkpoint-interval-ms"));
        long rows = arguments.getLong("rows");
        String table = arguments.get("table");
        String mode = arguments.get("mode");
        switch (mode) {
            case "at-least-once" -> {
                DataGeneratorSource<Order> orders =
                        new DataGeneratorSource<>(
                                Order::of,
                                rows,
                                RateLimiterStrategy.perSecond(arguments.getLong("rows-per-second")),
                                TypeInformation.of(Order.class));
                env.fromSource(orders, WatermarkStrategy.noWatermarks(), "orders")
                        .sinkTo(
                                TunnelSink.<Order>builder()
                                        .setConnection(arguments.connection())
                                        .setTable(table)
                                        .setSerializer(new OrderSerializer())
                                        .setDynamicPartition()
                                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                                        .build())
                        .name("tunnel at-least-once sink");
            }
            case "upsert" -> {
                long keys = arguments.getLong("keys");
                DataGeneratorSource<Long> changes =
                        new DataGeneratorSource<>(
                                i -> i,
                                rows,
                                RateLimiterStrategy.perSecond(arguments.getLong("rows-per-second")),
                                Types.LONG);
                env.fromSource(changes, WatermarkStrategy.noWatermarks(), "changes")
                        .setParallelism(1)
                        .sinkTo(
                                TunnelUpsertSink.<Long>builder()
                                        .setConnection(arguments.connection())
                                        .setTable(table)
                                        .setPrimaryKey(Column.of("k", "bigint"))
                                        .setBucketCount((int) arguments.getLong("buckets"))
                                        .setSerializer(new Changes(keys))
                                        .setCommitInterval(
                                                java.time.Duration.ofMillis(
                                                        arguments.getLong("commit-interval-ms")))
                                        .build())
                        .name("tunnel upsert sink");
            }
            default -> throw new IllegalArgumentException("unknown --mode " + mode);
        }
        env.execute("soak " + mode + " into " + table);
    }

    /** Change {@code i}: upsert {@code (k = i % keys, v = i)}. */
    private static final class Changes implements UpsertRecordSerializer<Long> {
        private static final long serialVersionUID = 1L;
        private final long keys;

        Changes(long keys) {
            this.keys = keys;
        }

        @Override
        public RowKind kind(Long i) {
            return RowKind.INSERT;
        }

        @Override
        public void serialize(Long i, RecordFieldWriter record) {
            // the sink also asks for the key alone (k)
            record.setBigint(0, i % keys);
            if (record.fieldCount() > 1) {
                record.setBigint(1, i);
            }
        }
    }
}
