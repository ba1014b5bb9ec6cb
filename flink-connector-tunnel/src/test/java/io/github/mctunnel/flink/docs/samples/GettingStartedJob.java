package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.TunnelSink;
import io.github.mctunnel.flink.source.RowTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The job of docs/getting-started.md; {@code DocsSamplesITCase} runs it against the emulator. */
public final class GettingStartedJob {

    private GettingStartedJob() {}

    // [START getting-started-job]
    public static void main(String[] args) throws Exception {
        String endpoint = args.length > 0 ? args[0] : "http://127.0.0.1:8080/api"; // the emulator
        TunnelConnectionOptions connection =
                TunnelConnectionOptions.builder()
                        .endpoint(endpoint)
                        .project("my_project")
                        .accessKey("ak", "sk")
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        // write 1,000 orders into partition ds=20261122 of table orders (at-least-once)
        env.fromSequence(1, 1000)
                .map(i -> new Order(i, i % 10, BigDecimal.valueOf(i, 2), Instant.now(), "20261122"))
                .returns(Order.class)
                .sinkTo(
                        TunnelSink.<Order>builder()
                                .setConnection(connection)
                                .setTable("orders")
                                .setSerializer(new OrderSerializer())
                                .setDynamicPartition()
                                .build());
        env.execute("write orders");

        // read them back: the sum of amount per partition
        TunnelSource<Row> source =
                TunnelSource.<Row>builder()
                        .setConnection(connection)
                        .setTable("orders")
                        .setDeserializer(
                                RowTunnelRecordDeserializer.forColumns(
                                        List.of(
                                                Column.of("ds", "string"),
                                                Column.of("amount", "decimal(18,2)"))))
                        .setAllPartitions()
                        .setBounded()
                        .build();
        Map<String, BigDecimal> totals = new TreeMap<>();
        try (CloseableIterator<Row> rows =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "orders")
                        .executeAndCollect()) {
            rows.forEachRemaining(
                    row ->
                            totals.merge(
                                    (String) row.getField(0),
                                    (BigDecimal) row.getField(1),
                                    BigDecimal::add));
        }
        System.out.println(totals); // {20261122=5005.00}
    }
    // [END getting-started-job]
}
