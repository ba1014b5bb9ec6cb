package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.FaultPlan;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.tunnel.TunnelStats;
import io.github.mctunnel.flink.config.TableWriteLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The exactly-once sink in MiniCluster jobs against the emulator: parallelism 4, checkpoints every
 * 200 ms, several partitions, repeated failures and service faults; the table must hold every input
 * row exactly once.
 */
class TunnelExactlyOnceSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final int ROWS = 4000;
    private static final int PARTITIONS = 3;
    private static final int FAILURES = 3;

    /** Generous budgets: 200 ms checkpoints at parallelism 4 exceed the public ones. */
    private static final TableWriteLimits LIMITS =
            new TableWriteLimits(100_000, 100_000, 32, 10_000);

    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final AtomicLong COMPLETED_CHECKPOINTS = new AtomicLong();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator =
                FrequentCheckpointsEmulator.start(
                        TunnelEmulator.builder().faultPlan(FaultPlan.seeded(7)));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void everyRowExactlyOnceAfterFailuresAndServiceFaults() throws Exception {
        emulator.executeSql(
                "CREATE TABLE eo_t (" + AllTypesRows.DDL_COLUMNS + ") PARTITIONED BY (ds STRING)");
        emulator.faultPlan()
                .failNext(
                        2,
                        RequestMatcher.of("PUT", "/tables/eo_t").withParam("blockid"),
                        503,
                        "ServiceUnavailable")
                .failNext(
                        1,
                        RequestMatcher.of("POST", "/tables/eo_t").withParam("uploadid"),
                        500,
                        "InternalServerError");
        FAILED.set(0);
        COMPLETED_CHECKPOINTS.set(0);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(4);
        env.enableCheckpointing(200);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perCheckpoint(150), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .map(new FailAtDifferentPoints())
                .sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("eo_t")
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setMaxPartitionsPerCheckpoint(PARTITIONS)
                                .setTableLimits(LIMITS)
                                .build());
        env.execute("exactly once with failures");

        assertThat(FAILED.get()).isEqualTo(FAILURES);
        assertThat(emulator.faultPlan().pendingCount()).isZero();
        List<Long> ids = new ArrayList<>();
        TableIdentifier table = TableIdentifier.of(emulator.defaultProject(), "eo_t");
        for (int p = 0; p < PARTITIONS; p++) {
            for (Object[] row : emulator.committedRows(table, PartitionSpec.parse("ds=p" + p))) {
                long id = (Long) row[0];
                assertThat(AllTypesRows.partitionOf(id, PARTITIONS)).isEqualTo("p" + p);
                assertThat(AllTypesRows.normalize(row)).isEqualTo(AllTypesRows.expected(id));
                ids.add(id);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            expected.add(id);
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);

        TunnelStats stats = emulator.stats(table);
        long checkpoints = COMPLETED_CHECKPOINTS.get() + 1; // + the final one at end of input
        assertThat(stats.commits()).isLessThanOrEqualTo(PARTITIONS * checkpoints);
        // one session per partition per checkpoint, plus at most one per partition per failed
        // attempt's open epoch (reused, never piling up)
        assertThat(stats.uploadSessionsCreated())
                .isLessThanOrEqualTo(PARTITIONS * (checkpoints + FAILURES + 1));
        // no growth across failovers: at most the spares of one epoch stay open
        assertThat(stats.openUploadSessions()).isLessThanOrEqualTo(PARTITIONS);
        assertThat(stats.rowsCommitted()).isEqualTo(ROWS);
        // no request sooner than the retry policy allows, from any subtask on the shared address
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void morePartitionsInAnEpochThanConfiguredFailTheJobNamingTheSetting() throws Exception {
        emulator.executeSql(
                "CREATE TABLE eo_many ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(200);
        env.fromSequence(1, 30)
                .sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("eo_many")
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setMaxPartitionsPerCheckpoint(1)
                                .setTableLimits(LIMITS)
                                .build());
        Throwable failure = catchThrowable(() -> env.execute("too many partitions"));
        assertThat(failure).isNotNull();
        Optional<Throwable> cause =
                ExceptionUtils.findThrowable(
                        failure,
                        t ->
                                t.getMessage() != null
                                        && t.getMessage()
                                                .startsWith(
                                                        "The Tunnel session coordinator did not"
                                                                + " hand out a session"));
        assertThat(cause).as(ExceptionUtils.stringifyException(failure)).isPresent();
        assertThat(cause.get().getMessage())
                .matches(
                        "The Tunnel session coordinator did not hand out a session: .*Upload"
                                + " session for table eo_many partition ds=p[0-2] could not be"
                                + " created: more than 1 partitions were written between two"
                                + " checkpoints; raise setMaxPartitionsPerCheckpoint \\(within"
                                + " the table's budgets\\) or route fewer partitions to the sink"
                                + " per checkpoint");
        assertThat(emulator.attackRequests()).isEmpty();
    }

    /**
     * Subtask 0 throws {@link #FAILURES} times, after a checkpoint completed and after a different
     * number of records each time.
     */
    private static final class FailAtDifferentPoints extends RichMapFunction<Long, Long>
            implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient boolean checkpointed;
        private transient long seen;
        private transient int subtask;

        @Override
        public void open(OpenContext context) {
            subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        }

        @Override
        public Long map(Long value) {
            seen++;
            int failures = FAILED.get();
            if (subtask == 0
                    && checkpointed
                    && failures < FAILURES
                    && seen >= 40 + 70L * failures
                    && FAILED.compareAndSet(failures, failures + 1)) {
                throw new IllegalStateException("injected failure " + (failures + 1));
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
            if (subtask == 0) {
                COMPLETED_CHECKPOINTS.incrementAndGet();
            }
        }
    }
}
