package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.fault.FaultPlan;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The source on a MiniCluster against the Tunnel emulator. */
class TunnelSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private EmulatorTables tables;

    @AfterEach
    void closeEmulator() throws Exception {
        if (tables != null) {
            tables.close();
        }
    }

    private static final String PARTITIONED =
            "CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)";

    @Test
    void boundedReadOfPartitionedTableEqualsTableContents() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql(PARTITIONED);
        List<String> expected = new ArrayList<>();
        long id = 0;
        for (String ds : List.of("1", "2", "9", "10", "11")) {
            expected.addAll(tables.write("t", "ds=" + ds, id, 6_000 + (int) id % 7));
            id += 10_000;
        }
        tables.sql("ALTER TABLE t ADD PARTITION (ds='3')"); // empty partition

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        List<String> actual = collect(env, source().setSplitRows(1_000).build());

        assertSameMultiset(actual, expected);
        assertThat(
                        tables.emulator
                                .stats(TableIdentifier.of(EmulatorTables.PROJECT, "t"))
                                .downloadSessionsCreated())
                .isEqualTo(6);
    }

    @Test
    void readsNonPartitionedAndEmptyTables() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE plain (id BIGINT, name STRING)");
        tables.sql("CREATE TABLE empty_plain (id BIGINT, name STRING)");
        tables.sql(PARTITIONED);
        List<String> expected = tables.write("plain", "", 0, 2_345);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        assertSameMultiset(
                collect(env, source().setTable("plain").setSplitRows(500).build()), expected);
        assertThat(collect(env, source().setTable("empty_plain").build())).isEmpty();
        assertThat(collect(env, source().setTable("t").build())).isEmpty();
    }

    @Test
    void readsSelectedPartitionsFromStartPartitionInNumericOrder() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql(PARTITIONED);
        tables.write("t", "ds=2", 0, 10);
        List<String> expected = new ArrayList<>(tables.write("t", "ds=9", 100, 10));
        expected.addAll(tables.write("t", "ds=10", 200, 10));
        tables.write("t", "ds=11", 300, 10);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<String> actual =
                collect(
                        env,
                        source().setPartitionFilter(p -> !p.get("ds").equals("11"))
                                .setStartPartition("ds=9")
                                .build());
        // one reader pulls partition after partition: ds=9 before ds=10
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void restartFromCheckpointEmitsEveryRowExactlyOnce() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql(PARTITIONED);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.addAll(tables.write("t", "ds=" + i, i * 100_000L, 7_500));
        }
        RequestMatcher data = RequestMatcher.of("GET", "/tables/t").withParam("data");
        // break a few responses so that the client resumes mid-stream, and slow every other
        // download a little so that checkpoints complete in the middle of ranges (the first
        // matching rule applies, so the counted faults come first)
        tables.emulator.faultPlan().dropResponseNext(3, data, 700);
        tables.emulator.faultPlan().delayNext(Integer.MAX_VALUE, data, Duration.ofMillis(20));

        FailingOnceMapper.reset();
        CheckpointedCollector.PUBLISHED.clear();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(4);
        env.enableCheckpointing(50);
        env.fromSource(
                        source().setSplitRows(2_000)
                                .setRowsPerRequest(250)
                                .setBatchRows(50)
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "tunnel")
                .map(new FailingOnceMapper())
                .map(new CheckpointedCollector())
                .sinkTo(new DiscardingSink<>());
        env.execute("exactly once");

        assertThat(FailingOnceMapper.FAILED).isTrue();
        assertThat(tables.emulator.faultPlan().pendingCount()).as("cut responses left").isZero();
        List<String> emitted = new ArrayList<>();
        CheckpointedCollector.PUBLISHED.values().forEach(emitted::addAll);
        assertSameMultiset(emitted, expected);
    }

    @Test
    void connectionResetsAnd503sOnSessionCreationWithThrowingMapYieldEveryRowExactlyOnce()
            throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql(PARTITIONED);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.addAll(tables.write("t", "ds=" + i, i * 100_000L, 8_000));
        }
        RequestMatcher data = RequestMatcher.of("GET", "/tables/t").withParam("data");
        RequestMatcher createSession =
                RequestMatcher.of("POST", "/tables/t").withParam("downloads");
        FaultPlan faults = tables.emulator.faultPlan();
        faults.failNext(3, createSession, 503, "ServiceUnavailable");
        faults.delayNext(Integer.MAX_VALUE, data, Duration.ofMillis(20));

        FailingOnceMapper.reset();
        CheckpointedCollector.PUBLISHED.clear();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(restartThreeTimes());
        env.setParallelism(4);
        env.enableCheckpointing(50, CheckpointingMode.EXACTLY_ONCE);
        env.fromSource(
                        source().setSplitRows(2_000)
                                .setRowsPerRequest(250)
                                .setBatchRows(50)
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "tunnel")
                .map(new FailingOnceMapper())
                .map(new CheckpointedCollector())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("exactly once under faults");

        // once the sessions exist and a checkpoint covers records, reset connections in the
        // middle of the read: two before any answer, three after part of the rows was sent
        waitUntil(() -> faults.pendingCount() == 0 && !CheckpointedCollector.PUBLISHED.isEmpty());
        faults.clear();
        faults.resetNext(2, data, 0);
        faults.dropResponseNext(3, data, 700);
        faults.delayNext(Integer.MAX_VALUE, data, Duration.ofMillis(20));
        job.getJobExecutionResult().get();

        assertThat(FailingOnceMapper.FAILED).isTrue();
        assertThat(faults.pendingCount()).as("injected faults left").isZero();
        assertThat(
                        tables.emulator
                                .requestLog()
                                .entries(
                                        e ->
                                                e.status() == 503
                                                        && e.params().containsKey("downloads")))
                .hasSize(3);
        List<String> emitted = new ArrayList<>();
        CheckpointedCollector.PUBLISHED.values().forEach(emitted::addAll);
        assertSameMultiset(emitted, expected);
    }

    @Test
    void continuousModeReadsNewPartitionsInNumericOrderAndNotAgainAfterFailure() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql(PARTITIONED);
        List<String> first = tables.write("t", "ds=1", 0, 500);

        FailingOnceMapper.reset();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(restartThreeTimes());
        env.setParallelism(1);
        env.enableCheckpointing(50, CheckpointingMode.EXACTLY_ONCE);
        TunnelSource<String> source =
                source().setContinuous(Duration.ofMillis(100))
                        .setPartitionReadiness(PartitionReadiness.immediately())
                        .setSplitRows(200)
                        .setRowsPerRequest(100)
                        .setBatchRows(20)
                        .build();
        try (CloseableIterator<String> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                        .map(new FailingOnceMapper())
                        .executeAndCollect()) {
            assertThat(next(it, first.size())).containsExactlyElementsOf(first);
            // ds=10 and ds=9 appear in the same discovery; one reader reads 9 before 10 (as
            // numbers, not as text); the mapper fails once in the middle of ds=9, after a
            // checkpoint that holds the discovered partitions
            List<String> added = tables.commitTogether("t", 1_000, 600, "9", "10");
            assertThat(next(it, added.size())).containsExactlyElementsOf(added);
            assertThat(FailingOnceMapper.FAILED).isTrue();
            // nothing is read again after the restore: the next rows are the next partition's
            List<String> later = tables.commitTogether("t", 5_000, 50, "11");
            assertThat(next(it, later.size())).containsExactlyElementsOf(later);
        }
    }

    private static List<String> next(CloseableIterator<String> it, int count) {
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            out.add(it.next());
        }
        return out;
    }

    private static Configuration restartThreeTimes() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return conf;
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 60 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void continuousModeReadsPartitionAddedWhileRunning() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql(PARTITIONED);
        List<String> first = tables.write("t", "ds=1", 0, 500);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TunnelSource<String> source =
                source().setContinuous(Duration.ofMillis(100))
                        .setPartitionReadiness(PartitionReadiness.immediately())
                        .setSplitRows(100)
                        .build();
        List<String> seen = new ArrayList<>();
        try (CloseableIterator<String> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                        .executeAndCollect()) {
            while (seen.size() < first.size()) {
                seen.add(it.next());
            }
            assertSameMultiset(seen, first);
            List<String> second = tables.write("t", "ds=2", 1_000, 300);
            List<String> more = new ArrayList<>();
            while (more.size() < second.size()) {
                more.add(it.next());
            }
            assertSameMultiset(more, second);
        }
    }

    @Test
    void sessionBudgetOfServiceOnlyDelaysTheRead() throws Exception {
        Duration window = Duration.ofSeconds(2);
        tables =
                new EmulatorTables(EmulatorLimits.builder().downloadSessionRate(3, window).build());
        tables.sql(PARTITIONED);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            expected.addAll(tables.write("t", "ds=" + i, i * 1_000L, 20));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        long start = System.nanoTime();
        List<String> actual = collect(env, source().build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertSameMultiset(actual, expected);
        assertThat(
                        tables.emulator
                                .stats(TableIdentifier.of(EmulatorTables.PROJECT, "t"))
                                .downloadSessionsCreated())
                .isEqualTo(7);
        // 7 sessions at 3 per window cannot be created in less than two windows
        assertThat(took).isGreaterThanOrEqualTo(window.multipliedBy(2));
    }

    @Test
    void sourcePacesSessionsItselfWithinItsBudget() throws Exception {
        Duration window = Duration.ofSeconds(1);
        tables =
                new EmulatorTables(EmulatorLimits.builder().downloadSessionRate(2, window).build());
        tables.sql(PARTITIONED);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.addAll(tables.write("t", "ds=" + i, i * 1_000L, 20));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<String> actual = collect(env, source().setDownloadSessionRate(2, window).build());
        assertSameMultiset(actual, expected);
    }

    private TunnelSourceBuilder<String> source() {
        return TunnelSource.<String>builder()
                .setConnection(tables.connection())
                .setTable("t")
                .setDeserializer(new LineDeserializer());
    }

    private static List<String> collect(StreamExecutionEnvironment env, TunnelSource<String> s)
            throws Exception {
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it =
                env.fromSource(s, WatermarkStrategy.noWatermarks(), "tunnel").executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static void assertSameMultiset(List<String> actual, List<String> expected) {
        List<String> a = new ArrayList<>(actual);
        List<String> e = new ArrayList<>(expected);
        Collections.sort(a);
        Collections.sort(e);
        assertThat(a).hasSize(e.size());
        assertThat(a).isEqualTo(e);
    }

    /** Throws once, on a record after a checkpoint completed with records behind it. */
    static final class FailingOnceMapper
            implements MapFunction<String, String>, CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private long seen;
        private boolean checkpointAfterRecords;

        static void reset() {
            FAILED.set(false);
        }

        @Override
        public String map(String value) {
            seen++;
            if (checkpointAfterRecords && seen > 1_000 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("Injected failure after " + seen + " records");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (seen > 0) {
                checkpointAfterRecords = true;
            }
        }
    }

    /**
     * Keeps every record it saw in operator state and publishes, per subtask, the records covered
     * by the latest completed checkpoint.
     */
    static final class CheckpointedCollector extends RichMapFunction<String, String>
            implements CheckpointedFunction, CheckpointListener {
        static final Map<Integer, List<String>> PUBLISHED = new ConcurrentHashMap<>();

        private final Map<Long, List<String>> snapshots = new ConcurrentHashMap<>();
        private transient List<String> records;
        private transient ListState<String> state;

        @Override
        public String map(String value) {
            records.add(value);
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            state.update(records);
            snapshots.put(context.getCheckpointId(), new ArrayList<>(records));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            state =
                    context.getOperatorStateStore()
                            .getListState(new ListStateDescriptor<>("records", Types.STRING));
            records = new ArrayList<>();
            for (String r : state.get()) {
                records.add(r);
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            List<String> covered = snapshots.get(checkpointId);
            if (covered != null) {
                PUBLISHED.put(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), covered);
                snapshots.keySet().removeIf(id -> id <= checkpointId);
            }
        }
    }
}
