package io.github.mctunnel.e2e.job;

import io.github.mctunnel.flink.sink.TunnelExactlyOnceSink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Example job: generates orders {@code 0 .. rows-1} ({@link Order#of}) at a fixed rate and writes
 * them exactly once to a partitioned table with {@link TunnelExactlyOnceSink}.
 *
 * <p>Arguments: {@code --endpoint --project --access-id --access-key-secret --table --rows
 * --rows-per-second --checkpoint-interval-ms}. Parallelism, restart strategy and state backend are
 * the cluster's (or the submission's).
 */
public final class WriteOrdersJob {

    private WriteOrdersJob() {}

    public static void main(String[] args) throws Exception {
        JobArguments arguments = new JobArguments(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(arguments.getLong("checkpoint-interval-ms"));

        DataGeneratorSource<Order> orders =
                new DataGeneratorSource<>(
                        Order::of,
                        arguments.getLong("rows"),
                        RateLimiterStrategy.perSecond(arguments.getLong("rows-per-second")),
                        TypeInformation.of(Order.class));
        env.fromSource(orders, WatermarkStrategy.noWatermarks(), "orders")
                .sinkTo(
                        TunnelExactlyOnceSink.<Order>builder()
                                .setConnection(arguments.connection())
                                .setTable(arguments.get("table"))
                                .setSerializer(new OrderSerializer())
                                .setDynamicPartition()
                                .setMaxPartitionsPerCheckpoint(Order.DAYS.length)
                                .build())
                .name("tunnel exactly-once sink");
        env.execute("write orders to " + arguments.get("table"));
    }
}
