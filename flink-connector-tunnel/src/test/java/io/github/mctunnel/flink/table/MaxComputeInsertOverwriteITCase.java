package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.tunnel.TunnelStats;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code INSERT OVERWRITE} in batch execution against the embedded emulator, comparing every
 * partition's rows before and after: a static partition, the partitions that receive rows (dynamic
 * partitions), a non-partitioned table, a query without rows, and failures (with and without a
 * restart) that leave either the old or the new rows, never a mix.
 */
class MaxComputeInsertOverwriteITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int ROWS = 2000;

    /** Armed: the next call of {@link FailOnce} with the failing id throws, once. */
    private static final AtomicBoolean FAIL_ARMED = new AtomicBoolean();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /** Passes the id through; throws once for id 1500 while {@link #FAIL_ARMED}. */
    public static final class FailOnce extends ScalarFunction {
        public Long eval(Long id) {
            if (id != null && id == 1500 && FAIL_ARMED.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure at id " + id);
            }
            return id;
        }
    }

    /** A batch environment with {@code gen}: ids 1..ROWS, name 'new' + id, ds by id parity. */
    private static TableEnvironment batchEnv(int restarts) {
        Configuration conf = new Configuration();
        if (restarts == 0) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        } else {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofMillis(100));
        }
        // configured but turned off by BATCH execution: the commit must still happen at the end
        conf.setString("execution.checkpointing.interval", "1 s");
        conf.setString("parallelism.default", "2");
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(conf)
                                .build());
        env.createTemporarySystemFunction("fail_once", FailOnce.class);
        env.executeSql(
                "CREATE TEMPORARY TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + ROWS
                        + "', 'number-of-rows' = '"
                        + ROWS
                        + "')");
        env.executeSql(
                "CREATE TEMPORARY VIEW src AS SELECT fail_once(id) AS id,"
                        + " CONCAT('new', CAST(id AS STRING)) AS name,"
                        + " CASE WHEN MOD(id, 2) = 0 THEN 'b' ELSE 'd' END AS ds FROM gen");
        return env;
    }

    private static String with(String table, String... extra) {
        StringBuilder options = new StringBuilder();
        for (int i = 0; i < extra.length; i += 2) {
            options.append(", '")
                    .append(extra[i])
                    .append("' = '")
                    .append(extra[i + 1])
                    .append('\'');
        }
        return " WITH ('connector' = 'maxcompute', 'endpoint' = '"
                + emulator.odpsEndpoint()
                + "', 'tunnel.endpoint' = '"
                + emulator.tunnelEndpoint()
                + "', 'project' = '"
                + emulator.defaultProject()
                + "', 'table' = '"
                + table
                + "', 'access-id' = 'ak', 'access-key-secret' = 'sk'"
                + options
                + ")";
    }

    /** A table (id BIGINT, name STRING) partitioned by ds with 3 old rows in each partition. */
    private static void createPartitioned(String table, String... partitions) throws Exception {
        emulator.executeSql(
                "CREATE TABLE " + table + " (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        for (String ds : partitions) {
            EmulatorRows.write(emulator, table, "ds=" + ds, oldRows(ds));
        }
    }

    private static List<Object[]> oldRows(String tag) {
        List<Object[]> rows = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            rows.add(new Object[] {id, "old-" + tag + id});
        }
        return rows;
    }

    private static List<String> oldStrings(String tag) {
        List<String> rows = new ArrayList<>();
        for (Object[] row : oldRows(tag)) {
            rows.add(row[0] + ":" + row[1]);
        }
        rows.sort(null);
        return rows;
    }

    /** "id:name" of the new rows (of partition {@code ds}, or all when null), sorted. */
    private static List<String> newStrings(String ds) {
        List<String> rows = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            if (ds == null || ds.equals(id % 2 == 0 ? "b" : "d")) {
                rows.add(id + ":new" + id);
            }
        }
        rows.sort(null);
        return rows;
    }

    /** "id:name" of the committed rows, sorted. */
    private static List<String> committed(String table, String partition) {
        List<String> rows = new ArrayList<>();
        for (Object[] row :
                emulator.committedRows(
                        TableIdentifier.of(emulator.defaultProject(), table),
                        PartitionSpec.parse(partition))) {
            Object name =
                    row[1] instanceof byte[]
                            ? new String((byte[]) row[1], StandardCharsets.UTF_8)
                            : row[1];
            rows.add(row[0] + ":" + name);
        }
        rows.sort(null);
        return rows;
    }

    private static TunnelStats stats(String table) {
        return emulator.stats(TableIdentifier.of(emulator.defaultProject(), table));
    }

    @Test
    void staticPartitionIsReplacedAndOthersAreUntouched() throws Exception {
        createPartitioned("ov_static", "a", "b");
        TableEnvironment env = batchEnv(0);
        env.executeSql(
                "CREATE TABLE ov_static (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with("ov_static"));
        env.executeSql("INSERT OVERWRITE ov_static PARTITION (ds = 'a') SELECT id, name FROM src")
                .await();
        assertThat(committed("ov_static", "ds=a")).isEqualTo(newStrings(null));
        assertThat(committed("ov_static", "ds=b")).isEqualTo(oldStrings("b"));
    }

    @Test
    void dynamicOverwriteReplacesOnlyThePartitionsThatReceiveRows() throws Exception {
        createPartitioned("ov_dynamic", "a", "b", "c");
        TableEnvironment env = batchEnv(0);
        env.executeSql(
                "CREATE TABLE ov_dynamic (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with("ov_dynamic", "sink.dynamic-partition.max", "2"));
        env.executeSql("INSERT OVERWRITE ov_dynamic SELECT id, name, ds FROM src").await();
        assertThat(committed("ov_dynamic", "ds=a")).isEqualTo(oldStrings("a"));
        assertThat(committed("ov_dynamic", "ds=b")).isEqualTo(newStrings("b"));
        assertThat(committed("ov_dynamic", "ds=c")).isEqualTo(oldStrings("c"));
        assertThat(committed("ov_dynamic", "ds=d")).isEqualTo(newStrings("d"));
    }

    @Test
    void nonPartitionedTableIsReplaced() throws Exception {
        emulator.executeSql("CREATE TABLE ov_plain (id BIGINT, name STRING)");
        EmulatorRows.write(emulator, "ov_plain", "", oldRows("p"));
        TableEnvironment env = batchEnv(0);
        env.executeSql("CREATE TABLE ov_plain (id BIGINT, name STRING)" + with("ov_plain"));
        env.executeSql("INSERT OVERWRITE ov_plain SELECT id, name FROM src").await();
        assertThat(committed("ov_plain", "")).isEqualTo(newStrings(null));
    }

    /**
     * A query without rows: like Hive and Flink's filesystem tables, a static partition and a
     * non-partitioned table become empty; with dynamic partitions no partition receives rows, so
     * nothing is committed and every partition keeps its rows.
     */
    @Test
    void queryWithoutRows() throws Exception {
        createPartitioned("ov_empty", "a", "b");
        emulator.executeSql("CREATE TABLE ov_empty_plain (id BIGINT, name STRING)");
        EmulatorRows.write(emulator, "ov_empty_plain", "", oldRows("p"));
        TableEnvironment env = batchEnv(0);
        env.executeSql(
                "CREATE TABLE ov_empty (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with("ov_empty", "sink.dynamic-partition.max", "2"));
        env.executeSql(
                "CREATE TABLE ov_empty_plain (id BIGINT, name STRING)" + with("ov_empty_plain"));

        long commitsBefore = stats("ov_empty").commits();
        env.executeSql("INSERT OVERWRITE ov_empty SELECT id, name, ds FROM src WHERE id < 0")
                .await();
        assertThat(stats("ov_empty").commits()).isEqualTo(commitsBefore);
        assertThat(committed("ov_empty", "ds=a")).isEqualTo(oldStrings("a"));
        assertThat(committed("ov_empty", "ds=b")).isEqualTo(oldStrings("b"));

        env.executeSql(
                        "INSERT OVERWRITE ov_empty PARTITION (ds = 'a') SELECT id, name FROM src"
                                + " WHERE id < 0")
                .await();
        assertThat(committed("ov_empty", "ds=a")).isEmpty();
        assertThat(committed("ov_empty", "ds=b")).isEqualTo(oldStrings("b"));

        // a static partition that does not exist yet is created empty
        env.executeSql(
                        "INSERT OVERWRITE ov_empty PARTITION (ds = 'z') SELECT id, name FROM src"
                                + " WHERE id < 0")
                .await();
        assertThat(
                        emulator.catalog()
                                .table(TableIdentifier.of(emulator.defaultProject(), "ov_empty"))
                                .hasPartition(PartitionSpec.parse("ds=z")))
                .isTrue();
        assertThat(committed("ov_empty", "ds=z")).isEmpty();

        env.executeSql("INSERT OVERWRITE ov_empty_plain SELECT id, name FROM src WHERE id < 0")
                .await();
        assertThat(committed("ov_empty_plain", "")).isEmpty();
    }

    @Test
    void failureWithRestartLeavesExactlyTheNewRows() throws Exception {
        createPartitioned("ov_restart", "a", "b", "c");
        TableEnvironment env = batchEnv(2);
        env.executeSql(
                "CREATE TABLE ov_restart (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with(
                                "ov_restart",
                                "sink.dynamic-partition.max",
                                "2",
                                // several blocks per writer, so the failed attempt wrote some
                                "sink.buffer-flush.max-size",
                                "1 kb"));
        FAIL_ARMED.set(true);
        env.executeSql("INSERT OVERWRITE ov_restart SELECT id, name, ds FROM src").await();
        assertThat(FAIL_ARMED).isFalse();
        assertThat(committed("ov_restart", "ds=a")).isEqualTo(oldStrings("a"));
        assertThat(committed("ov_restart", "ds=b")).isEqualTo(newStrings("b"));
        assertThat(committed("ov_restart", "ds=c")).isEqualTo(oldStrings("c"));
        assertThat(committed("ov_restart", "ds=d")).isEqualTo(newStrings("d"));
    }

    @Test
    void failedJobLeavesExactlyTheOldRows() throws Exception {
        createPartitioned("ov_failed", "a", "b");
        TableEnvironment env = batchEnv(0);
        env.executeSql(
                "CREATE TABLE ov_failed (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with(
                                "ov_failed",
                                "sink.dynamic-partition.max",
                                "2",
                                "sink.buffer-flush.max-size",
                                "1 kb"));
        FAIL_ARMED.set(true);
        assertThatThrownBy(
                        () ->
                                env.executeSql(
                                                "INSERT OVERWRITE ov_failed SELECT id, name, ds"
                                                        + " FROM src")
                                        .await())
                .hasStackTraceContaining("injected failure at id 1500");
        assertThat(committed("ov_failed", "ds=a")).isEqualTo(oldStrings("a"));
        assertThat(committed("ov_failed", "ds=b")).isEqualTo(oldStrings("b"));
        assertThat(stats("ov_failed").commits()).isEqualTo(2); // the two partitions' old rows
    }

    @Test
    void streamingOverwriteAndPrimaryKeyTablesAreRejected() throws Exception {
        createPartitioned("ov_streaming", "a");
        TableEnvironment streaming = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        streaming.executeSql(
                "CREATE TABLE ov_streaming (id BIGINT, name STRING, ds STRING) PARTITIONED BY"
                        + " (ds)"
                        + with("ov_streaming"));
        assertThatThrownBy(
                        () ->
                                streaming.executeSql(
                                        "INSERT OVERWRITE ov_streaming PARTITION (ds = 'a')"
                                                + " VALUES (1, 'x')"))
                .hasStackTraceContaining(
                        "INSERT OVERWRITE into MaxCompute table ov_streaming needs batch"
                                + " execution ('execution.runtime-mode' = 'batch')");
        assertThat(committed("ov_streaming", "ds=a")).isEqualTo(oldStrings("a"));

        emulator.executeSql(
                "CREATE TABLE ov_kv (k BIGINT NOT NULL, v STRING, PRIMARY KEY (k))"
                        + " TBLPROPERTIES (\"transactional\"=\"true\")");
        TableEnvironment batch = batchEnv(0);
        batch.executeSql(
                "CREATE TABLE ov_kv (k BIGINT, v STRING, PRIMARY KEY (k) NOT ENFORCED)"
                        + with("ov_kv"));
        assertThatThrownBy(() -> batch.executeSql("INSERT OVERWRITE ov_kv VALUES (1, 'x')"))
                .hasStackTraceContaining(
                        "INSERT OVERWRITE is not supported for MaxCompute table ov_kv with PRIMARY"
                                + " KEY [k]");
    }
}
