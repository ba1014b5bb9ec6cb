package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code 'sink.delivery-guarantee' = 'exactly-once'} in Flink SQL against the embedded emulator:
 * bounded INSERTs with checkpointing commit every row exactly once, into a static partition and
 * into dynamic partitions (the last epoch included, committed at the end of input).
 */
class MaxComputeExactlyOnceSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int ROWS = 3000;

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
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
        // within the table's block budget: 2 writers x 2 partitions x 100 checkpoints per 5 min
        streamEnv.enableCheckpointing(3000);
        TableEnvironment env = StreamTableEnvironment.create(streamEnv);
        env.executeSql(
                "CREATE TEMPORARY TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + ROWS
                        + "', 'rows-per-second' = '3000')");
        env.executeSql(
                "CREATE TEMPORARY VIEW src AS SELECT id, CONCAT('n', CAST(id AS STRING)) AS name,"
                        + " CASE WHEN MOD(id, 3) = 0 THEN '20261122' ELSE '20261123' END AS ds"
                        + " FROM gen");
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
                + "', 'access-id' = 'ak', 'access-key-secret' = 'sk',"
                + " 'sink.delivery-guarantee' = 'exactly-once'"
                + options
                + ")";
    }

    /** "id:name" of the committed rows, sorted. */
    private static List<String> committed(String table, PartitionSpec partition) {
        List<String> rows = new ArrayList<>();
        for (Object[] row :
                emulator.committedRows(
                        TableIdentifier.of(emulator.defaultProject(), table), partition)) {
            Object name =
                    row[1] instanceof byte[]
                            ? new String((byte[]) row[1], StandardCharsets.UTF_8)
                            : row[1];
            rows.add(row[0] + ":" + name);
        }
        rows.sort(null);
        return rows;
    }

    private static List<String> expected(String day) {
        List<String> rows = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            if (day == null || day.equals(id % 3 == 0 ? "20261122" : "20261123")) {
                rows.add(id + ":n" + id);
            }
        }
        rows.sort(null);
        return rows;
    }

    @Test
    void staticPartitionGetsEveryRowOnce() throws Exception {
        emulator.executeSql(
                "CREATE TABLE eo_static (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv();
        env.executeSql(
                "CREATE TABLE eo_static (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with("eo_static"));
        env.executeSql(
                        "INSERT INTO eo_static PARTITION (ds = '20261124') SELECT id, name FROM"
                                + " src")
                .await();
        assertThat(committed("eo_static", PartitionSpec.parse("ds=20261124")))
                .isEqualTo(expected(null));
    }

    /**
     * Default settings and rows of two days in every checkpoint, as the checkpoint that spans
     * midnight has them: no failure at the boundary, every row once.
     */
    @Test
    void withDefaultSettingsTwoDaysInACheckpointGetEveryRowOnce() throws Exception {
        emulator.executeSql(
                "CREATE TABLE eo_dynamic (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv();
        env.executeSql(
                "CREATE TABLE eo_dynamic (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with("eo_dynamic"));
        env.executeSql("INSERT INTO eo_dynamic SELECT id, name, ds FROM src").await();
        for (String day : List.of("20261122", "20261123")) {
            assertThat(committed("eo_dynamic", PartitionSpec.parse("ds=" + day)))
                    .as("partition ds=%s", day)
                    .isEqualTo(expected(day));
        }
    }

    @Test
    void nonPartitionedTableGetsEveryRowOnce() throws Exception {
        emulator.executeSql("CREATE TABLE eo_plain (id BIGINT, name STRING)");
        TableEnvironment env = tableEnv();
        env.executeSql("CREATE TABLE eo_plain (id BIGINT, name STRING)" + with("eo_plain"));
        env.executeSql("INSERT INTO eo_plain SELECT id, name FROM src").await();
        assertThat(committed("eo_plain", PartitionSpec.empty())).isEqualTo(expected(null));
    }

    @Test
    void morePartitionsPerCheckpointThanTheOptionAllowsFailNamingTheOption() {
        emulator.executeSql(
                "CREATE TABLE eo_over (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv();
        // one partition per checkpoint; the rows have two
        env.executeSql(
                "CREATE TABLE eo_over (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with("eo_over", "sink.dynamic-partition.max", "1"));
        Throwable failure =
                catchThrowable(
                        () ->
                                env.executeSql("INSERT INTO eo_over SELECT id, name, ds FROM src")
                                        .await());
        assertThat(failure).isNotNull();
        Optional<Throwable> cause =
                ExceptionUtils.findThrowable(
                        failure,
                        t ->
                                t.getMessage() != null
                                        && t.getMessage().contains("partitions were written"));
        assertThat(cause).isPresent();
        assertThat(cause.get().getMessage())
                .contains(
                        "more than 1 partitions were written between two checkpoints; raise"
                                + " 'sink.dynamic-partition.max' (within the table's budgets) or"
                                + " route fewer partitions to the sink per checkpoint")
                .doesNotContain("setMaxPartitionsPerCheckpoint");
        assertThat(emulator.attackRequests()).isEmpty();
    }
}
