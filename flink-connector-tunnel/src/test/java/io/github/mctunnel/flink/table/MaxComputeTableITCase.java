package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flink SQL against the embedded emulator: INSERT with static and dynamic partitions (at least
 * once), SELECT with projection and partition pruning, every type round-tripped with a JVM default
 * time zone and a session time zone that both differ from UTC.
 */
class MaxComputeTableITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ZoneId SESSION_ZONE = ZoneId.of("Asia/Shanghai");
    private static TimeZone originalDefault;
    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        originalDefault = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
        TimeZone.setDefault(originalDefault);
    }

    private static TableEnvironment tableEnv() {
        StreamExecutionEnvironment streamEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        streamEnv.setParallelism(2);
        StreamTableEnvironment env = StreamTableEnvironment.create(streamEnv);
        env.getConfig().setLocalTimeZone(SESSION_ZONE);
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

    private static TableIdentifier id(String table) {
        return TableIdentifier.of(emulator.defaultProject(), table);
    }

    private static List<Row> collect(TableEnvironment env, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    // ------------------------------------------------------------------ every type

    private static final String FLINK_ALL_TYPES =
            "c_bigint BIGINT, c_int INT, c_smallint SMALLINT, c_tinyint TINYINT,"
                    + " c_boolean BOOLEAN, c_double DOUBLE, c_float FLOAT, c_string STRING,"
                    + " c_varchar VARCHAR(20), c_char CHAR(10), c_binary BYTES,"
                    + " c_decimal DECIMAL(18,3), c_date DATE, c_datetime TIMESTAMP_LTZ(3),"
                    + " c_timestamp TIMESTAMP_LTZ(9), c_timestamp_ntz TIMESTAMP(9),"
                    + " c_json STRING, c_array ARRAY<BIGINT>, c_map MAP<STRING, INT>,"
                    + " c_struct ROW<a INT, b STRING>, ds STRING";

    @Test
    void everyTypeRoundTripsWithoutTimeZoneShift() throws Exception {
        emulator.executeSql(
                "CREATE TABLE all_types (c_bigint BIGINT, c_int INT, c_smallint SMALLINT,"
                        + " c_tinyint TINYINT, c_boolean BOOLEAN, c_double DOUBLE, c_float FLOAT,"
                        + " c_string STRING, c_varchar VARCHAR(20), c_char CHAR(10),"
                        + " c_binary BINARY, c_decimal DECIMAL(18,3), c_date DATE,"
                        + " c_datetime DATETIME, c_timestamp TIMESTAMP,"
                        + " c_timestamp_ntz TIMESTAMP_NTZ, c_json JSON, c_array ARRAY<BIGINT>,"
                        + " c_map MAP<STRING,INT>, c_struct STRUCT<a:INT,b:STRING>)"
                        + " PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE all_types ADD PARTITION (ds='20261122')");
        TableEnvironment env = tableEnv();
        env.executeSql(
                "CREATE TABLE all_types ("
                        + FLINK_ALL_TYPES
                        + ") PARTITIONED BY (ds)"
                        + with("all_types"));
        env.executeSql(
                        "INSERT INTO all_types PARTITION (ds = '20261122') VALUES"
                                + " (CAST(1 AS BIGINT), 2, CAST(3 AS SMALLINT), CAST(4 AS TINYINT),"
                                + " TRUE, 0.5, CAST(0.25 AS FLOAT), 's-\u00fc\u4e2d', 'v1',"
                                + " CAST('c1' AS CHAR(10)),"
                                + " X'01FF', CAST(12.345 AS DECIMAL(18,3)), DATE '2026-11-22',"
                                + " TO_TIMESTAMP_LTZ(1700000000123, 3),"
                                + " CAST(TIMESTAMP '2023-11-15 06:13:20.123456789'"
                                + " AS TIMESTAMP_LTZ(9)),"
                                + " TIMESTAMP '2024-01-01 00:00:01.987654321', '{\"id\":1}',"
                                + " ARRAY[CAST(7 AS BIGINT), CAST(8 AS BIGINT)], MAP['k', 9],"
                                + " ROW(10, 'b')),"
                                + " (CAST(2 AS BIGINT), CAST(NULL AS INT), CAST(NULL AS SMALLINT),"
                                + " CAST(NULL AS TINYINT), CAST(NULL AS BOOLEAN),"
                                + " CAST(NULL AS DOUBLE), CAST(NULL AS FLOAT),"
                                + " CAST(NULL AS STRING), CAST(NULL AS VARCHAR(20)),"
                                + " CAST(NULL AS CHAR(10)), CAST(NULL AS BYTES),"
                                + " CAST(NULL AS DECIMAL(18,3)), CAST(NULL AS DATE),"
                                + " CAST(NULL AS TIMESTAMP_LTZ(3)), CAST(NULL AS TIMESTAMP_LTZ(9)),"
                                + " CAST(NULL AS TIMESTAMP(9)), CAST(NULL AS STRING),"
                                + " CAST(NULL AS ARRAY<BIGINT>), CAST(NULL AS MAP<STRING, INT>),"
                                + " CAST(NULL AS ROW<a INT, b STRING>))")
                .await();

        Instant datetime = Instant.ofEpochMilli(1_700_000_000_123L);
        Instant timestamp =
                LocalDateTime.of(2023, 11, 15, 6, 13, 20, 123_456_789)
                        .atZone(SESSION_ZONE)
                        .toInstant();
        LocalDateTime ntz = LocalDateTime.of(2024, 1, 1, 0, 0, 1, 987_654_321);

        // what the table holds: instants for DATETIME/TIMESTAMP, the local value for NTZ
        List<Object[]> committed =
                emulator.committedRows(id("all_types"), PartitionSpec.parse("ds=20261122"));
        assertThat(committed).hasSize(2);
        Object[] first = committed.get(0)[0].equals(1L) ? committed.get(0) : committed.get(1);
        assertThat(first[12]).isEqualTo(LocalDate.of(2026, 11, 22));
        assertThat(first[13]).isEqualTo(datetime);
        assertThat(first[14]).isEqualTo(timestamp);
        assertThat(first[15]).isEqualTo(ntz);

        List<Row> rows = collect(env, "SELECT * FROM all_types");
        assertThat(rows).hasSize(2);
        rows.sort((a, b) -> Long.compare((Long) a.getField(0), (Long) b.getField(0)));
        Row one = rows.get(0);
        assertThat(one.getField(0)).isEqualTo(1L);
        assertThat(one.getField(1)).isEqualTo(2);
        assertThat(one.getField(2)).isEqualTo((short) 3);
        assertThat(one.getField(3)).isEqualTo((byte) 4);
        assertThat(one.getField(4)).isEqualTo(true);
        assertThat(one.getField(5)).isEqualTo(0.5);
        assertThat(one.getField(6)).isEqualTo(0.25f);
        assertThat(one.getField(7)).isEqualTo("s-\u00fc\u4e2d");
        assertThat(one.getField(8)).isEqualTo("v1");
        assertThat(one.getField(9)).isEqualTo("c1        ");
        assertThat((byte[]) one.getField(10)).containsExactly(0x01, 0xFF);
        assertThat(one.getField(11)).isEqualTo(new BigDecimal("12.345"));
        assertThat(one.getField(12)).isEqualTo(LocalDate.of(2026, 11, 22));
        assertThat(one.getField(13)).isEqualTo(datetime);
        assertThat(one.getField(14)).isEqualTo(timestamp);
        assertThat(one.getField(15)).isEqualTo(ntz);
        assertThat(one.getField(16)).isEqualTo("{\"id\":1}");
        assertThat((Long[]) one.getField(17)).containsExactly(7L, 8L);
        assertThat(one.getField(18)).isEqualTo(Map.of("k", 9));
        assertThat(one.getField(19)).isEqualTo(Row.of(10, "b"));
        assertThat(one.getField(20)).isEqualTo("20261122");
        Row nulls = rows.get(1);
        assertThat(nulls.getField(0)).isEqualTo(2L);
        for (int i = 1; i < 20; i++) {
            assertThat(nulls.getField(i)).as("field %d", i).isNull();
        }
    }

    // ------------------------------------------------------------------ dynamic partitions

    private static void createEventsTable(TableEnvironment env, String table, String... extra) {
        env.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with(table, extra));
    }

    private static void insertFromDatagen(TableEnvironment env, String table, int rows)
            throws Exception {
        env.executeSql(
                "CREATE TEMPORARY TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + rows
                        + "')");
        env.executeSql(
                        "INSERT INTO "
                                + table
                                + " SELECT id, CONCAT('n', CAST(id AS STRING)),"
                                + " CONCAT('p', CAST(id % 3 AS STRING)) FROM gen")
                .await();
    }

    private static Set<Long> committedIds(String table, String partition) {
        Set<Long> ids = new TreeSet<>();
        for (Object[] row : emulator.committedRows(id(table), PartitionSpec.parse(partition))) {
            assertThat(row[1]).isIn("n" + row[0], ("n" + row[0]).getBytes(StandardCharsets.UTF_8));
            ids.add((Long) row[0]);
        }
        return ids;
    }

    private static Set<Long> idsWithRemainder(int rows, int remainder) {
        Set<Long> ids = new TreeSet<>();
        for (long id = 1; id <= rows; id++) {
            if (id % 3 == remainder) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void dynamicPartitionsAtLeastOnce() throws Exception {
        emulator.executeSql(
                "CREATE TABLE dyn_alo (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv();
        createEventsTable(env, "dyn_alo");
        insertFromDatagen(env, "dyn_alo", 300);
        for (int r = 0; r < 3; r++) {
            assertThat(committedIds("dyn_alo", "ds=p" + r)).isEqualTo(idsWithRemainder(300, r));
        }
    }

    @Test
    void staticPartitionAtLeastOnce() throws Exception {
        emulator.executeSql(
                "CREATE TABLE static_alo (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE static_alo ADD PARTITION (ds='s1')");
        TableEnvironment env = tableEnv();
        createEventsTable(env, "static_alo");
        env.executeSql(
                "CREATE TEMPORARY TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '300')");
        env.executeSql(
                        "INSERT INTO static_alo PARTITION (ds = 's1')"
                                + " SELECT id, CONCAT('n', CAST(id AS STRING)) FROM gen")
                .await();
        Set<Long> all = new TreeSet<>();
        for (long id = 1; id <= 300; id++) {
            all.add(id);
        }
        assertThat(committedIds("static_alo", "ds=s1")).isEqualTo(all);
        assertThat(emulator.committedRows(id("static_alo"), PartitionSpec.parse("ds=s1")))
                .hasSize(300);
    }

    // ------------------------------------------------------------------ scans

    @Test
    void partitionFilterOpensOnlyTheRemainingPartitionAndProjectionReadsColumns() throws Exception {
        emulator.executeSql(
                "CREATE TABLE scanned (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv();
        createEventsTable(env, "scanned");
        insertFromDatagen(env, "scanned", 90);

        long before = emulator.stats(id("scanned")).downloadSessionsCreated();
        List<Row> rows = collect(env, "SELECT name, id FROM scanned WHERE ds = 'p1'");
        assertThat(emulator.stats(id("scanned")).downloadSessionsCreated() - before)
                .as("download sessions: the pruned partitions p0 and p2 are never opened")
                .isEqualTo(1);
        Set<Long> ids = new TreeSet<>();
        for (Row row : rows) {
            assertThat(row.getArity()).isEqualTo(2);
            assertThat(row.getField(0)).isEqualTo("n" + row.getField(1));
            ids.add((Long) row.getField(1));
        }
        assertThat(ids).isEqualTo(idsWithRemainder(90, 1));

        before = emulator.stats(id("scanned")).downloadSessionsCreated();
        Map<Object, Long> perPartition = new TreeMap<>();
        for (Row row : collect(env, "SELECT ds FROM scanned")) {
            assertThat(row.getArity()).isEqualTo(1);
            perPartition.merge(row.getField(0), 1L, Long::sum);
        }
        assertThat(perPartition).isEqualTo(Map.of("p0", 30L, "p1", 30L, "p2", 30L));
        assertThat(emulator.stats(id("scanned")).downloadSessionsCreated() - before).isEqualTo(3);
    }

    @Test
    void partitionOptionSelectsPartitionsWithWildcards() throws Exception {
        emulator.executeSql(
                "CREATE TABLE selected (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv();
        createEventsTable(env, "selected");
        insertFromDatagen(env, "selected", 30);
        env.executeSql(
                "CREATE TABLE selected_p2 (id BIGINT, name STRING, ds STRING)"
                        + with("selected", "partition", "ds=*2"));
        long before = emulator.stats(id("selected")).downloadSessionsCreated();
        List<Row> rows = collect(env, "SELECT id FROM selected_p2");
        Set<Long> ids = new TreeSet<>();
        rows.forEach(r -> ids.add((Long) r.getField(0)));
        assertThat(ids).isEqualTo(idsWithRemainder(30, 2));
        assertThat(emulator.stats(id("selected")).downloadSessionsCreated() - before).isEqualTo(1);
    }

    @Test
    void columnThatCannotBeWrittenFailsAtPlanningNamingBothTypes() {
        emulator.executeSql("CREATE TABLE typed (id BIGINT, amount DECIMAL(10,2))");
        TableEnvironment env = tableEnv();
        env.executeSql("CREATE TABLE typed (id BIGINT, amount BOOLEAN)" + with("typed"));
        assertThatThrownBy(
                        () -> env.executeSql("INSERT INTO typed VALUES (CAST(1 AS BIGINT), TRUE)"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("amount")
                .hasMessageContaining("BOOLEAN")
                .hasMessageContaining("decimal(10,2)");
    }
}
