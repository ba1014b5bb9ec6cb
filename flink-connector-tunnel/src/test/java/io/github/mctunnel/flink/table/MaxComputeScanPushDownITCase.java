package io.github.mctunnel.flink.table;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;

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
 * What a SELECT transfers, proven from the emulator's request log: projection push-down sends only
 * the requested columns in the data GETs' {@code columns}, partition pruning opens no session for a
 * pruned partition, and limit push-down cuts the downloaded row ranges.
 */
class MaxComputeScanPushDownITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        emulator.executeSql(
                "CREATE TABLE wide (id BIGINT, a STRING, b STRING, c STRING)"
                        + " PARTITIONED BY (ds STRING)");
        for (String ds : List.of("1", "2")) {
            List<Object[]> rows = new ArrayList<>();
            for (long id = 0; id < 100; id++) {
                rows.add(new Object[] {id, "a" + id, "b" + id, "c" + id});
            }
            EmulatorRows.write(emulator, "wide", "ds=" + ds, rows);
        }
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static TableEnvironment env() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(
                "CREATE TABLE wide (id BIGINT, a STRING, b STRING, c STRING, ds STRING)"
                        + " PARTITIONED BY (ds) WITH ('connector' = 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + emulator.defaultProject()
                        + "', 'table' = 'wide', 'access-id' = 'ak', 'access-key-secret' = 'sk')");
        return env;
    }

    private static List<String> collect(TableEnvironment env, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        return rows;
    }

    private static List<LoggedRequest> dataGets() {
        return emulator.requestLog()
                .entries(r -> r.path().endsWith("/tables/wide") && r.params().containsKey("data"));
    }

    private static List<String> sessionPartitions() {
        List<String> out = new ArrayList<>();
        for (LoggedRequest r :
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.method().equals("POST")
                                                && r.path().endsWith("/tables/wide")
                                                && r.params().containsKey("downloads"))) {
            out.add(r.params().get("partition").replace("'", ""));
        }
        return out;
    }

    /** Rows the data GETs asked for: the sum of the counts of their {@code rowrange=(s,c)}. */
    private static long rowsRequested(List<LoggedRequest> gets) {
        long rows = 0;
        for (LoggedRequest r : gets) {
            String range = r.params().get("rowrange");
            rows += Long.parseLong(range.substring(range.indexOf(',') + 1, range.length() - 1));
        }
        return rows;
    }

    @Test
    void onlyRequestedColumnsOfUnprunedPartitionsAreTransferred() throws Exception {
        TableEnvironment env = env();
        emulator.requestLog().clear();
        List<String> rows = collect(env, "SELECT b, id FROM wide WHERE ds = '2' AND id < 3");
        assertThat(rows).containsExactlyInAnyOrder("+I[b0, 0]", "+I[b1, 1]", "+I[b2, 2]");
        assertThat(sessionPartitions()).containsExactly("ds=2");
        List<LoggedRequest> gets = dataGets();
        assertThat(gets).isNotEmpty();
        for (LoggedRequest get : gets) {
            assertThat(get.params().get("columns")).isIn("id,b", "b,id");
            assertThat(get.params().get("partition").replace("'", "")).isEqualTo("ds=2");
        }
    }

    @Test
    void limitCutsTheDownloadedRows() throws Exception {
        TableEnvironment env = env();
        emulator.requestLog().clear();
        List<String> rows = collect(env, "SELECT id, a FROM wide WHERE ds = '1' LIMIT 5");
        assertThat(rows).hasSize(5);
        assertThat(sessionPartitions()).containsExactly("ds=1");
        List<LoggedRequest> gets = dataGets();
        assertThat(gets).isNotEmpty();
        assertThat(rowsRequested(gets)).isEqualTo(5);
        for (LoggedRequest get : gets) {
            assertThat(get.params().get("columns")).isIn("id,a", "a,id");
        }
    }
}
