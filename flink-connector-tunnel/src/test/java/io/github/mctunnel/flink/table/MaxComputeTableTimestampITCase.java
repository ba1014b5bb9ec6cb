package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink {@code TIMESTAMP} (no zone) columns declared for MaxCompute {@code DATETIME} and {@code
 * TIMESTAMP} columns, as the vendor connector's DDL declares them: written by the append sinks (at
 * least once and exactly once) and the upsert sink, read by scans and lookups, in two session time
 * zones ({@code UTC} and {@code Asia/Shanghai}) while the JVM's default zone is a third one. The
 * table holds the instant of the wall-clock time in the session zone, a round trip in the same zone
 * gives back the exact value written (no 8-hour drift), and a session in the other zone sees the
 * same instant on its own clock.
 */
class MaxComputeTableTimestampITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** DATETIME keeps milliseconds. */
    private static final LocalDateTime DATETIME =
            LocalDateTime.of(2026, 11, 22, 8, 0, 0, 123_000_000);

    /** TIMESTAMP keeps nanoseconds; 8 hours later it is another day in Shanghai. */
    private static final LocalDateTime TIMESTAMP =
            LocalDateTime.of(2026, 11, 22, 23, 59, 59, 123_456_789);

    private static final String VALUES =
            " VALUES (CAST(1 AS BIGINT), TIMESTAMP '2026-11-22 08:00:00.123',"
                    + " TIMESTAMP '2026-11-22 23:59:59.123456789'),"
                    + " (CAST(2 AS BIGINT), CAST(NULL AS TIMESTAMP(3)),"
                    + " CAST(NULL AS TIMESTAMP(9)))";

    private static TimeZone originalDefault;
    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        originalDefault = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
        emulator =
                TunnelEmulator.builder()
                        .credentials("ak", "sk")
                        .limits(
                                EmulatorLimits.builder()
                                        .upsertCommitInterval(Duration.ofMillis(100))
                                        .build())
                        .build()
                        .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
        TimeZone.setDefault(originalDefault);
    }

    private static TableEnvironment env(ZoneId sessionZone) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment streamEnv =
                StreamExecutionEnvironment.getExecutionEnvironment(conf);
        streamEnv.setParallelism(2);
        // within the exactly-once sink's session budget (checked when the job is built)
        streamEnv.enableCheckpointing(1000);
        StreamTableEnvironment env = StreamTableEnvironment.create(streamEnv);
        env.getConfig().setLocalTimeZone(sessionZone);
        return env;
    }

    private static String with(String table, String... extra) {
        StringBuilder sb =
                new StringBuilder(" WITH ('connector' = 'maxcompute'")
                        .append(", 'endpoint' = '")
                        .append(emulator.odpsEndpoint())
                        .append("', 'tunnel.endpoint' = '")
                        .append(emulator.tunnelEndpoint())
                        .append("', 'project' = '")
                        .append(emulator.defaultProject())
                        .append("', 'table' = '")
                        .append(table)
                        .append("', 'access-id' = 'ak', 'access-key-secret' = 'sk'");
        for (int i = 0; i < extra.length; i += 2) {
            sb.append(", '").append(extra[i]).append("' = '").append(extra[i + 1]).append('\'');
        }
        return sb.append(')').toString();
    }

    private static String name(String prefix, String... parts) {
        StringBuilder sb = new StringBuilder(prefix);
        for (String p : parts) {
            sb.append('_').append(p.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_"));
        }
        return sb.toString();
    }

    private static List<Row> collect(TableEnvironment env, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(rows::add);
        }
        rows.sort((a, b) -> Long.compare((Long) a.getField(0), (Long) b.getField(0)));
        return rows;
    }

    private static ZoneId other(ZoneId zone) {
        return zone.equals(ZoneId.of("UTC")) ? ZoneId.of("Asia/Shanghai") : ZoneId.of("UTC");
    }

    /** The rows the table holds, by id: {id, DATETIME instant, TIMESTAMP instant}. */
    private static List<Object[]> committed(String table, PartitionSpec partition) {
        List<Object[]> rows =
                new ArrayList<>(
                        emulator.committedRows(
                                TableIdentifier.of(emulator.defaultProject(), table), partition));
        rows.sort((a, b) -> Long.compare((Long) a[0], (Long) b[0]));
        return rows;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "UTC, at-least-once",
        "Asia/Shanghai, at-least-once",
        "UTC, exactly-once",
        "Asia/Shanghai, exactly-once"
    })
    void appendSinkAndScanRoundTripExactValuesInTheSessionZone(String zoneId, String guarantee)
            throws Exception {
        ZoneId zone = ZoneId.of(zoneId);
        String table = name("ts", guarantee, zoneId);
        emulator.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT, c_datetime DATETIME, c_timestamp TIMESTAMP)"
                        + " PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE " + table + " ADD PARTITION (ds='20261122')");
        String ddl =
                "CREATE TABLE "
                        + table
                        + " (id BIGINT, c_datetime TIMESTAMP(3), c_timestamp TIMESTAMP(9),"
                        + " ds STRING) PARTITIONED BY (ds)"
                        + with(table, "sink.delivery-guarantee", guarantee);
        TableEnvironment writer = env(zone);
        writer.executeSql(ddl);
        writer.executeSql("INSERT INTO " + table + " PARTITION (ds = '20261122')" + VALUES).await();

        // the table holds the instants of the wall-clock values in the session zone
        List<Object[]> stored = committed(table, PartitionSpec.parse("ds=20261122"));
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0))
                .containsExactly(
                        1L, DATETIME.atZone(zone).toInstant(), TIMESTAMP.atZone(zone).toInstant());
        assertThat(stored.get(1)).containsExactly(2L, null, null);

        // read back in the same session zone: exactly the values written
        List<Row> rows = collect(writer, "SELECT id, c_datetime, c_timestamp FROM " + table);
        assertThat(rows).containsExactly(Row.of(1L, DATETIME, TIMESTAMP), Row.of(2L, null, null));

        // read in the other zone: the same instants on that zone's clock
        ZoneId otherZone = other(zone);
        TableEnvironment reader = env(otherZone);
        reader.executeSql(ddl);
        assertThat(collect(reader, "SELECT id, c_datetime, c_timestamp FROM " + table))
                .containsExactly(
                        Row.of(
                                1L,
                                LocalDateTime.ofInstant(
                                        DATETIME.atZone(zone).toInstant(), otherZone),
                                LocalDateTime.ofInstant(
                                        TIMESTAMP.atZone(zone).toInstant(), otherZone)),
                        Row.of(2L, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Shanghai"})
    void upsertSinkWritesTheInstantsOfTheSessionZone(String zoneId) throws Exception {
        ZoneId zone = ZoneId.of(zoneId);
        String table = name("ts_upsert", zoneId);
        emulator.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT NOT NULL, c_datetime DATETIME, c_timestamp TIMESTAMP,"
                        + " PRIMARY KEY (id)) TBLPROPERTIES ('transactional'='true',"
                        + " 'write.bucket.num'='2')");
        TableEnvironment env = env(zone);
        env.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT, c_datetime TIMESTAMP(3), c_timestamp TIMESTAMP(9),"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with(table, "sink.upsert.commit-interval", "100 ms"));
        // grouped by the key: Flink 2.3 wants the query's upsert key to be the table's key
        env.executeSql(
                        "INSERT INTO "
                                + table
                                + " SELECT id, MAX(d), MAX(t) FROM ("
                                + VALUES
                                + ") AS v(id, d, t) GROUP BY id")
                .await();
        List<Object[]> stored = committed(table, PartitionSpec.empty());
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0))
                .containsExactly(
                        1L, DATETIME.atZone(zone).toInstant(), TIMESTAMP.atZone(zone).toInstant());
        assertThat(stored.get(1)).containsExactly(2L, null, null);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"UTC, NONE", "Asia/Shanghai, NONE", "UTC, FULL", "Asia/Shanghai, FULL"})
    void lookupJoinReadsTheInstantsOnTheSessionZonesClock(String zoneId, String cache)
            throws Exception {
        ZoneId zone = ZoneId.of(zoneId);
        String table = name("ts_dim", cache, zoneId);
        Instant datetime = Instant.parse("2026-11-22T00:00:00.123Z");
        Instant timestamp = Instant.parse("2026-11-22T16:30:00.123456789Z");
        emulator.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT, c_datetime DATETIME, c_timestamp TIMESTAMP)");
        EmulatorRows.write(
                emulator,
                table,
                "",
                List.of(new Object[] {1L, datetime, timestamp}, new Object[] {2L, null, null}));
        StreamExecutionEnvironment streamEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        streamEnv.setParallelism(1);
        StreamTableEnvironment env = StreamTableEnvironment.create(streamEnv);
        env.getConfig().setLocalTimeZone(zone);
        env.executeSql(
                "CREATE TABLE dim (id BIGINT, c_datetime TIMESTAMP(3), c_timestamp TIMESTAMP(9))"
                        + with(table, "lookup.cache", cache));
        env.createTemporaryView(
                "orders",
                env.fromDataStream(
                        streamEnv.fromData(1L, 2L, 3L),
                        Schema.newBuilder().columnByExpression("proc", "PROCTIME()").build()));
        List<Row> rows =
                collect(
                        env,
                        "SELECT o.f0, d.c_datetime, d.c_timestamp FROM orders AS o LEFT JOIN dim"
                                + " FOR SYSTEM_TIME AS OF o.proc AS d ON o.f0 = d.id");
        assertThat(rows)
                .containsExactly(
                        Row.of(
                                1L,
                                LocalDateTime.ofInstant(datetime, zone),
                                LocalDateTime.ofInstant(timestamp, zone)),
                        Row.of(2L, null, null),
                        Row.of(3L, null, null));
    }
}
