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
        emulator.executeSql(
                "CREATE TABLE pt (id BIGINT, v STRING) PARTITIONED BY (ds STRING, hh BIGINT)");
        for (String ds : DAYS) {
            for (long hh : HOURS) {
                List<Object[]> rows = new ArrayList<>();
                for (long id = 0; id < 2; id++) {
                    rows.add(new Object[] {id, ds + "/" + hh + "/" + id});
                }
                EmulatorRows.write(emulator, "pt", "ds=" + ds + ",hh=" + hh, rows);
            }
        }
    }

    private static final List<String> DAYS = List.of("20261120", "20261121", "20261122");
    private static final long[] HOURS = {1, 8, 12};

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

    /**
     * Table pt of the emulator as Flink table {@code name}: declared PARTITIONED BY (ds, hh), or,
     * with {@code declared} false, with ds and hh as ordinary columns.
     */
    private static String ptTable(String name, boolean declared, String extraOptions) {
        return "CREATE TABLE "
                + name
                + " (id BIGINT, v STRING, ds STRING, hh BIGINT)"
                + (declared ? " PARTITIONED BY (ds, hh)" : "")
                + " WITH ('connector' = 'maxcompute', 'endpoint' = '"
                + emulator.odpsEndpoint()
                + "', 'tunnel.endpoint' = '"
                + emulator.tunnelEndpoint()
                + "', 'project' = '"
                + emulator.defaultProject()
                + "', 'table' = 'pt', 'access-id' = 'ak', 'access-key-secret' = 'sk'"
                + extraOptions
                + ")";
    }

    /** The v values of table pt in the partitions (ds, hh) passing {@code keep}, ids below 2. */
    private static List<String> ptRows(java.util.function.BiPredicate<String, Long> keep) {
        List<String> rows = new ArrayList<>();
        for (String ds : DAYS) {
            for (long hh : HOURS) {
                if (keep.test(ds, hh)) {
                    rows.add("+I[" + ds + "/" + hh + "/0]");
                    rows.add("+I[" + ds + "/" + hh + "/1]");
                }
            }
        }
        return rows;
    }

    /** "ds/hh" of the partitions of table pt that got a download session, sorted. */
    private static List<String> ptSessions() {
        List<String> out = new ArrayList<>();
        for (LoggedRequest r :
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.method().equals("POST")
                                                && r.path().endsWith("/tables/pt")
                                                && r.params().containsKey("downloads"))) {
            java.util.Map<String, String> values =
                    io.github.mctunnel.client.schema.PartitionSpec.parse(
                                    r.params().get("partition").replace("'", ""))
                            .values();
            out.add(values.get("ds") + "/" + values.get("hh"));
        }
        out.sort(null);
        return out;
    }

    private static List<String> sessionsOf(java.util.function.BiPredicate<String, Long> keep) {
        List<String> out = new ArrayList<>();
        for (String ds : DAYS) {
            for (long hh : HOURS) {
                if (keep.test(ds, hh)) {
                    out.add(ds + "/" + hh);
                }
            }
        }
        out.sort(null);
        return out;
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

    /**
     * Conditions on partition keys (=, <>, <, <=, >, >=, IN, BETWEEN, AND, OR, NOT, IS NULL) prune
     * partitions: only the partitions that pass get a download session, whether Flink prunes them
     * (table declared PARTITIONED BY: partition push-down) or the source (partition columns
     * declared as ordinary columns: filter push-down). A condition on another column stays with
     * Flink, also inside an OR, which then reads every partition.
     */
    @Test
    void partitionConditionsPruneSessions() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(ptTable("pt", true, ""));
        env.executeSql(ptTable("pt_flat", false, ""));
        assertThat(env.explainSql("SELECT v FROM pt WHERE hh = 8 AND id = 1"))
                .contains("partitions=[{ds=20261120, hh=8}", "filter=[]");
        assertThat(env.explainSql("SELECT v FROM pt_flat WHERE hh = 8 AND id = 1"))
                .contains("filter=[=(hh, 8:BIGINT)]")
                .doesNotContain("partitions=[");
        record Case(String where, java.util.function.BiPredicate<String, Long> keep) {}
        List<Case> cases =
                List.of(
                        new Case(
                                "ds >= '20261121' AND hh IN (1, 12)",
                                (ds, hh) -> ds.compareTo("20261121") >= 0 && hh != 8),
                        new Case(
                                "ds BETWEEN '20261120' AND '20261121' OR hh > 8",
                                (ds, hh) -> !ds.equals("20261122") || hh > 8),
                        new Case(
                                "ds <> '20261121' AND hh <= 8 AND hh IS NOT NULL",
                                (ds, hh) -> !ds.equals("20261121") && hh <= 8),
                        new Case(
                                "NOT (ds < '20261122') AND hh < 12",
                                (ds, hh) -> ds.equals("20261122") && hh < 12),
                        new Case("ds IS NULL", (ds, hh) -> false));
        for (String table : List.of("pt", "pt_flat")) {
            for (Case c : cases) {
                emulator.requestLog().clear();
                assertThat(collect(env, "SELECT v FROM " + table + " WHERE " + c.where()))
                        .as(table + ": " + c.where())
                        .containsExactlyInAnyOrderElementsOf(ptRows(c.keep()));
                assertThat(ptSessions())
                        .as(table + ": " + c.where())
                        .isEqualTo(sessionsOf(c.keep()));
            }

            // a condition on another column is applied by Flink; inside an OR it prunes nothing
            emulator.requestLog().clear();
            assertThat(collect(env, "SELECT v FROM " + table + " WHERE hh = 8 AND id = 1"))
                    .containsExactlyInAnyOrder(
                            "+I[20261120/8/1]", "+I[20261121/8/1]", "+I[20261122/8/1]");
            assertThat(ptSessions()).isEqualTo(sessionsOf((ds, hh) -> hh == 8));
            emulator.requestLog().clear();
            assertThat(collect(env, "SELECT v FROM " + table + " WHERE ds = '20261120' OR id = 1"))
                    .hasSize(12);
            assertThat(ptSessions()).hasSize(9);
        }
    }

    /**
     * A continuous scan (partition discovery) of a table whose partition columns are declared as
     * ordinary columns prunes with conditions on them: they are evaluated on every partition the
     * scan lists.
     */
    @Test
    void continuousScanPrunesWithPartitionConditions() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(
                ptTable(
                        "pt_stream",
                        false,
                        ", 'scan.partition-discovery.interval' = '1 h',"
                                + " 'scan.partition-readiness' = 'IMMEDIATELY'"));
        emulator.requestLog().clear();
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it =
                env.executeSql("SELECT v FROM pt_stream WHERE hh = 12 AND ds > '20261120'")
                        .collect()) {
            while (rows.size() < 4) {
                rows.add(it.next().toString());
            }
        }
        assertThat(rows)
                .containsExactlyInAnyOrder(
                        "+I[20261121/12/0]",
                        "+I[20261121/12/1]",
                        "+I[20261122/12/0]",
                        "+I[20261122/12/1]");
        assertThat(ptSessions()).containsExactly("20261121/12", "20261122/12");
    }
}
