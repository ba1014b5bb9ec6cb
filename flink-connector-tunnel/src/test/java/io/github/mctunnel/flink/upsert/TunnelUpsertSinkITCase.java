package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upsert sink in MiniCluster jobs against the embedded emulator. */
class TunnelUpsertSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(3)
                            .build());

    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(2);
    private static final int BUCKETS = 8;
    private static final int KEYS = 97;

    private static final AtomicBoolean FAILED = new AtomicBoolean();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
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
    static void stopEmulator() {
        emulator.close();
    }

    private static void createTable(String name) {
        emulator.executeSql(
                "CREATE TABLE "
                        + name
                        + " (id BIGINT NOT NULL, name STRING, v BIGINT, PRIMARY KEY (id))"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='"
                        + BUCKETS
                        + "')");
    }

    private static TunnelUpsertSink<Long> sink(String table, ChangelogEvents events) {
        return TunnelUpsertSink.<Long>builder()
                .setConnection(connection())
                .setTable(table)
                .setPrimaryKey(Column.of("id", "bigint"))
                .setBucketCount(BUCKETS)
                .setSerializer(events)
                .setCommitInterval(COMMIT_INTERVAL)
                .build();
    }

    private static TunnelConnectionOptions connection() {
        return TunnelConnectionOptions.builder()
                .endpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(emulator.defaultProject())
                .accessKey("ak", "sk")
                .build();
    }

    private static List<Object[]> committed(String table) {
        return emulator.committedRows(
                TableIdentifier.of(emulator.defaultProject(), table), PartitionSpec.empty());
    }

    private static List<LoggedRequest> commits(String table) {
        return emulator.requestLog()
                .entries(
                        r ->
                                r.method().equals("POST")
                                        && r.path().contains("/tables/" + table + "/upserts")
                                        && r.params().containsKey("upsertid"));
    }

    /**
     * @param failover {@code region}: the failure restarts the job's pipelined region (the
     *     coordinator sees subtaskReset and keeps its sessions), {@code full}: a global failover
     *     (resetToCheckpoint: new sessions, the restored ones handed to the committer)
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"region", "full"})
    void finalTableEqualsTheChangelogAppliedOnceDespiteFailures(String failover) throws Exception {
        String table = "upsert_failures_" + failover;
        createTable(table);
        long count = 3000;
        ChangelogEvents events = new ChangelogEvents(KEYS);
        FAILED.set(false);
        // two 503s on flush (retried by the client) and one refused commit (fails the job)
        emulator.faultPlan()
                .failNext(
                        2,
                        RequestMatcher.of("PUT", "/tables/" + table + "/upserts"),
                        503,
                        "ServiceUnavailable")
                .failNext(
                        1,
                        RequestMatcher.of("POST", "/tables/" + table + "/upserts")
                                .withParam("upsertid"),
                        400,
                        "InjectedCommitFailure");

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        conf.set(
                org.apache.flink.configuration.JobManagerOptions.EXECUTION_FAILOVER_STRATEGY,
                failover);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(3);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, count, RateLimiterStrategy.perCheckpoint(150), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "changelog")
                .setParallelism(1)
                .map(new FailOnceAfterCheckpoint())
                .setParallelism(1)
                .sinkTo(sink(table, events));
        env.execute("upserts with failures");

        assertThat(FAILED).isTrue();
        assertThat(emulator.faultPlan().pendingCount()).isZero();
        assertThat(ChangelogEvents.asMap(committed(table))).isEqualTo(events.applied(count));
    }

    @Test
    void frequentCheckpointsCommitAtMostOncePerInterval() throws Exception {
        String table = "upsert_paced";
        createTable(table);
        long attacksBefore = emulator.attackRequestCount();
        long count = 600;
        ChangelogEvents events = new ChangelogEvents(KEYS);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        // 20 events per checkpoint: about 30 checkpoints over 6 s
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, count, RateLimiterStrategy.perCheckpoint(20), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "changelog")
                .setParallelism(1)
                .sinkTo(sink(table, events));
        env.execute("paced upserts");

        assertThat(ChangelogEvents.asMap(committed(table))).isEqualTo(events.applied(count));
        List<LoggedRequest> commits = commits(table);
        assertThat(commits).allSatisfy(r -> assertThat(r.errorCode()).isNull());
        assertThat(commits).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(emulator.requestLog().entries(r -> "FlowExceeded".equals(r.errorCode())))
                .isEmpty();
        // several commits, each covering several checkpoints, never two within the interval
        assertThat(commits.size()).isBetween(2, 10);
        for (int i = 1; i < commits.size(); i++) {
            assertThat(commits.get(i).atMillis() - commits.get(i - 1).atMillis())
                    .isGreaterThanOrEqualTo(COMMIT_INTERVAL.toMillis());
        }
        assertThat(emulator.attackRequestCount()).isEqualTo(attacksBefore);
    }

    @Test
    void partialUpdatesSetOnlyTheNamedColumnsAndKeepTheOthers() throws Exception {
        String table = "upsert_partial";
        emulator.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT NOT NULL, name STRING, v BIGINT, PRIMARY KEY (id))"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='"
                        + BUCKETS
                        + "', 'acid.partial.fields.update.enable'='true')");
        long count = 300;
        ChangelogEvents events = new ChangelogEvents(KEYS);
        runBounded(sink(table, events), count);

        long updates = 150;
        TunnelUpsertSink<Long> partial =
                TunnelUpsertSink.<Long>builder()
                        .setConnection(connection())
                        .setTable(table)
                        .setPrimaryKey(Column.of("id", "bigint"))
                        .setBucketCount(BUCKETS)
                        .setSerializer(new NegatedValues(events))
                        .setCommitInterval(COMMIT_INTERVAL)
                        .setPartialUpdateColumns("v")
                        .build();
        runBounded(partial, updates);

        Map<Long, List<Object>> expected = new HashMap<>(events.applied(count));
        for (long i = 1; i <= updates; i++) {
            List<Object> row = expected.get(events.keyOf(i));
            expected.put(events.keyOf(i), Arrays.asList(row == null ? null : row.get(0), -i));
        }
        Map<Long, List<Object>> actual = new HashMap<>();
        for (Object[] r : committed(table)) {
            Object name = r[1] instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : r[1];
            actual.put((Long) r[0], Arrays.asList(name, r[2]));
        }
        assertThat(actual).isEqualTo(expected);
        // some keys were deleted by the first job: their partial update left name NULL
        assertThat(actual.values()).anySatisfy(row -> assertThat(row.get(0)).isNull());
    }

    @Test
    void aTableWhoseBucketCountDiffersFromTheDeclarationFailsTheJobAtStartNamingBoth() {
        String table = "upsert_mismatch";
        createTable(table);
        TunnelUpsertSink<Long> sink =
                TunnelUpsertSink.<Long>builder()
                        .setConnection(connection())
                        .setTable(table)
                        .setPrimaryKey(Column.of("id", "bigint"))
                        .setBucketCount(BUCKETS * 2)
                        .setSerializer(new ChangelogEvents(KEYS))
                        .setCommitInterval(COMMIT_INTERVAL)
                        .build();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromData(1L, 2L, 3L).sinkTo(sink);
        assertThatThrownBy(() -> env.execute("mismatching declaration"))
                .satisfies(
                        e ->
                                assertThat(
                                                org.apache.flink.util.ExceptionUtils.findThrowable(
                                                                e, IllegalStateException.class)
                                                        .map(Throwable::getMessage))
                                        .hasValue(
                                                "Table "
                                                        + emulator.defaultProject()
                                                        + "."
                                                        + table
                                                        + " does not match the TunnelUpsertSink"
                                                        + " declaration: the table has primary"
                                                        + " key [id bigint], "
                                                        + BUCKETS
                                                        + " buckets and the 'default' hasher; the"
                                                        + " sink declares primary key [id bigint], "
                                                        + (BUCKETS * 2)
                                                        + " buckets and the 'default' hasher"));
    }

    /**
     * Stop with a savepoint while the writers' sessions are open, resume at another parallelism:
     * the new writers hand the restored sessions to the single committer, which commits them paced
     * (no FlowExceeded) and before the newer sessions; the table equals the changelog applied once.
     */
    @Test
    void aRescaledRestoreCommitsTheRestoredSessionsPacedAndInOrder(@TempDir Path savepoints)
            throws Exception {
        String table = "upsert_rescaled";
        createTable(table);
        long count = 2000;
        ChangelogEvents events = new ChangelogEvents(KEYS);

        JobClient first = rescalableJob(table, events, count, 2, null).executeAsync();
        // at least one commit and more changes written after it (open sessions)
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (commits(table).isEmpty() || writes(table) < 20) {
            assertThat(System.nanoTime()).as("commits of the first run").isLessThan(deadline);
            Thread.sleep(50);
        }
        String savepoint =
                first.stopWithSavepoint(
                                false,
                                savepoints.toUri().toString(),
                                org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
                        .get();

        rescalableJob(table, events, count, 3, savepoint).execute("rescaled upserts");

        assertThat(ChangelogEvents.asMap(committed(table))).isEqualTo(events.applied(count));
        assertThat(emulator.requestLog().entries(r -> "FlowExceeded".equals(r.errorCode())))
                .isEmpty();
        List<LoggedRequest> commits = commits(table);
        for (int i = 1; i < commits.size(); i++) {
            assertThat(commits.get(i).atMillis() - commits.get(i - 1).atMillis())
                    .isGreaterThanOrEqualTo(COMMIT_INTERVAL.toMillis());
        }
    }

    /**
     * "Stop with a savepoint on Friday, start on Monday": the stop commits every session that took
     * changes (waiting for the commit interval), so nothing waits in a session that expires before
     * the restore; the job restored 25 hours later starts, writes and stops the same way.
     */
    @Test
    void aStopWithSavepointCommitsEverySessionAndARestoreAfterTheLifetimeStarts(
            @TempDir Path savepoints) throws Exception {
        String table = "upsert_weekend";
        createTable(table);
        ChangelogEvents events = new ChangelogEvents(KEYS);

        for (int run = 0; run < 2; run++) {
            String savepoint = run == 0 ? null : lastSavepoint;
            JobClient job = rescalableJob(table, events, 1_000_000, 2, savepoint).executeAsync();
            long writesBefore = writes(table);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (commits(table).size() < 1 + run || writes(table) < writesBefore + 20) {
                assertThat(System.nanoTime()).as("changes of run " + run).isLessThan(deadline);
                Thread.sleep(50);
            }
            lastSavepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints.resolve("run" + run).toUri().toString(),
                                    org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
                            .get();

            java.util.Set<String> flushed = new java.util.TreeSet<>();
            emulator.requestLog()
                    .entries(
                            r ->
                                    r.method().equals("PUT")
                                            && r.path().contains("/tables/" + table + "/upserts")
                                            && r.status() == 200)
                    .forEach(r -> flushed.add(r.params().get("upsertid")));
            java.util.Set<String> committed = new java.util.TreeSet<>();
            commits(table).stream()
                    .filter(r -> r.status() == 200)
                    .forEach(r -> committed.add(r.params().get("upsertid")));
            assertThat(committed).as("sessions committed by run " + run).containsAll(flushed);
            // Friday's sessions are gone by Monday
            emulator.advanceClock(Duration.ofHours(25));
        }
        assertThat(emulator.requestLog().entries(r -> "FlowExceeded".equals(r.errorCode())))
                .isEmpty();
        assertThat(emulator.attackRequests()).isEmpty();
    }

    private static String lastSavepoint;

    private static long writes(String table) {
        return emulator.requestLog()
                .entries(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().contains("/tables/" + table + "/upserts"))
                .size();
    }

    private static StreamExecutionEnvironment rescalableJob(
            String table, ChangelogEvents events, long count, int parallelism, String savepoint) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, count, RateLimiterStrategy.perCheckpoint(20), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "changelog")
                .uid("changelog")
                .setParallelism(1)
                .sinkTo(sink(table, events))
                .uid("upserts");
        return env;
    }

    private static void runBounded(TunnelUpsertSink<Long> sink, long count) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, count, RateLimiterStrategy.perCheckpoint(100), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "changelog")
                .setParallelism(1)
                .sinkTo(sink);
        env.execute("upserts into " + sink.table());
    }

    /** Event {@code i} upserts {@code v = -i} for the key of {@link ChangelogEvents}. */
    private static final class NegatedValues extends ObjectArrayUpsertRecordSerializer<Long> {
        private static final long serialVersionUID = 1L;
        private final ChangelogEvents keys;
        private transient int idIndex;
        private transient int vIndex;

        NegatedValues(ChangelogEvents keys) {
            this.keys = keys;
        }

        @Override
        public void open(io.github.mctunnel.client.schema.TableSchema columns) {
            // the key and the updated column only
            assertThat(columns.columnCount()).isLessThanOrEqualTo(2);
            idIndex = columns.indexOf("id");
            vIndex = columns.indexOf("v");
        }

        @Override
        public org.apache.flink.types.RowKind kind(Long i) {
            return org.apache.flink.types.RowKind.UPDATE_AFTER;
        }

        @Override
        public Object[] serialize(Long i, Object[] reuse) {
            reuse[idIndex] = keys.keyOf(i);
            if (vIndex >= 0) {
                reuse[vIndex] = -i;
            }
            return reuse;
        }
    }

    private static final class FailOnceAfterCheckpoint
            implements MapFunction<Long, Long>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private int completedCheckpoints;

        @Override
        public Long map(Long value) {
            if (completedCheckpoints >= 3 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a checkpoint");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            completedCheckpoints++;
        }
    }
}
