package io.github.mctunnel.flink.source;

import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.source.enumerator.TunnelEnumeratorState;
import io.github.mctunnel.flink.source.split.TunnelSplit;

import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.apache.flink.runtime.metrics.groups.InternalSplitEnumeratorMetricGroup;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics the enumerator and the readers register, read from the test contexts' metric groups
 * after real work against the emulator: one 503 on session creation, one broken download.
 */
class TunnelSourceMetricsTest {

    private EmulatorTables tables;

    @AfterEach
    void closeEmulator() throws Exception {
        tables.close();
    }

    /** A metric group that keeps what is registered on it, by name. */
    static final class RecordingMetricGroup extends UnregisteredMetricsGroup {
        final Map<String, Metric> metrics = new ConcurrentHashMap<>();

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            metrics.put(name, counter);
            return counter;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            metrics.put(name, gauge);
            return gauge;
        }

        /** Sub-groups register here too (the enumerator group adds one), names unprefixed. */
        @Override
        public MetricGroup addGroup(String name) {
            return this;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return this;
        }

        long count(String name) {
            assertThat(metrics).containsKey(name);
            return ((Counter) metrics.get(name)).getCount();
        }

        Object value(String name) {
            assertThat(metrics).containsKey(name);
            return ((Gauge<?>) metrics.get(name)).getValue();
        }
    }

    /** The testing enumerator context with a recording metric group. */
    static final class RecordingEnumeratorContext
            extends TestingSplitEnumeratorContext<TunnelSplit> {
        final RecordingMetricGroup group = new RecordingMetricGroup();
        private final SplitEnumeratorMetricGroup metricGroup =
                new InternalSplitEnumeratorMetricGroup(group);

        RecordingEnumeratorContext() {
            super(1);
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return metricGroup;
        }
    }

    @Test
    void enumeratorAndReaderRegisterAndUpdateTheirMetrics() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        List<String> rows = tables.write("t", "ds=1", 0, 250);
        tables.emulator
                .faultPlan()
                .failNext(
                        1,
                        RequestMatcher.of("POST", "/tables/t").withParam("downloads"),
                        503,
                        "ServiceUnavailable")
                .dropResponseNext(1, RequestMatcher.of("GET", "/tables/t").withParam("data"), 300);
        TunnelSource<String> source =
                TunnelSource.<String>builder()
                        .setConnection(tables.connection())
                        .setTable("t")
                        .setDeserializer(new LineDeserializer())
                        .setSplitRows(100)
                        .build();

        // enumerator: one session (created after one retry), cut into 3 splits, 1 assigned
        RecordingEnumeratorContext enumContext = new RecordingEnumeratorContext();
        TunnelSplit split;
        try (SplitEnumerator<TunnelSplit, TunnelEnumeratorState> enumerator =
                source.createEnumerator(enumContext)) {
            enumerator.start();
            enumContext.registerReader(0, "localhost");
            enumerator.handleSplitRequest(0, "localhost");
            for (int i = 0; i < 100 && enumContext.getSplitAssignments().isEmpty(); i++) {
                enumContext.triggerAllActions();
            }
            List<TunnelSplit> assigned =
                    enumContext.getSplitAssignments().get(0).getAssignedSplits();
            assertThat(assigned).hasSize(1);
            split = assigned.get(0);

            RecordingMetricGroup g = enumContext.group;
            assertThat(g.metrics)
                    .containsOnlyKeys(
                            "sessionsCreated", "retries", "pendingSplits", "unassignedSplits");
            assertThat(g.count("sessionsCreated")).isEqualTo(1);
            assertThat(g.count("retries")).isEqualTo(1);
            assertThat(g.value("pendingSplits")).isEqualTo(2);
            assertThat(g.value("unassignedSplits")).isEqualTo(2L);
        }
        assertThat(split.start()).isZero();
        assertThat(split.end()).isEqualTo(100);

        // reader: reads the split, resuming the broken download once
        RecordingMetricGroup readerGroup = new RecordingMetricGroup();
        InternalSourceReaderMetricGroup readerMetrics =
                InternalSourceReaderMetricGroup.mock(readerGroup);
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        try (SourceReader<String, TunnelSplit> reader =
                source.createReader(new TestingReaderContext(new Configuration(), readerMetrics))) {
            reader.start();
            reader.addSplits(List.of(split));
            assertThat(readerGroup.value("pendingRecords")).isEqualTo(100L);
            while (output.getEmittedRecords().size() < 100) {
                reader.isAvailable().get(30, TimeUnit.SECONDS);
                reader.pollNext(output);
            }
            assertThat(output.getEmittedRecords()).containsExactlyElementsOf(rows.subList(0, 100));
            assertThat(readerGroup.value("pendingRecords")).isEqualTo(0L);
        }
        assertThat(readerGroup.metrics)
                .containsOnlyKeys(
                        // ours
                        "bytesRead",
                        "retries",
                        // standard, set by the reader
                        "pendingRecords",
                        // standard, registered by Flink's reader metric group
                        "numRecordsInErrors",
                        "currentEmitEventTimeLag",
                        "sourceIdleTime");
        assertThat(readerGroup.count("retries")).isEqualTo(1);
        assertThat(readerGroup.count("bytesRead")).isGreaterThan(300);
    }
}
