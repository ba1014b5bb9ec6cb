package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulated week of hourly partitions: each completed checkpoint moves the emulator's clock one
 * hour (so the service's 24 h session lifetime passes every 24 checkpoints), rows go to the
 * partition of their hour, and the job fails over now and then. The table holds every row exactly
 * once in its hour's partition, and the open upload sessions at the service stay flat.
 */
class TunnelExactlyOnceSimulatedWeekITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int HOURS = 7 * 24;
    private static final long ROWS_PER_HOUR = 12;
    private static final long ROWS = HOURS * ROWS_PER_HOUR;
    private static final int FAILURES = 4;

    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final AtomicLong PEAK_OPEN_SESSIONS = new AtomicLong();

    private static TunnelEmulator emulator;
    private static TableIdentifier table;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = FrequentCheckpointsEmulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    /**
     * @param failover {@code region}: a failure restarts the job's pipelined region (here all its
     *     tasks; the coordinator sees subtaskReset), {@code full}: a global failover (the
     *     coordinator sees resetToCheckpoint)
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"region", "full"})
    void aWeekOfHourlyPartitionsWithFailoversKeepsEveryRowOnceAndSessionsFlat(String failover)
            throws Exception {
        String name = "eo_week_" + failover;
        emulator.executeSql("CREATE TABLE " + name + " (id BIGINT) PARTITIONED BY (hh STRING)");
        table = TableIdentifier.of(emulator.defaultProject(), name);
        FAILED.set(0);
        PEAK_OPEN_SESSIONS.set(0);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, FAILURES + 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        conf.set(
                org.apache.flink.configuration.JobManagerOptions.EXECUTION_FAILOVER_STRATEGY,
                failover);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i,
                        ROWS,
                        RateLimiterStrategy.perCheckpoint((int) ROWS_PER_HOUR),
                        Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .setParallelism(1)
                .map(new HourlyClockAndFailures())
                .setParallelism(1)
                .sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable(name)
                                .setSerializer(new HourlyRows())
                                .setDynamicPartition()
                                .setMaxPartitionsPerCheckpoint(4)
                                .setTableLimits(new TableWriteLimits(100_000, 100_000, 32, 10_000))
                                .build());
        env.execute("a simulated week");

        assertThat(FAILED.get()).isEqualTo(FAILURES);
        List<Long> ids = new ArrayList<>();
        for (int h = 0; h < HOURS; h++) {
            for (Object[] row : emulator.committedRows(table, PartitionSpec.parse(hour(h)))) {
                long id = (Long) row[0];
                assertThat(hour(id / ROWS_PER_HOUR)).isEqualTo(hour(h));
                ids.add(id);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) {
            expected.add(id);
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
        // a week of sessions (one per partition and checkpoint) never piled up at the service
        assertThat(PEAK_OPEN_SESSIONS.get()).isLessThanOrEqualTo(8);
        assertThat(emulator.attackRequests()).isEmpty();
    }

    private static String hour(long h) {
        return String.format("hh=h%03d", h);
    }

    /** Id {@code i} belongs to hour {@code i / ROWS_PER_HOUR}. */
    private static final class HourlyRows extends ObjectArrayRecordSerializer<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Object[] serialize(Long id, Object[] reuse) {
            reuse[0] = id;
            reuse[1] = hour(id / ROWS_PER_HOUR).substring(3);
            return reuse;
        }
    }

    /**
     * Moves the emulator's clock an hour per completed checkpoint, samples the open sessions, and
     * fails {@link #FAILURES} times at different points after a checkpoint.
     */
    private static final class HourlyClockAndFailures extends RichMapFunction<Long, Long>
            implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient long seen;
        private transient boolean checkpointed;

        @Override
        public void open(OpenContext context) {
            seen = 0;
        }

        @Override
        public Long map(Long id) {
            seen++;
            int failures = FAILED.get();
            if (checkpointed
                    && failures < FAILURES
                    && seen >= 100 + 150L * failures
                    && FAILED.compareAndSet(failures, failures + 1)) {
                throw new IllegalStateException("injected failure " + (failures + 1));
            }
            return id;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
            emulator.advanceClock(Duration.ofHours(1));
            PEAK_OPEN_SESSIONS.accumulateAndGet(
                    emulator.stats(table).openUploadSessions(), Math::max);
        }
    }
}
