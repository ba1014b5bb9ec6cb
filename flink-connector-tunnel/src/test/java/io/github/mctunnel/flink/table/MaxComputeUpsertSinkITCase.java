package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flink SQL tables with a {@code PRIMARY KEY} written into emulator Delta tables through the upsert
 * sink: GROUP BY aggregations (INSERT, UPDATE and, through HAVING, DELETE changes) end with exactly
 * the aggregates of the input, row by row; keys and table kinds that do not match fail at planning
 * naming both.
 */
class MaxComputeUpsertSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(500);
    private static final int ROWS = 600;
    private static final int KEYS = 37;

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator =
                TunnelEmulator.builder()
                        .credentials("ak", "sk")
                        .limits(
                                EmulatorLimits.builder()
                                        .upsertCommitInterval(COMMIT_INTERVAL)
                                        .build())
                        .build()
                        .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static TableEnvironment tableEnv() {
        Configuration conf = new Configuration();
        // a failure ends the job and the test with its cause instead of restarting forever
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment streamEnv =
                StreamExecutionEnvironment.getExecutionEnvironment(conf);
        streamEnv.setParallelism(2);
        streamEnv.enableCheckpointing(200);
        return StreamTableEnvironment.create(streamEnv);
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
                        .append("', 'access-id' = 'ak', 'access-key-secret' = 'sk'")
                        .append(", 'sink.upsert.commit-interval' = '")
                        .append(COMMIT_INTERVAL.toMillis())
                        .append(" ms'");
        for (int i = 0; i < extra.length; i += 2) {
            sb.append(", '").append(extra[i]).append("' = '").append(extra[i + 1]).append('\'');
        }
        return sb.append(')').toString();
    }

    /** Row i: key i*7 % KEYS, value i - 100 (negative values too). */
    private static long key(int i) {
        return (i * 7L) % KEYS;
    }

    private static long value(int i) {
        return i - 100L;
    }

    /** The input as a VALUES table {@code src(k, v, ds)}, ds alternating between two days. */
    private static String createSource(TableEnvironment env) {
        // literals only: expressions in VALUES would become a union of one source per row
        StringJoiner values = new StringJoiner(", ");
        for (int i = 0; i < ROWS; i++) {
            values.add("(" + key(i) + ", " + value(i) + ", '" + day(i) + "')");
        }
        env.executeSql(
                "CREATE TEMPORARY VIEW src AS SELECT CAST(k AS BIGINT) AS k,"
                        + " CAST(v AS BIGINT) AS v, ds FROM (VALUES "
                        + values
                        + ") AS t(k, v, ds)");
        return "src";
    }

    private static String day(int i) {
        return i % 3 == 0 ? "20261122" : "20261123";
    }

    /** Committed rows of a partition as key to [count, sum]. */
    private static Map<Long, List<Long>> committed(String table, PartitionSpec partition) {
        Map<Long, List<Long>> out = new TreeMap<>();
        for (Object[] row :
                emulator.committedRows(
                        TableIdentifier.of(emulator.defaultProject(), table), partition)) {
            List<Long> previous = out.put((Long) row[0], List.of((Long) row[1], (Long) row[2]));
            assertThat(previous).as("key %s appears twice", row[0]).isNull();
        }
        return out;
    }

    @Test
    void groupByAggregatesEndExactlyInTheDeltaTable() throws Exception {
        emulator.executeSql(
                "CREATE TABLE agg (k BIGINT NOT NULL, cnt BIGINT, total BIGINT, PRIMARY KEY (k))"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='4')");
        TableEnvironment env = tableEnv();
        createSource(env);
        env.executeSql(
                "CREATE TABLE agg (k BIGINT, cnt BIGINT, total BIGINT,"
                        + " PRIMARY KEY (k) NOT ENFORCED)"
                        + with("agg"));
        env.executeSql("INSERT INTO agg SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k").await();

        Map<Long, List<Long>> expected = new TreeMap<>();
        for (int i = 0; i < ROWS; i++) {
            List<Long> e = expected.getOrDefault(key(i), List.of(0L, 0L));
            expected.put(key(i), List.of(e.get(0) + 1, e.get(1) + value(i)));
        }
        assertThat(expected).hasSize(KEYS);
        assertThat(committed("agg", PartitionSpec.empty())).isEqualTo(expected);
    }

    @Test
    void groupsLeavingTheHavingClauseAreDeleted() throws Exception {
        emulator.executeSql(
                "CREATE TABLE small_groups (k BIGINT NOT NULL, cnt BIGINT, total BIGINT,"
                        + " PRIMARY KEY (k)) TBLPROPERTIES ('transactional'='true')");
        TableEnvironment env = tableEnv();
        createSource(env);
        env.executeSql(
                "CREATE TABLE small_groups (k BIGINT, cnt BIGINT, total BIGINT,"
                        + " PRIMARY KEY (k) NOT ENFORCED)"
                        + with("small_groups"));
        // keys below 10 get only a few rows, the others many: only the small groups remain
        env.executeSql(
                        "INSERT INTO small_groups SELECT k, COUNT(*), SUM(v) FROM src"
                                + " WHERE k >= 10 OR v < 0 GROUP BY k HAVING COUNT(*) <= 3")
                .await();

        Map<Long, List<Long>> all = new TreeMap<>();
        for (int i = 0; i < ROWS; i++) {
            if (key(i) >= 10 || value(i) < 0) {
                List<Long> e = all.getOrDefault(key(i), List.of(0L, 0L));
                all.put(key(i), List.of(e.get(0) + 1, e.get(1) + value(i)));
            }
        }
        Map<Long, List<Long>> expected = new TreeMap<>(all);
        expected.values().removeIf(e -> e.get(0) > 3);
        assertThat(expected).isNotEmpty().hasSizeLessThan(all.size());
        assertThat(committed("small_groups", PartitionSpec.empty())).isEqualTo(expected);
    }

    @Test
    void dynamicPartitionsOfAPartitionedDeltaTable() throws Exception {
        emulator.executeSql(
                "CREATE TABLE agg_by_day (k BIGINT NOT NULL, cnt BIGINT, total BIGINT,"
                        + " PRIMARY KEY (k)) PARTITIONED BY (ds STRING)"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='2')");
        emulator.executeSql("ALTER TABLE agg_by_day ADD PARTITION (ds='20261122')");
        TableEnvironment env = tableEnv();
        createSource(env);
        env.executeSql(
                "CREATE TABLE agg_by_day (k BIGINT, cnt BIGINT, total BIGINT, ds STRING,"
                        // rows of a partitioned Delta table are identified by partition and key
                        + " PRIMARY KEY (k, ds) NOT ENFORCED) PARTITIONED BY (ds)"
                        + with("agg_by_day"));
        env.executeSql(
                        "INSERT INTO agg_by_day SELECT k, COUNT(*), SUM(v), ds FROM src"
                                + " GROUP BY k, ds")
                .await();

        for (String day : List.of("20261122", "20261123")) {
            Map<Long, List<Long>> expected = new TreeMap<>();
            for (int i = 0; i < ROWS; i++) {
                if (day(i).equals(day)) {
                    List<Long> e = expected.getOrDefault(key(i), List.of(0L, 0L));
                    expected.put(key(i), List.of(e.get(0) + 1, e.get(1) + value(i)));
                }
            }
            assertThat(committed("agg_by_day", PartitionSpec.parse("ds=" + day)))
                    .as("partition ds=%s", day)
                    .isEqualTo(expected);
        }
    }

    @Test
    void keyAndTableKindMismatchesFailAtPlanningNamingBoth() {
        emulator.executeSql(
                "CREATE TABLE keyed (a BIGINT NOT NULL, b BIGINT NOT NULL, v BIGINT,"
                        + " PRIMARY KEY (a, b)) TBLPROPERTIES ('transactional'='true')");
        emulator.executeSql("CREATE TABLE plain (a BIGINT, v BIGINT)");
        TableEnvironment env = tableEnv();
        createSource(env);
        env.executeSql(
                "CREATE TABLE keyed (a BIGINT, b BIGINT, v BIGINT, PRIMARY KEY (a) NOT ENFORCED)"
                        + with("keyed"));
        // queries whose upsert key is the declared key: Flink 2.3's planner rejects other ones
        // itself before the sink is asked
        assertThatThrownBy(
                        () ->
                                env.executeSql(
                                                "INSERT INTO keyed SELECT k, MAX(k), SUM(v) FROM src"
                                                        + " GROUP BY k")
                                        .await())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(
                        "The Flink table declares PRIMARY KEY [a], but MaxCompute table "
                                + emulator.defaultProject()
                                + ".keyed has primary key [a, b]; declare the table's key");
        env.executeSql(
                "CREATE TABLE plain (a BIGINT, v BIGINT, PRIMARY KEY (a) NOT ENFORCED)"
                        + with("plain"));
        assertThatThrownBy(
                        () ->
                                env.executeSql(
                                                "INSERT INTO plain SELECT k, SUM(v) FROM src GROUP BY k")
                                        .await())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(
                        "The Flink table declares PRIMARY KEY [a], but MaxCompute table "
                                + emulator.defaultProject()
                                + ".plain is not a Delta table (transactional false, primary key"
                                + " [])");
        env.executeSql("CREATE TABLE keyed_append (a BIGINT, b BIGINT, v BIGINT)" + with("keyed"));
        assertThatThrownBy(() -> env.executeSql("INSERT INTO keyed_append VALUES (1, 2, 3)"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(
                        "is a Delta table (primary key [a, b]); declare the same PRIMARY KEY ..."
                                + " NOT ENFORCED on the Flink table");
    }

    @Test
    void aFlinkTableWithSomeColumnsWritesPartialUpdatesWhenTheTableEnablesThem() throws Exception {
        emulator.executeSql(
                "CREATE TABLE wide (k BIGINT NOT NULL, cnt BIGINT, total BIGINT, note STRING,"
                        + " PRIMARY KEY (k)) TBLPROPERTIES ('transactional'='true',"
                        + " 'write.bucket.num'='2', 'acid.partial.fields.update.enable'='true')");
        TableEnvironment env = tableEnv();
        createSource(env);
        env.executeSql(
                "CREATE TABLE wide_all (k BIGINT, cnt BIGINT, total BIGINT, note STRING,"
                        + " PRIMARY KEY (k) NOT ENFORCED)"
                        + with("wide"));
        env.executeSql(
                        "INSERT INTO wide_all SELECT k, COUNT(*), CAST(-1 AS BIGINT),"
                                + " CONCAT('note-', CAST(k AS STRING)) FROM src WHERE k < 10"
                                + " GROUP BY k")
                .await();
        // declares only the key and total: the rows keep cnt and note
        env.executeSql(
                "CREATE TABLE wide_totals (k BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED)"
                        + with("wide"));
        env.executeSql("INSERT INTO wide_totals SELECT k, SUM(v) FROM src GROUP BY k").await();

        Map<Long, List<Object>> expected = new TreeMap<>();
        Map<Long, long[]> sums = new TreeMap<>();
        for (int i = 0; i < ROWS; i++) {
            long[] e = sums.computeIfAbsent(key(i), k -> new long[2]);
            e[0]++;
            e[1] += value(i);
        }
        sums.forEach(
                (k, e) ->
                        expected.put(
                                k,
                                k < 10
                                        ? List.of(e[0], e[1], "note-" + k)
                                        : java.util.Arrays.asList(null, e[1], null)));
        Map<Long, List<Object>> actual = new TreeMap<>();
        for (Object[] row :
                emulator.committedRows(
                        TableIdentifier.of(emulator.defaultProject(), "wide"),
                        PartitionSpec.empty())) {
            Object note =
                    row[3] instanceof byte[] b
                            ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                            : row[3];
            actual.put((Long) row[0], java.util.Arrays.asList(row[1], row[2], note));
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void aFlinkTableWithSomeColumnsFailsAtPlanningWhenTheTableTakesNoPartialUpdates() {
        emulator.executeSql(
                "CREATE TABLE narrow (k BIGINT NOT NULL, cnt BIGINT, total BIGINT,"
                        + " PRIMARY KEY (k)) TBLPROPERTIES ('transactional'='true')");
        TableEnvironment env = tableEnv();
        createSource(env);
        env.executeSql(
                "CREATE TABLE narrow (k BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED)"
                        + with("narrow"));
        assertThatThrownBy(
                        () ->
                                env.executeSql(
                                                "INSERT INTO narrow SELECT k, SUM(v) FROM src"
                                                        + " GROUP BY k")
                                        .await())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(
                        "The Flink table has no columns [cnt] of Delta table "
                                + emulator.defaultProject()
                                + ".narrow; writing only some columns needs partial-column"
                                + " updates, which the table does not enable (table property"
                                + " 'acid.partial.fields.update.enable'='true')");
    }
}
