package io.github.mctunnel.e2e.job;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSink;
import io.github.mctunnel.flink.source.RowTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;

import java.math.BigDecimal;
import java.util.List;

/**
 * Example job: reads every partition of an orders table with a bounded {@link TunnelSource} and
 * writes the rows exactly once to another orders table (same schema), so what was read can be
 * compared with what was written.
 *
 * <p>Arguments: {@code --endpoint --project --access-id --access-key-secret --table --target-table
 * --checkpoint-interval-ms}.
 */
public final class CopyOrdersJob {

    private CopyOrdersJob() {}

    public static void main(String[] args) throws Exception {
        JobArguments arguments = new JobArguments(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(arguments.getLong("checkpoint-interval-ms"));

        TunnelSource<Row> source =
                TunnelSource.<Row>builder()
                        .setConnection(arguments.connection())
                        .setTable(arguments.get("table"))
                        .setAllPartitions()
                        .setBounded()
                        .setDeserializer(
                                RowTunnelRecordDeserializer.forColumns(
                                        List.of(
                                                Column.of("order_id", "bigint"),
                                                Column.of("customer", "string"),
                                                Column.of("amount", "decimal(12,2)"),
                                                Column.of("ds", "string"))))
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "orders")
                .map(
                        row ->
                                new Order(
                                        (Long) row.getField(0),
                                        (String) row.getField(1),
                                        (BigDecimal) row.getField(2),
                                        (String) row.getField(3)))
                .returns(TypeInformation.of(Order.class))
                .sinkTo(
                        TunnelExactlyOnceSink.<Order>builder()
                                .setConnection(arguments.connection())
                                .setTable(arguments.get("target-table"))
                                .setSerializer(new OrderSerializer())
                                .setDynamicPartition()
                                .setMaxPartitionsPerCheckpoint(Order.DAYS.length)
                                .build())
                .name("tunnel exactly-once sink");
        env.execute("copy " + arguments.get("table") + " to " + arguments.get("target-table"));
    }
}
