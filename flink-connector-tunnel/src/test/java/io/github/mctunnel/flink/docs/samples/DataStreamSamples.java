package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.BadRecordPolicy;
import io.github.mctunnel.flink.sink.RowDataTunnelRecordSerializer;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSink;
import io.github.mctunnel.flink.sink.TunnelSink;
import io.github.mctunnel.flink.source.RowTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;
import io.github.mctunnel.flink.source.TunnelSource;
import io.github.mctunnel.flink.upsert.RowDataUpsertRecordSerializer;
import io.github.mctunnel.flink.upsert.TunnelUpsertSink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

import java.time.Duration;
import java.util.List;

/**
 * The Java samples of docs/datastream.md (regions between {@code [START name]} and {@code [END
 * name]} comments are copied into the docs); {@code DocsSamplesITCase} runs each against the
 * embedded emulator.
 */
public final class DataStreamSamples {

    private DataStreamSamples() {}

    static TunnelConnectionOptions connection(
            String endpoint, String accessId, String accessKeySecret) {
        // [START connection]
        TunnelConnectionOptions connection =
                TunnelConnectionOptions.builder()
                        .endpoint(endpoint) // https://service.cn-hangzhou.maxcompute.aliyun.com/api
                        .project("my_project")
                        .accessKey(accessId, accessKeySecret)
                        .build();
        // [END connection]
        return connection;
    }

    static void atLeastOnceSink(DataStream<Order> orders, TunnelConnectionOptions connection) {
        // [START at-least-once-sink]
        orders.sinkTo(
                TunnelSink.<Order>builder()
                        .setConnection(connection)
                        .setTable("orders")
                        .setSerializer(new OrderSerializer())
                        .setDynamicPartition() // ds of each record, or .setPartition("ds=1")
                        .setFlushMaxRows(100_000) // rows per record pack
                        .setFlushMaxBytes(8 << 20) // buffered bytes of a writer: memory bound
                        .setFlushInterval(Duration.ofSeconds(10))
                        .setMaxOpenPartitions(8) // partitions one writer keeps open, <= 64
                        .setMaxConcurrentPartitions(64) // over all writers, <= 64
                        .setPartitionIdleTimeout(Duration.ofSeconds(60)) // service frees idle slots
                        .setWritersPerPartition(4) // writers one partition's rows go to, <= 32
                        .setDefaultPartition("ds=unknown") // for NULL/unusable ds (else: fail)
                        .setBadRecordPolicy(BadRecordPolicy.FAIL) // or SKIP (numRecordsSkipped)
                        .build());
        // [END at-least-once-sink]
    }

    static void exactlyOnceSink(
            StreamExecutionEnvironment env,
            DataStream<RowData> rows,
            RowType rowType,
            TunnelConnectionOptions connection) {
        // [START exactly-once-sink]
        env.enableCheckpointing(60_000); // rows become visible when their checkpoint completes
        rows.sinkTo(
                TunnelExactlyOnceSink.<RowData>builder()
                        .setConnection(connection)
                        .setTable("orders")
                        .setSerializer(new RowDataTunnelRecordSerializer(rowType))
                        .setDynamicPartition() // the row field named ds; or .setPartition(..)
                        .setMaxPartitionsPerCheckpoint(4) // checked against the table budgets
                        .build());
        // [END exactly-once-sink]
    }

    static void upsertSink(
            DataStream<RowData> changelog,
            RowType rowType,
            TunnelConnectionOptions connection,
            Duration commitInterval) {
        // [START upsert-sink]
        changelog.sinkTo(
                TunnelUpsertSink.<RowData>builder()
                        .setConnection(connection)
                        .setTable("user_totals") // a Delta table: PRIMARY KEY, transactional
                        .setPrimaryKey(Column.of("user_id", "bigint"))
                        .setBucketCount(16) // the table's write.bucket.num
                        .setSerializer(new RowDataUpsertRecordSerializer(rowType))
                        .setCommitInterval(commitInterval) // default 1 min, the service's limit
                        .build());
        // [END upsert-sink]
    }

    static DataStream<Row> source(
            StreamExecutionEnvironment env, TunnelConnectionOptions connection) {
        // [START source]
        TunnelSource<Row> source =
                TunnelSource.<Row>builder()
                        .setConnection(connection)
                        .setTable("orders")
                        .setDeserializer(
                                RowTunnelRecordDeserializer.forColumns( // = the projection
                                        List.of(
                                                Column.of("order_id", "bigint"),
                                                Column.of("amount", "decimal(18,2)"),
                                                Column.of("ds", "string"))))
                        .setPartitionFilter(p -> p.get("ds").compareTo("20261101") >= 0)
                        .setSplitRows(1_000_000)
                        .setBounded() // or .setContinuous(Duration.ofMinutes(1))
                        .setSessionInvalidationPolicy(SessionInvalidationPolicy.FAIL)
                        .build();
        DataStream<Row> orders = env.fromSource(source, WatermarkStrategy.noWatermarks(), "orders");
        // [END source]
        return orders;
    }
}
