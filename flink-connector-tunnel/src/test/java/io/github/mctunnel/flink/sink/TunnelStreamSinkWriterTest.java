package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;
import io.github.mctunnel.flink.convert.ValueConversionException;
import io.github.mctunnel.flink.sink.writer.PartitionBudget;
import io.github.mctunnel.flink.sink.writer.TunnelStreamSinkWriter;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSinkWriterMetricGroup;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunnelStreamSinkWriterTest {

    private static final TableSchema SCHEMA =
            new TableSchema(
                    List.of(Column.of("id", "bigint"), Column.of("name", "string")),
                    List.of(Column.of("ds", "string")));

    private static final RowType ROW_TYPE =
            TunnelTypeMapping.toRowType(
                    List.of(
                            Column.of("id", "bigint"),
                            Column.of("name", "string"),
                            Column.of("ds", "string")));

    private static final PartitionSpec DS1 = PartitionSpec.parse("ds=20240101");
    private static final PartitionSpec DS2 = PartitionSpec.parse("ds=20240102");

    private final InMemoryStreamTunnel tunnel = new InMemoryStreamTunnel(SCHEMA);
    private final ManualTimeService time = new ManualTimeService();
    private final FakeClock clock = new FakeClock();
    private final SinkWriterMetricGroup metrics =
            InternalSinkWriterMetricGroup.wrap(
                    UnregisteredMetricsGroup.createOperatorMetricGroup());

    private TunnelStreamSinkWriter<RowData> writer(
            PartitionSpec partition,
            DeliveryGuarantee guarantee,
            FlushPolicy policy,
            int maxOpenPartitions)
            throws Exception {
        return new TunnelStreamSinkWriter<>(
                "t",
                tunnel.connect(),
                new RowDataTunnelRecordSerializer(ROW_TYPE),
                partition,
                guarantee,
                policy,
                maxOpenPartitions,
                metrics,
                time);
    }

    private static RowData row(long id, String name, String ds) {
        return GenericRowData.of(id, StringData.fromString(name), StringData.fromString(ds));
    }

    private static List<Object> values(long id, String name) {
        return List.of(id, name.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void buffersUntilCheckpointFlushThenEverythingIsAcknowledged() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(DS1, DeliveryGuarantee.AT_LEAST_ONCE, FlushPolicy.defaults(), 8);
        w.write(row(1, "a", "ignored"), null);
        w.write(row(2, "b", "ignored"), null);
        assertThat(tunnel.acknowledged).isEmpty();

        w.flush(false); // before the checkpoint barrier

        assertThat(tunnel.rowsOf(DS1))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(1, "a"), values(2, "b"));
        assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(2);
        // the bytes sent: the in-memory pack reports half its 64 encoded bytes
        assertThat(metrics.getNumBytesSendCounter().getCount()).isEqualTo(32);
        w.flush(false);
        assertThat(tunnel.flushSizes).containsExactly(2);
    }

    @Test
    void flushesWhenAPackReachesMaxRows() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(
                        DS1,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        new FlushPolicy(3, 1 << 20, Duration.ZERO),
                        8);
        for (int i = 0; i < 7; i++) {
            w.write(row(i, "n" + i, ""), null);
        }
        assertThat(tunnel.flushSizes).containsExactly(3, 3);
        w.flush(true);
        assertThat(tunnel.flushSizes).containsExactly(3, 3, 1);
        assertThat(tunnel.acknowledged).hasSize(7);
    }

    @Test
    void flushesWhenBufferedBytesReachMaxBytes() throws Exception {
        // each test record counts 32 bytes: 1024 bytes are reached by the 32nd record
        TunnelStreamSinkWriter<RowData> w =
                writer(
                        DS1,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        new FlushPolicy(1000, 1024, Duration.ZERO),
                        8);
        for (int i = 0; i < 40; i++) {
            w.write(row(i, "x", ""), null);
        }
        assertThat(tunnel.flushSizes).containsExactly(32);
    }

    @Test
    void deliveryGuaranteeNoneDoesNotFlushAtCheckpointsButAtEndOfInput() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(DS1, DeliveryGuarantee.NONE, FlushPolicy.defaults(), 8);
        w.write(row(1, "a", ""), null);
        w.flush(false);
        assertThat(tunnel.acknowledged).isEmpty();
        w.flush(true);
        assertThat(tunnel.acknowledged).hasSize(1);
    }

    @Test
    void timerFlushesAndReschedules() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(
                        DS1,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        new FlushPolicy(1000, 1 << 20, Duration.ofSeconds(5)),
                        8);
        assertThat(time.timers).containsExactly(5000L);
        w.write(row(1, "a", ""), null);
        time.fire();
        assertThat(tunnel.acknowledged).hasSize(1);
        assertThat(time.timers).containsExactly(10000L);
        w.close();
        time.fire();
        assertThat(time.timers).isEmpty();
    }

    @Test
    void dynamicPartitionsRouteRowsByTheirPartitionValues() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(null, DeliveryGuarantee.AT_LEAST_ONCE, FlushPolicy.defaults(), 8);
        w.write(row(1, "a", "20240101"), null);
        w.write(row(2, "b", "20240102"), null);
        w.write(row(3, "c", "20240101"), null);
        w.flush(false);
        assertThat(tunnel.rowsOf(DS1))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(1, "a"), values(3, "c"));
        assertThat(tunnel.rowsOf(DS2))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(2, "b"));
        assertThat(tunnel.openPacks.get()).isEqualTo(2);
    }

    @Test
    void aFlushNeedingMorePartitionsThanTheShareWaitsForTheFirstToBeFreed() throws Exception {
        RecordingSinkWriterMetricGroup group = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w = budgetWriter(2, Duration.ofSeconds(60), group);
        w.write(row(1, "a", "1"), null);
        clock.advance(10_000);
        w.write(row(2, "b", "2"), null);
        w.flush(false); // checkpoint at 10 s: both flushed, held until 70 s
        clock.advance(5_000);
        w.write(row(3, "c", "2"), null);
        w.write(row(4, "d", "3"), null); // buffered without waiting
        assertThat(tunnel.acknowledged).hasSize(2);
        assertThat(clock.sleeps).isEmpty();

        // checkpoint at 15 s: ds=2 (held) is sent, ds=3 needs a third partition: ds=1 (flushed
        // at 10 s) is free first, at 70 s
        w.flush(false);
        // in sleeps of at most a second each: the task never sits in one long sleep
        assertThat(clock.sleeps).hasSize(55).containsOnly(1_000L);
        assertThat(tunnel.released).containsExactly(PartitionSpec.parse("ds=1"));
        assertThat(tunnel.acknowledged).hasSize(4);
        assertThat(group.value("partitionWaitTimeMs")).isEqualTo(55_000L);
        assertThat(group.value("partitionsReleased")).isEqualTo(1L);
        assertThat(group.value("openPartitions")).isEqualTo(2);

        // ds=1 again at 70 s: ds=2 (flushed at 15 s) is free at 75 s
        w.write(row(5, "e", "1"), null);
        w.flush(false);
        assertThat(clock.sleeps).hasSize(60).containsOnly(1_000L);
        assertThat(group.value("partitionWaitTimeMs")).isEqualTo(60_000L);
        assertThat(group.value("slotWaitTimeMs")).isEqualTo(60_000L);
        assertThat(tunnel.released)
                .containsExactly(PartitionSpec.parse("ds=1"), PartitionSpec.parse("ds=2"));
        assertThat(ids(tunnel)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(group.value("openPartitions")).isEqualTo(2);
    }

    @Test
    void partitionsIdleForTheTimeoutAreReleasedAtTheNextCheckpoint() throws Exception {
        RecordingSinkWriterMetricGroup group = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w = budgetWriter(8, Duration.ofSeconds(60), group);
        w.write(row(1, "a", "1"), null);
        w.write(row(2, "b", "2"), null);
        w.flush(false);
        clock.advance(30_000);
        w.write(row(3, "c", "2"), null);
        w.flush(false); // ds=2 flushed again at 30 s
        assertThat(tunnel.released).isEmpty();
        clock.advance(30_000);
        w.flush(false); // 60 s: ds=1 idle for 60 s, ds=2 for 30 s
        assertThat(tunnel.released).containsExactly(PartitionSpec.parse("ds=1"));
        assertThat(group.value("openPartitions")).isEqualTo(1);
        assertThat(group.value("openSessions")).isEqualTo(1);
        clock.advance(30_000);
        w.flush(false);
        assertThat(tunnel.released)
                .containsExactly(PartitionSpec.parse("ds=1"), PartitionSpec.parse("ds=2"));
        assertThat(group.value("openSessions")).isEqualTo(0);
        assertThat(clock.sleeps).isEmpty();
        // a released partition is opened again for its next record
        w.write(row(4, "d", "1"), null);
        w.flush(false);
        assertThat(tunnel.rowsOf(PartitionSpec.parse("ds=1"))).hasSize(2);
        assertThat(tunnel.openPacks.get()).isEqualTo(3);
    }

    @Test
    void metricsCountSentRowsBytesRetriesAndThrottledTime() throws Exception {
        RecordingSinkWriterMetricGroup group = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w = budgetWriter(8, Duration.ofSeconds(60), group);
        tunnel.retriesPerFlush = 2;
        tunnel.backoffPerFlush = 3_000;
        w.write(row(1, "a", "1"), null);
        w.write(row(2, "b", "1"), null);
        w.write(row(3, "c", "2"), null);
        w.flush(false);
        assertThat(group.count("numRecordsSend")).isEqualTo(3);
        assertThat(group.count("rowsCommitted")).isEqualTo(3);
        // the in-memory pack reports half its encoded bytes as sent (compressed) bytes
        assertThat(group.count("numBytesSend")).isEqualTo(3 * 16L);
        assertThat(group.count("flushes")).isEqualTo(2);
        assertThat(group.count("retries")).isEqualTo(4);
        assertThat(group.count("throttledTimeMs")).isEqualTo(6_000);
        assertThat(group.count("numRecordsSendErrors")).isZero();
        assertThat(group.value("openPartitions")).isEqualTo(2);
        assertThat(group.value("openSessions")).isEqualTo(2);
        assertThat(group.value("currentSendTime")).isInstanceOf(Long.class);

        tunnel.failNextFlushes.set(1);
        w.write(row(4, "d", "1"), null);
        assertThatThrownBy(() -> w.flush(false)).isInstanceOf(java.io.IOException.class);
        assertThat(group.count("numRecordsSendErrors")).isEqualTo(1);
    }

    private TunnelStreamSinkWriter<RowData> budgetWriter(
            int share, Duration idle, RecordingSinkWriterMetricGroup group) throws Exception {
        return new TunnelStreamSinkWriter<>(
                "t",
                tunnel.connect(),
                new RowDataTunnelRecordSerializer(ROW_TYPE),
                null,
                null,
                BadRecordPolicy.FAIL,
                DeliveryGuarantee.AT_LEAST_ONCE,
                FlushPolicy.defaults(),
                new PartitionBudget(share, idle),
                group,
                time,
                clock,
                clock);
    }

    private static List<Long> ids(InMemoryStreamTunnel tunnel) {
        List<Long> ids = new ArrayList<>();
        synchronized (tunnel.acknowledged) {
            for (InMemoryStreamTunnel.Row r : tunnel.acknowledged) {
                ids.add((Long) r.values().get(0));
            }
        }
        return ids;
    }

    @Test
    void nullPartitionValueIsRejectedByName() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(null, DeliveryGuarantee.AT_LEAST_ONCE, FlushPolicy.defaults(), 8);
        assertThatThrownBy(() -> w.write(GenericRowData.of(1L, null, null), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Table t cannot take a record: Partition column 'ds' is NULL; set a"
                                + " default partition (setDefaultPartition) to write such records"
                                + " there");
    }

    @Test
    void partitionValueThatCannotNameAPartitionIsRejectedWithTheValue() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(null, DeliveryGuarantee.AT_LEAST_ONCE, FlushPolicy.defaults(), 8);
        assertThatThrownBy(() -> w.write(row(1, "a", "2024/01"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Table t cannot take a record: Partition column 'ds' has the value"
                                + " '2024/01', which cannot name a partition (no / = , quotes or"
                                + " control characters); set a default partition"
                                + " (setDefaultPartition) to write such records there");
        assertThatThrownBy(() -> w.write(row(2, "b", ""), null))
                .hasMessageStartingWith(
                        "Table t cannot take a record: Partition column 'ds' is empty;");
    }

    @Test
    void whitespaceAroundOrOnlyInAPartitionValueIsRejectedNotTrimmed() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(null, DeliveryGuarantee.AT_LEAST_ONCE, FlushPolicy.defaults(), 8);
        assertThatThrownBy(() -> w.write(row(1, "a", " 20240101"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Table t cannot take a record: Partition column 'ds' has the value"
                                + " ' 20240101', which cannot name a partition (leading or trailing"
                                + " whitespace); set a default partition (setDefaultPartition) to"
                                + " write such records there");
        assertThatThrownBy(() -> w.write(row(2, "b", "20240101\t"), null))
                .hasMessage(
                        "Table t cannot take a record: Partition column 'ds' has the value"
                                + " '20240101\\u0009', which cannot name a partition (leading or"
                                + " trailing whitespace); set a default partition"
                                + " (setDefaultPartition) to write such records there");
        assertThatThrownBy(() -> w.write(row(3, "c", "   "), null))
                .hasMessage(
                        "Table t cannot take a record: Partition column 'ds' has the value"
                                + " '   ', which cannot name a partition (only whitespace); set a"
                                + " default partition (setDefaultPartition) to write such records"
                                + " there");
        w.write(row(4, "d", "2024 01 01"), null);
        w.flush(false);
        assertThat(tunnel.rowsOf(PartitionSpec.parse("ds=2024 01 01")))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(4, "d"));
    }

    @Test
    void whitespacePartitionValuesGoToTheDefaultPartition() throws Exception {
        PartitionSpec unknown = PartitionSpec.parse("ds=unknown");
        TunnelStreamSinkWriter<RowData> w =
                new TunnelStreamSinkWriter<>(
                        "t",
                        tunnel.connect(),
                        new RowDataTunnelRecordSerializer(ROW_TYPE),
                        null,
                        unknown,
                        BadRecordPolicy.FAIL,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        FlushPolicy.defaults(),
                        new PartitionBudget(8, Duration.ZERO),
                        metrics,
                        time,
                        clock,
                        clock);
        w.write(row(1, "a", "  "), null);
        w.write(row(2, "b", "20240101 "), null);
        w.write(row(3, "c", "20240101"), null);
        w.flush(false);
        assertThat(tunnel.rowsOf(unknown))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(1, "a"), values(2, "b"));
        assertThat(tunnel.rowsOf(DS1))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(3, "c"));
    }

    @Test
    void unusablePartitionValuesGoToTheDefaultPartition() throws Exception {
        PartitionSpec unknown = PartitionSpec.parse("ds=unknown");
        TunnelStreamSinkWriter<RowData> w =
                new TunnelStreamSinkWriter<>(
                        "t",
                        tunnel.connect(),
                        new RowDataTunnelRecordSerializer(ROW_TYPE),
                        null,
                        unknown,
                        BadRecordPolicy.FAIL,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        FlushPolicy.defaults(),
                        new PartitionBudget(8, Duration.ZERO),
                        metrics,
                        time,
                        clock,
                        clock);
        w.write(GenericRowData.of(1L, StringData.fromString("a"), null), null);
        w.write(row(2, "b", "x\ny"), null);
        w.write(row(3, "c", "20240101"), null);
        w.flush(false);
        assertThat(tunnel.rowsOf(unknown))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(1, "a"), values(2, "b"));
        assertThat(tunnel.rowsOf(DS1))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(3, "c"));
    }

    /** A table whose {@code name} column is NOT NULL. */
    private static final TableSchema NOT_NULL_SCHEMA =
            new TableSchema(
                    List.of(
                            Column.of("id", "bigint"),
                            new Column(
                                    "name", Column.of("name", "string").type(), false, null, null)),
                    List.of(Column.of("ds", "string")));

    private TunnelStreamSinkWriter<RowData> notNullWriter(
            InMemoryStreamTunnel notNull,
            BadRecordPolicy policy,
            RecordingSinkWriterMetricGroup group)
            throws Exception {
        return new TunnelStreamSinkWriter<>(
                "t",
                notNull.connect(),
                new RowDataTunnelRecordSerializer(ROW_TYPE),
                null,
                null,
                policy,
                DeliveryGuarantee.AT_LEAST_ONCE,
                FlushPolicy.defaults(),
                new PartitionBudget(8, Duration.ZERO),
                group,
                time,
                clock,
                clock);
    }

    @Test
    void nullInANotNullColumnFailsNamingTheColumn() throws Exception {
        InMemoryStreamTunnel notNull = new InMemoryStreamTunnel(NOT_NULL_SCHEMA);
        TunnelStreamSinkWriter<RowData> w =
                notNullWriter(notNull, BadRecordPolicy.FAIL, new RecordingSinkWriterMetricGroup());
        assertThatThrownBy(
                        () ->
                                w.write(
                                        GenericRowData.of(
                                                1L, null, StringData.fromString("20240101")),
                                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Table t cannot take a record: Column 'name' is NOT NULL, but the value"
                                + " is NULL")
                .hasCauseInstanceOf(ValueConversionException.class);
    }

    @Test
    void skippedBadRecordsAreCountedAndTheGoodOnesWritten() throws Exception {
        InMemoryStreamTunnel notNull = new InMemoryStreamTunnel(NOT_NULL_SCHEMA);
        RecordingSinkWriterMetricGroup group = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w = notNullWriter(notNull, BadRecordPolicy.SKIP, group);
        w.write(GenericRowData.of(1L, null, StringData.fromString("20240101")), null);
        w.write(row(2, "b", "20240101"), null);
        w.write(GenericRowData.of(3L, StringData.fromString("c"), null), null);
        w.write(row(4, "d", "2024/01"), null);
        w.write(row(5, "e", "20240101"), null);
        w.flush(false);
        assertThat(notNull.rowsOf(DS1))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(values(2, "b"), values(5, "e"));
        assertThat(group.count("numRecordsSkipped")).isEqualTo(3);
        assertThat(group.count("numRecordsSend")).isEqualTo(2);
        assertThat(group.count("numRecordsSendErrors")).isZero();
        assertThat(group.count("flushes")).isEqualTo(1);
        // idle timeout 0: a flushed partition is released at the checkpoint
        assertThat(group.value("openPartitions")).isEqualTo(0);
        assertThat(group.value("partitionsReleased")).isEqualTo(1L);
        assertThat(group.count("numBytesSend")).isPositive();
        assertThat(group.value("currentSendTime")).isInstanceOf(Long.class);
    }

    @Test
    void defaultPartitionMustMatchTheTable() {
        assertThatThrownBy(
                        () ->
                                new TunnelStreamSinkWriter<>(
                                        "t",
                                        tunnel.connect(),
                                        new RowDataTunnelRecordSerializer(ROW_TYPE),
                                        null,
                                        PartitionSpec.parse("dt=unknown"),
                                        BadRecordPolicy.FAIL,
                                        DeliveryGuarantee.AT_LEAST_ONCE,
                                        FlushPolicy.defaults(),
                                        new PartitionBudget(8, Duration.ZERO),
                                        metrics,
                                        time,
                                        clock,
                                        clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Partition spec 'dt=unknown' does not match the partition keys of table t:"
                                + " expected [ds]");
    }

    @Test
    void failedFlushNamesTableAndPartitionAndCountsErrors() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(DS1, DeliveryGuarantee.AT_LEAST_ONCE, FlushPolicy.defaults(), 8);
        w.write(row(1, "a", ""), null);
        tunnel.failNextFlushes.set(1);
        assertThatThrownBy(() -> w.flush(false))
                .hasMessage(
                        "Flushing 1 records to table t partition ds=20240101 (stream session"
                                + " mem-ds=20240101) failed: injected flush failure");
        assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isEqualTo(1);
        assertThat(tunnel.acknowledged).isEmpty();
    }

    @Test
    void staticPartitionMustMatchTheTable() {
        assertThatThrownBy(
                        () ->
                                writer(
                                        PartitionSpec.parse("dt=1"),
                                        DeliveryGuarantee.AT_LEAST_ONCE,
                                        FlushPolicy.defaults(),
                                        8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Partition spec 'dt=1' does not match the partition keys of table t:"
                                + " expected [ds]");
    }

    @Test
    void closeReleasesSessionsAndClosesTheConnection() throws Exception {
        TunnelStreamSinkWriter<RowData> w =
                writer(DS1, DeliveryGuarantee.AT_LEAST_ONCE, FlushPolicy.defaults(), 8);
        w.write(row(1, "a", ""), (SinkWriter.Context) null);
        w.close();
        assertThat(tunnel.releasedPacks.get()).isEqualTo(1);
        assertThat(tunnel.closedConnections.get()).isEqualTo(1);
    }

    /** A clock that the writer's waits advance instead of sleeping. */
    private static final class FakeClock extends Clock implements Sleeper {
        final List<Long> sleeps = new ArrayList<>();
        private long millis = 1_000_000;

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public void sleep(long ms) {
            sleeps.add(ms);
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Timers fire only when the test says so. */
    private static final class ManualTimeService implements ProcessingTimeService {
        final List<Long> timers = new ArrayList<>();
        private final List<ProcessingTimeCallback> callbacks = new ArrayList<>();
        private long now;

        @Override
        public long getCurrentProcessingTime() {
            return now;
        }

        @Override
        public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
            timers.add(timestamp);
            callbacks.add(callback);
            return null;
        }

        void fire() throws Exception {
            long t = timers.remove(0);
            ProcessingTimeCallback c = callbacks.remove(0);
            now = t;
            c.onProcessingTime(t);
        }
    }
}
