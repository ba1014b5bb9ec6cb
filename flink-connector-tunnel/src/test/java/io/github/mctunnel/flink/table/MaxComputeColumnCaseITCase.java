package io.github.mctunnel.flink.table;

import io.github.mctunnel.emulator.TunnelEmulator;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MaxCompute names are case-insensitive: Flink columns declared in another case than the MaxCompute
 * table's (partition keys and data columns) are read, projected and pruned on.
 */
class MaxComputeColumnCaseITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        emulator.executeSql(
                "CREATE TABLE pt (id BIGINT, v STRING) PARTITIONED BY (ds STRING, hh BIGINT)");
        for (String ds : List.of("1", "2")) {
            for (long hh : new long[] {8, 9}) {
                EmulatorRows.write(
                        emulator,
                        "pt",
                        "ds=" + ds + ",hh=" + hh,
                        List.<Object[]>of(new Object[] {1L, ds + "/" + hh}));
            }
        }
        emulator.executeSql("CREATE TABLE plain (id BIGINT, ds STRING)");
        EmulatorRows.write(
                emulator, "plain", "", List.of(new Object[] {1L, "a"}, new Object[] {2L, "b"}));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static TableEnvironment env(String name, String columns, String table) {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(
                "CREATE TABLE "
                        + name
                        + " "
                        + columns
                        + " WITH ('connector' = 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + emulator.defaultProject()
                        + "', 'table' = '"
                        + table
                        + "', 'access-id' = 'ak', 'access-key-secret' = 'sk')");
        return env;
    }

    private static List<String> collect(TableEnvironment env, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        return rows;
    }

    @Test
    void filterOnAnUpperCasePartitionColumnNotDeclaredAsPartitionKey() throws Exception {
        TableEnvironment env = env("t", "(ID BIGINT, V STRING, DS STRING, HH BIGINT)", "pt");
        assertThat(collect(env, "SELECT V, HH FROM t WHERE DS = '2'"))
                .containsExactlyInAnyOrder("+I[2/8, 8]", "+I[2/9, 9]");
        assertThat(collect(env, "SELECT DS, V FROM t WHERE HH = 9 AND DS <> '2'"))
                .containsExactly("+I[1, 1/9]");
    }

    @Test
    void projectionOfPartitionColumnsOnlyOfATableNotDeclaredPartitioned() throws Exception {
        TableEnvironment env = env("t", "(id BIGINT, v STRING, ds STRING, hh BIGINT)", "pt");
        assertThat(collect(env, "SELECT ds FROM t WHERE hh = 8"))
                .containsExactlyInAnyOrder("+I[1]", "+I[2]");
        TableEnvironment upper = env("u", "(ID BIGINT, V STRING, DS STRING, HH BIGINT)", "pt");
        assertThat(collect(upper, "SELECT HH, DS FROM u"))
                .containsExactlyInAnyOrder("+I[8, 1]", "+I[9, 1]", "+I[8, 2]", "+I[9, 2]");
    }

    @Test
    void filterOnUpperCaseDeclaredPartitionKeys() throws Exception {
        TableEnvironment env =
                env(
                        "t",
                        "(ID BIGINT, V STRING, DS STRING, HH BIGINT) PARTITIONED BY (DS, HH)",
                        "pt");
        assertThat(collect(env, "SELECT V, DS FROM t WHERE DS = '1' AND HH = 8"))
                .containsExactly("+I[1/8, 1]");
        assertThat(collect(env, "SELECT DS, HH FROM t WHERE HH = 9"))
                .containsExactlyInAnyOrder("+I[1, 9]", "+I[2, 9]");
    }

    @Test
    void projectionOfAnOrdinaryColumnNamedLikeAPartitionKey() throws Exception {
        TableEnvironment env = env("t", "(id BIGINT, ds STRING)", "plain");
        assertThat(collect(env, "SELECT ds FROM t")).containsExactlyInAnyOrder("+I[a]", "+I[b]");
        TableEnvironment upper = env("u", "(ID BIGINT, DS STRING)", "plain");
        assertThat(collect(upper, "SELECT DS FROM u")).containsExactlyInAnyOrder("+I[a]", "+I[b]");
        assertThat(collect(upper, "SELECT DS, ID FROM u WHERE DS = 'b'"))
                .containsExactly("+I[b, 2]");
    }
}
