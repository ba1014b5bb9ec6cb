package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulated week of hourly partitions for the upsert sink: each completed checkpoint moves the
 * emulator's clock one hour (the 24 h session lifetime passes every 24 checkpoints, and the
 * coordinator judges session ages by that clock), changes go to the partition of their hour, and
 * the job fails over now and then (region or global). Every partition ends as its changelog applied
 * once; the upsert sessions open at the service and in the coordinator stay flat (sampled in the
 * job at every checkpoint, the coordinator's through its {@code openSessions} gauge).
 */
class UpsertSimulatedWeekITCase {

    private static final int HOURS = 7 * 24;
    private static final long CHANGES_PER_HOUR = 12;
    private static final long CHANGES = HOURS * CHANGES_PER_HOUR;
    private static final int KEYS = 5;
    private static final int FAILURES = 4;

    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final AtomicLong PEAK_SERVICE_SESSIONS = new AtomicLong();
    private static final AtomicLong PEAK_COORDINATOR_SESSIONS = new AtomicLong();
    private static final List<Gauge<?>> COORDINATOR_GAUGES = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(withCapturingReporter())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static TunnelEmulator emulator;
    private static TableIdentifier table;

    private static Configuration withCapturingReporter() {
        Configuration conf = new Configuration();
        conf.setString(
                "metrics.reporter.capture.factory.class", CoordinatorGaugeReporter.class.getName());
        return conf;
    }

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"region", "full"})
    void aWeekOfHourlyPartitionsWithFailoversEndsAsTheChangelogAndSessionsStayFlat(String failover)
            throws Exception {
        String name = "upsert_week_" + failover;
        emulator.executeSql(
                "CREATE TABLE "
                        + name
                        + " (id BIGINT NOT NULL, v BIGINT, PRIMARY KEY (id)) PARTITIONED BY (hh"
                        + " STRING) TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='4')");
        table = TableIdentifier.of(emulator.defaultProject(), name);
        FAILED.set(0);
        PEAK_SERVICE_SESSIONS.set(0);
        PEAK_COORDINATOR_SESSIONS.set(0);
        COORDINATOR_GAUGES.clear();

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, FAILURES + 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        conf.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, failover);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i,
                        CHANGES,
                        RateLimiterStrategy.perCheckpoint((int) CHANGES_PER_HOUR),
                        Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "changes")
                .setParallelism(1)
                .map(new HourlyClockAndFailures())
                .setParallelism(1)
                .sinkTo(
                        TunnelUpsertSink.<Long>builder()
                                .setConnection(
                                        TunnelConnectionOptions.builder()
                                                .endpoint(emulator.odpsEndpoint())
                                                .tunnelEndpoint(emulator.tunnelEndpoint())
                                                .project(emulator.defaultProject())
                                                .accessKey("ak", "sk")
                                                .build())
                                .setTable(name)
                                .setDynamicPartition()
                                .setPrimaryKey(Column.of("id", "bigint"))
                                .setBucketCount(4)
                                .setSerializer(new HourlyChanges())
                                // each checkpoint is an hour on the service's clock
                                .setCommitInterval(Duration.ofMillis(50))
                                .setServiceClock(UpsertSimulatedWeekITCase::serviceMillis)
                                .build());
        env.execute("a simulated week of upserts");

        assertThat(FAILED.get()).isEqualTo(FAILURES);
        Map<String, Map<Long, Long>> expected = new TreeMap<>();
        for (long i = 0; i < CHANGES; i++) {
            Map<Long, Long> rows = expected.computeIfAbsent(hour(i), h -> new TreeMap<>());
            if (HourlyChanges.kindOf(i) == RowKind.DELETE) {
                rows.remove(HourlyChanges.keyOf(i));
            } else {
                rows.put(HourlyChanges.keyOf(i), i);
            }
        }
        Map<String, Map<Long, Long>> actual = new TreeMap<>();
        for (String hh : expected.keySet()) {
            Map<Long, Long> rows = new TreeMap<>();
            for (Object[] row : emulator.committedRows(table, PartitionSpec.parse("hh=" + hh))) {
                assertThat(rows.put((Long) row[0], (Long) row[1])).as("key twice").isNull();
            }
            actual.put(hh, rows);
        }
        assertThat(actual).isEqualTo(expected);
        System.out.printf(
                "upsert week (%s failover): peak open upsert sessions at the service %d, in the"
                        + " coordinator %d, over %d hourly partitions%n",
                failover, PEAK_SERVICE_SESSIONS.get(), PEAK_COORDINATOR_SESSIONS.get(), HOURS);
        // a week of hourly partitions: about one open session per partition of the last hours
        assertThat(COORDINATOR_GAUGES).isNotEmpty();
        assertThat(PEAK_SERVICE_SESSIONS.get()).isLessThanOrEqualTo(6);
        assertThat(PEAK_COORDINATOR_SESSIONS.get()).isBetween(1L, 6L);
        assertThat(emulator.attackRequests()).isEmpty();
    }

    static long serviceMillis() {
        return emulator.clock().millis();
    }

    private static String hour(long i) {
        return String.format("h%03d", i / CHANGES_PER_HOUR);
    }

    /** Change {@code i} touches key {@code i * 7 % KEYS} of hour {@code i / CHANGES_PER_HOUR}. */
    private static final class HourlyChanges extends ObjectArrayUpsertRecordSerializer<Long> {
        private static final long serialVersionUID = 1L;
        private transient int id;
        private transient int v;
        private transient int hh;

        static long keyOf(long i) {
            return i * 7 % KEYS;
        }

        static RowKind kindOf(long i) {
            return i % 5 == 3 ? RowKind.DELETE : RowKind.UPDATE_AFTER;
        }

        @Override
        public RowKind kind(Long i) {
            return kindOf(i);
        }

        @Override
        public void open(TableSchema columns) {
            id = columns.indexOf("id");
            v = columns.indexOf("v");
            hh = columns.indexOf("hh");
        }

        @Override
        public Object[] serialize(Long i, Object[] reuse) {
            reuse[id] = keyOf(i);
            if (v >= 0) {
                reuse[v] = i;
            }
            if (hh >= 0) {
                reuse[hh] = hour(i);
            }
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
        public Long map(Long i) {
            seen++;
            int failures = FAILED.get();
            if (checkpointed
                    && failures < FAILURES
                    && seen >= 100 + 150L * failures
                    && FAILED.compareAndSet(failures, failures + 1)) {
                throw new IllegalStateException("injected failure " + (failures + 1));
            }
            return i;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
            emulator.advanceClock(Duration.ofHours(1));
            PEAK_SERVICE_SESSIONS.accumulateAndGet(
                    emulator.stats(table).openUpsertSessions(), Math::max);
            for (Gauge<?> g : COORDINATOR_GAUGES) {
                Object value = g.getValue();
                if (value instanceof Integer open) {
                    PEAK_COORDINATOR_SESSIONS.accumulateAndGet(open, Math::max);
                }
            }
        }
    }

    /** Captures the upsert session coordinator's {@code openSessions} gauge. */
    public static final class CoordinatorGaugeReporter
            implements MetricReporter, MetricReporterFactory {

        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CoordinatorGaugeReporter();
        }

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (name.equals("openSessions")
                    && group.getMetricIdentifier(name).contains("coordinator")
                    && metric instanceof Gauge<?> gauge) {
                COORDINATOR_GAUGES.add(gauge);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}
    }
}
