package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.meta.TableInfo;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the Java samples of the docs (the regions of this package) on a MiniCluster against the
 * embedded emulator, and checks what they wrote or read, so the samples work as documented.
 */
class DocsSamplesITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration UPSERT_COMMIT_INTERVAL = Duration.ofMillis(200);

    private TunnelEmulator emulator;
    private TunnelConnectionOptions connection;

    @BeforeEach
    void start() throws Exception {
        emulator =
                TunnelEmulator.builder()
                        .project("my_project")
                        .credentials("ak", "sk")
                        .limits(
                                EmulatorLimits.builder()
                                        .upsertCommitInterval(UPSERT_COMMIT_INTERVAL)
                                        .build())
                        .build()
                        .start();
        for (String ddl : SampleTables.MAXCOMPUTE_DDL) {
            emulator.executeSql("my_project", ddl);
        }
        connection = DataStreamSamples.connection(emulator.odpsEndpoint(), "ak", "sk");
    }

    @AfterEach
    void stop() {
        assertThat(emulator.attackRequests()).isEmpty();
        emulator.close();
    }

    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00.123456789Z");

    @Test
    void gettingStartedJobWritesAndReadsOrders() throws Exception {
        GettingStartedJob.main(new String[] {emulator.odpsEndpoint()});
        List<Object[]> rows = committed("orders", "ds=20261122");
        assertThat(ids(rows)).hasSize(1000).startsWith(1L, 2L).endsWith(1000L);
        BigDecimal sum = BigDecimal.ZERO;
        for (Object[] row : rows) {
            sum = sum.add((BigDecimal) row[2]);
        }
        assertThat(sum).isEqualTo(new BigDecimal("5005.00"));
    }

    @Test
    void atLeastOnceSinkWritesDynamicPartitionsAndTheDefaultPartition() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String ds = i % 10 == 9 ? null : "202611" + (20 + i % 3);
            orders.add(new Order(i, i % 7, new BigDecimal(i + ".25"), T0.plusSeconds(i), ds));
        }
        DataStreamSamples.atLeastOnceSink(env.fromData(orders), connection);
        env.execute("at-least-once sample");

        Map<String, Integer> counts = new TreeMap<>();
        for (String ds : List.of("20261120", "20261121", "20261122", "unknown")) {
            List<Object[]> rows = committed("orders", "ds=" + ds);
            counts.put(ds, rows.size());
        }
        assertThat(counts)
                .isEqualTo(Map.of("20261120", 18, "20261121", 18, "20261122", 18, "unknown", 6));
        Object[] first =
                committed("orders", "ds=20261120").stream()
                        .filter(r -> r[0].equals(0L))
                        .findFirst()
                        .orElseThrow();
        assertThat(first).containsExactly(0L, 0L, new BigDecimal("0.25"), T0);
    }

    @Test
    void exactlyOnceSinkCommitsEveryRowOnce() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        RowType rowType = SampleTables.ORDERS_ROW_TYPE;
        List<RowData> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(
                    GenericRowData.of(
                            (long) i,
                            (long) (i % 5),
                            DecimalData.fromBigDecimal(new BigDecimal(i + ".50"), 18, 2),
                            TimestampData.fromInstant(T0.plusMillis(i)),
                            StringData.fromString(i % 2 == 0 ? "20261122" : "20261123")));
        }
        DataStream<RowData> stream = env.fromData(rows, InternalTypeInfo.of(rowType));
        DataStreamSamples.exactlyOnceSink(env, stream, rowType, connection);
        // the sample's 60 s suit production; the table budgets allow 3 s for this job
        env.enableCheckpointing(3000);
        env.execute("exactly-once sample");

        assertThat(ids(committed("orders", "ds=20261122"))).containsExactlyElementsOf(evens(40));
        assertThat(committed("orders", "ds=20261123")).hasSize(20);
    }

    @Test
    void upsertSinkLeavesTheChangelogApplied() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        RowType rowType = SampleTables.USER_TOTALS_ROW_TYPE;
        List<RowData> changes =
                List.of(
                        total(RowKind.INSERT, 1, "10.00"),
                        total(RowKind.INSERT, 2, "5.00"),
                        total(RowKind.UPDATE_BEFORE, 1, "10.00"),
                        total(RowKind.UPDATE_AFTER, 1, "12.50"),
                        total(RowKind.INSERT, 3, "7.00"),
                        total(RowKind.DELETE, 2, "5.00"));
        DataStreamSamples.upsertSink(
                env.fromData(changes, InternalTypeInfo.of(rowType)),
                rowType,
                connection,
                UPSERT_COMMIT_INTERVAL);
        env.execute("upsert sample");

        Map<Long, BigDecimal> table = new TreeMap<>();
        for (Object[] row : committed("user_totals", "")) {
            table.put((Long) row[0], (BigDecimal) row[1]);
        }
        assertThat(table)
                .containsExactlyEntriesOf(
                        new TreeMap<>(
                                Map.of(1L, new BigDecimal("12.50"), 3L, new BigDecimal("7.00"))));
    }

    @Test
    void embeddedEmulatorSampleRuns() throws Exception {
        EmulatorSamples.embedded(); // asserts inside, as the sample shows
    }

    @Test
    void clientUploadsAndDownloads() throws Exception {
        try (TunnelClient client = ClientSamples.connect(emulator.odpsEndpoint(), "ak", "sk")) {
            emulator.executeSql("my_project", "ALTER TABLE orders ADD PARTITION (ds='20261122')");
            TableInfo info = ClientSamples.describe(client);
            assertThat(info.schema().partitionKeyNames()).containsExactly("ds");
            List<Order> orders = List.of(ClientSamples.order(1), ClientSamples.order(2));
            assertThat(ClientSamples.upload(client, orders)).isEqualTo(CommitOutcome.COMMITTED);
            List<String> rows = new ArrayList<>();
            ClientSamples.download(client).forEach(r -> rows.add(Arrays.toString(r)));
            assertThat(rows).containsExactly("[1, 1.10]", "[2, 2.10]");
        }
    }

    @Test
    void sourceReadsTheFilteredPartitionsWithTheProjection() throws Exception {
        emulator.executeSql("my_project", "ALTER TABLE orders ADD PARTITION (ds='20261031')");
        emulator.executeSql("my_project", "ALTER TABLE orders ADD PARTITION (ds='20261122')");
        try (TunnelClient client = ClientSamples.connect(emulator.odpsEndpoint(), "ak", "sk")) {
            // ds=20261122 gets orders 100..102; ds=20261031 one order the filter leaves out
            ClientSamples.upload(
                    client,
                    List.of(
                            ClientSamples.order(100),
                            ClientSamples.order(101),
                            ClientSamples.order(102)));
            UploadSession old =
                    client.createUploadSession(
                            client.table("orders"), PartitionSpec.parse("ds=20261031"), false);
            old.writeRecords(
                    0,
                    Compression.RAW,
                    w -> w.write(new Object[] {7L, 7L, new BigDecimal("7.00"), Instant.EPOCH}));
            old.commit(List.of(0L));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<String> read = new ArrayList<>();
        try (CloseableIterator<Row> it =
                DataStreamSamples.source(env, connection).executeAndCollect()) {
            it.forEachRemaining(r -> read.add(r.toString()));
        }
        assertThat(read)
                .containsExactlyInAnyOrder(
                        "+I[100, 100.10, 20261122]",
                        "+I[101, 101.10, 20261122]",
                        "+I[102, 102.10, 20261122]");
    }

    private static RowData total(RowKind kind, long userId, String total) {
        GenericRowData row =
                GenericRowData.of(userId, DecimalData.fromBigDecimal(new BigDecimal(total), 18, 2));
        row.setRowKind(kind);
        return row;
    }

    private List<Object[]> committed(String table, String partition) {
        return emulator.committedRows(
                "my_project",
                table,
                partition.isEmpty() ? PartitionSpec.empty() : PartitionSpec.parse(partition));
    }

    private static List<Long> ids(List<Object[]> rows) {
        List<Long> ids = new ArrayList<>();
        rows.forEach(r -> ids.add((Long) r[0]));
        ids.sort(null);
        return ids;
    }

    private static List<Long> evens(int n) {
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < n; i += 2) {
            ids.add(i);
        }
        return ids;
    }
}
