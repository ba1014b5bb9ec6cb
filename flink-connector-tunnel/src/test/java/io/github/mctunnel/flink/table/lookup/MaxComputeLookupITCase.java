package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.flink.table.EmulatorRows;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Lookup joins against a {@code maxcompute} dimension table in the embedded emulator, under each
 * {@code lookup.cache} type, reading the latest partition ({@code max_pt}, also spelled like
 * MaxCompute's {@code max_pt()}) or all partitions, loads tried again per {@code
 * lookup.max-retries}, and the memory bound's error.
 */
class MaxComputeLookupITCase {

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
        emulator.executeSql("CREATE TABLE dim (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        EmulatorRows.write(
                emulator,
                "dim",
                "ds=20261121",
                List.of(new Object[] {1L, "old-a"}, new Object[] {2L, "old-b"}));
        EmulatorRows.write(
                emulator,
                "dim",
                "ds=20261122",
                List.of(new Object[] {1L, "a"}, new Object[] {3L, "c"}));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static StreamTableEnvironment env(String... lookupOptions) {
        return env(new Configuration(), lookupOptions);
    }

    private static StreamTableEnvironment env(Configuration conf, String... lookupOptions) {
        return envOfTable(conf, "dim", lookupOptions);
    }

    private static StreamTableEnvironment envOfTable(
            Configuration conf, String table, String... lookupOptions) {
        return envOfTable(conf, table, e -> e.fromData(1L, 2L, 3L, 4L), lookupOptions);
    }

    /**
     * @param orders the keys of the {@code orders} view (column {@code f0})
     */
    private static StreamTableEnvironment envOfTable(
            Configuration conf,
            String table,
            Function<StreamExecutionEnvironment, DataStream<Long>> orders,
            String... lookupOptions) {
        StreamExecutionEnvironment streamEnv =
                StreamExecutionEnvironment.getExecutionEnvironment(conf);
        streamEnv.setParallelism(1);
        StreamTableEnvironment env = StreamTableEnvironment.create(streamEnv);
        StringBuilder with =
                new StringBuilder("CREATE TABLE dim (id BIGINT, name STRING, ds STRING)")
                        .append(" PARTITIONED BY (ds) WITH ('connector' = 'maxcompute'")
                        .append(", 'endpoint' = '")
                        .append(emulator.odpsEndpoint())
                        .append("', 'tunnel.endpoint' = '")
                        .append(emulator.tunnelEndpoint())
                        .append("', 'project' = '")
                        .append(emulator.defaultProject())
                        .append("', 'table' = '")
                        .append(table)
                        .append("', 'access-id' = 'ak',")
                        .append(" 'access-key-secret' = 'sk'");
        for (int i = 0; i < lookupOptions.length; i += 2) {
            with.append(", '")
                    .append(lookupOptions[i])
                    .append("' = '")
                    .append(lookupOptions[i + 1])
                    .append('\'');
        }
        env.executeSql(with.append(')').toString());
        env.createTemporaryView(
                "orders",
                env.fromDataStream(
                        orders.apply(streamEnv),
                        Schema.newBuilder().columnByExpression("proc", "PROCTIME()").build()));
        return env;
    }

    private static final String JOIN =
            "SELECT o.f0, d.name, d.ds FROM orders AS o LEFT JOIN dim FOR SYSTEM_TIME AS OF o.proc"
                    + " AS d ON o.f0 = d.id";

    private static List<String> collect(StreamTableEnvironment env, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "NONE, max_pt",
        "PARTIAL, max_pt",
        "FULL, max_pt",
        "NONE, max_pt()",
        "FULL, MAX_PT()"
    })
    void lookupJoinReadsTheLatestPartition(String cache, String maxPt) throws Exception {
        StreamTableEnvironment env =
                env(
                        "lookup.cache",
                        cache,
                        "lookup.partition",
                        maxPt,
                        "lookup.partial-cache.max-rows",
                        "100");
        assertThat(collect(env, JOIN))
                .containsExactlyInAnyOrder(
                        "+I[1, a, 20261122]",
                        "+I[2, null, null]",
                        "+I[3, c, 20261122]",
                        "+I[4, null, null]");
    }

    @Test
    void lookupJoinReadsAllPartitionsByDefault() throws Exception {
        assertThat(collect(env("lookup.cache", "FULL"), JOIN))
                .containsExactlyInAnyOrder(
                        "+I[1, old-a, 20261121]",
                        "+I[1, a, 20261122]",
                        "+I[2, old-b, 20261121]",
                        "+I[3, c, 20261122]",
                        "+I[4, null, null]");
    }

    @Test
    void lookupKeyOnAPartitionColumnAndProjection() throws Exception {
        StreamTableEnvironment env = env();
        assertThat(
                        collect(
                                env,
                                "SELECT o.f0, d.name FROM orders AS o JOIN dim FOR SYSTEM_TIME AS"
                                        + " OF o.proc AS d ON o.f0 = d.id AND d.ds = '20261121'"))
                .containsExactlyInAnyOrder("+I[1, old-a]", "+I[2, old-b]");
    }

    private static final RequestMatcher CREATE_DOWNLOAD =
            RequestMatcher.of("POST", "/tables/dim").withParam("downloads");

    @ParameterizedTest
    @ValueSource(strings = {"NONE", "FULL"})
    void aFailedLoadIsTriedAgainPerLookupMaxRetries(String cache) throws Exception {
        // no request retries: each 503 fails the load, which is tried again after 1 s, then 2 s
        emulator.faultPlan().failNext(2, CREATE_DOWNLOAD, 503, "ServiceUnavailable");
        try {
            StreamTableEnvironment env = env("lookup.cache", cache, "retry.max-duration", "0 s");
            assertThat(collect(env, JOIN))
                    .containsExactlyInAnyOrder(
                            "+I[1, old-a, 20261121]",
                            "+I[1, a, 20261122]",
                            "+I[2, old-b, 20261121]",
                            "+I[3, c, 20261122]",
                            "+I[4, null, null]");
            assertThat(emulator.faultPlan().pendingCount()).isZero();
            assertThat(emulator.attackRequests()).isEmpty();
        } finally {
            emulator.faultPlan().clear();
        }
    }

    @Test
    void aLoadFailsOnceLookupMaxRetriesAreUsedUp() throws Exception {
        // a table of its own: the next test's first request must not follow this one's 503s
        emulator.executeSql(
                "CREATE TABLE dim_failing (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        EmulatorRows.write(
                emulator, "dim_failing", "ds=20261122", List.<Object[]>of(new Object[] {1L, "a"}));
        emulator.faultPlan()
                .failNext(
                        2,
                        RequestMatcher.of("POST", "/tables/dim_failing").withParam("downloads"),
                        503,
                        "ServiceUnavailable");
        try {
            // a restarted task would load again at once, sooner than the service's back-off
            Configuration noRestarts = new Configuration();
            noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            StreamTableEnvironment env =
                    envOfTable(
                            noRestarts,
                            "dim_failing",
                            "lookup.max-retries",
                            "1",
                            "retry.max-duration",
                            "0 s");
            assertThatThrownBy(() -> collect(env, JOIN))
                    .satisfies(
                            e ->
                                    assertThat(
                                                    ExceptionUtils.findThrowableWithMessage(
                                                            e,
                                                            "Loading lookup table "
                                                                    + emulator.defaultProject()
                                                                    + ".dim_failing failed"
                                                                    + " after 2"
                                                                    + " attempts"
                                                                    + " ('lookup.max-retries' ="
                                                                    + " 1): "))
                                            .isPresent());
            assertThat(emulator.attackRequests()).isEmpty();
        } finally {
            emulator.faultPlan().clear();
        }
    }

    @Test
    void tableLargerThanTheMemoryBoundFailsWithTheNumbers() {
        StreamTableEnvironment env = env("lookup.partition", "max_pt", "lookup.max-rows", "1");
        assertThatThrownBy(() -> collect(env, JOIN))
                .satisfies(
                        e ->
                                assertThat(
                                                ExceptionUtils.findThrowableWithMessage(
                                                        e,
                                                        "Lookup table "
                                                                + emulator.defaultProject()
                                                                + ".dim has 2 rows in its latest"
                                                                + " partition, more than"
                                                                + " 'lookup.max-rows' = 1 allows"
                                                                + " in memory; raise the option"
                                                                + " (and the task memory) or"
                                                                + " select fewer partitions with"
                                                                + " 'lookup.partition'"))
                                        .isPresent());
    }

    /** Keys of the growing-table test: each waits for a permit from the test. */
    private static final Semaphore KEY_PERMITS = new Semaphore(0);

    /** Emits key 1 whenever the test releases a permit. */
    private static final class PermittedKey implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) throws InterruptedException {
            KEY_PERMITS.acquire();
            return 1L;
        }
    }

    /**
     * Issue #17 defect 1: the newest partition is added before its data is committed. max_pt passes
     * over it while it is empty (lookups are answered from the latest partition with rows), and a
     * reload after its data is committed takes it.
     */
    @Test
    void newestPartitionCreatedEmptyIsJoinedOnceFilledAfterAReload() throws Exception {
        emulator.executeSql(
                "CREATE TABLE dim_growing (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        EmulatorRows.write(
                emulator, "dim_growing", "ds=20261122", List.<Object[]>of(new Object[] {1L, "a"}));
        emulator.executeSql("ALTER TABLE dim_growing ADD PARTITION (ds='20261123')");
        KEY_PERMITS.drainPermits();
        StreamTableEnvironment env =
                envOfTable(
                        new Configuration(),
                        "dim_growing",
                        e ->
                                e.fromSequence(1, Long.MAX_VALUE)
                                        .map(new PermittedKey())
                                        .returns(Types.LONG),
                        "lookup.partition",
                        "max_pt",
                        "lookup.reload-interval",
                        "1 s");
        try (CloseableIterator<Row> it = env.executeSql(JOIN).collect()) {
            KEY_PERMITS.release();
            assertThat(it.next()).hasToString("+I[1, a, 20261122]");

            EmulatorRows.write(
                    emulator,
                    "dim_growing",
                    "ds=20261123",
                    List.<Object[]>of(new Object[] {1L, "b"}));
            // one key at a time until a reload (due a second after the last) took the partition
            String row;
            do {
                KEY_PERMITS.release();
                row = it.next().toString();
            } while (row.equals("+I[1, a, 20261122]"));
            assertThat(row).isEqualTo("+I[1, b, 20261123]");
            KEY_PERMITS.release();
            assertThat(it.next()).hasToString("+I[1, b, 20261123]");
        }
    }
}
