package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;
import io.github.mctunnel.flink.sink.stream.ClientStreamTunnelConnectionFactory;
import io.github.mctunnel.flink.sink.writer.PartitionBudget;
import io.github.mctunnel.flink.sink.writer.TunnelStreamSinkWriter;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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

/**
 * The at-least-once writer's stream sessions outlive the service's 24 h session lifetime: against
 * the emulator (whose sessions expire by its own clock), with the writer's clock driven by the
 * test. A session is replaced before a flush once it is 23 h old by the writer's clock; a flush the
 * service refuses because the session expired is sent once more through a new session. No row is
 * lost or written twice, and no request comes sooner than the retry policy allows.
 */
class TunnelStreamSinkSessionRenewalTest {

    private static final RowType ROW_TYPE =
            TunnelTypeMapping.toRowType(
                    List.of(
                            Column.of("id", "bigint"),
                            Column.of("name", "string"),
                            Column.of("ds", "string")));

    private static final Duration RENEW_AFTER = Duration.ofHours(23);

    private static TunnelEmulator emulator;

    private final FakeClock clock = new FakeClock();

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static TunnelConnectionOptions options() {
        return TunnelConnectionOptions.builder()
                .endpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(emulator.defaultProject())
                .accessKey("ak", "sk")
                .retryMaxDuration(Duration.ofSeconds(30))
                .build();
    }

    private static void createTable(String table) throws Exception {
        emulator.executeSql(
                "CREATE TABLE " + table + " (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
    }

    /** A writer whose connection ages its sessions by the test's clock, as the writer does. */
    private TunnelStreamSinkWriter<RowData> writer(
            String table, PartitionSpec staticPartition, RecordingSinkWriterMetricGroup metrics)
            throws IOException {
        return new TunnelStreamSinkWriter<>(
                table,
                new ClientStreamTunnelConnectionFactory(
                                options(), table, staticPartition, Compression.DEFAULT, RENEW_AFTER)
                        .connect(clock),
                new RowDataTunnelRecordSerializer(ROW_TYPE),
                staticPartition,
                null,
                BadRecordPolicy.FAIL,
                DeliveryGuarantee.AT_LEAST_ONCE,
                FlushPolicy.defaults(),
                new PartitionBudget(8, TunnelSinkBuilder.DEFAULT_PARTITION_IDLE_TIMEOUT),
                metrics,
                new NoTimers(),
                clock,
                clock);
    }

    private static RowData row(long id, String ds) {
        return GenericRowData.of(id, StringData.fromString("n" + id), StringData.fromString(ds));
    }

    /** Moves the writer's and the service's clocks forward together, as time passes. */
    private void timePasses(Duration d) {
        clock.advance(d.toMillis());
        emulator.advanceClock(d);
    }

    private static List<Long> ids(String table, String partition) {
        List<Long> ids = new ArrayList<>();
        for (Object[] r :
                emulator.committedRows(
                        TableIdentifier.of(emulator.defaultProject(), table),
                        PartitionSpec.parse(partition))) {
            ids.add(((Number) r[0]).longValue());
        }
        return ids;
    }

    private static List<LoggedRequest> requests(String table, String method, int status) {
        return emulator.requestLog()
                .entries(
                        r ->
                                r.path().endsWith("/" + table + "/streams")
                                        && r.method().equals(method)
                                        && (status == 0 || r.status() == status));
    }

    /** The sessions the writer flushed through, in order (one entry per acknowledged flush). */
    private static List<String> flushedSessions(String table) {
        List<String> ids = new ArrayList<>();
        for (LoggedRequest r : requests(table, "PUT", 200)) {
            ids.add(r.params().get("uploadid"));
        }
        return ids;
    }

    @Test
    void staticPartitionSessionIsRenewedBeforeItsLifetimeEnds() throws Exception {
        createTable("renew_static_t");
        emulator.executeSql("ALTER TABLE renew_static_t ADD PARTITION (ds='1')");
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w =
                writer("renew_static_t", PartitionSpec.parse("ds=1"), metrics);
        try {
            w.write(row(1, "1"), null);
            w.flush(false);
            timePasses(Duration.ofHours(22).plusMinutes(59));
            w.write(row(2, "1"), null);
            w.flush(false); // 22:59 old: still the first session
            assertThat(metrics.value("streamSessionsRenewed")).isEqualTo(0L);

            timePasses(Duration.ofMinutes(1));
            w.write(row(3, "1"), null);
            w.flush(false); // 23 h old: replaced before this flush, within its lifetime

            assertThat(metrics.value("streamSessionsRenewed")).isEqualTo(1L);
            assertThat(metrics.value("openSessions")).isEqualTo(1);
            List<String> sessions = flushedSessions("renew_static_t");
            assertThat(sessions).hasSize(3);
            assertThat(sessions.get(0)).isEqualTo(sessions.get(1));
            assertThat(sessions.get(2)).isNotEqualTo(sessions.get(0));

            // the first session's lifetime ends; the writer does not use it any more
            timePasses(Duration.ofHours(2));
            w.write(row(4, "1"), null);
            w.flush(false);
            assertThat(flushedSessions("renew_static_t").get(3)).isEqualTo(sessions.get(2));

            // and the second session is renewed 23 h after its creation
            timePasses(Duration.ofHours(21));
            w.write(row(5, "1"), null);
            w.flush(false);
            assertThat(metrics.value("streamSessionsRenewed")).isEqualTo(2L);
            assertThat(flushedSessions("renew_static_t").get(4))
                    .isNotIn(sessions.get(0), sessions.get(2));
        } finally {
            w.close();
        }
        assertThat(ids("renew_static_t", "ds=1")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(requests("renew_static_t", "PUT", 404)).isEmpty();
        assertThat(requests("renew_static_t", "POST", 0)).hasSize(3);
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void dynamicPartitionSessionIsRenewedOnceForAllPartitions() throws Exception {
        createTable("renew_dynamic_t");
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w = writer("renew_dynamic_t", null, metrics);
        try {
            w.write(row(1, "1"), null);
            w.write(row(2, "2"), null);
            w.flush(false);
            timePasses(Duration.ofHours(23));
            w.write(row(3, "1"), null);
            w.write(row(4, "2"), null);
            w.flush(false);
            assertThat(metrics.value("streamSessionsRenewed")).isEqualTo(1L);
            assertThat(metrics.value("openSessions")).isEqualTo(1);
            List<String> sessions = flushedSessions("renew_dynamic_t");
            assertThat(sessions).hasSize(4);
            assertThat(sessions.subList(2, 4)).containsOnly(sessions.get(2));
            assertThat(sessions.get(2)).isNotEqualTo(sessions.get(0));
        } finally {
            w.close();
        }
        assertThat(ids("renew_dynamic_t", "ds=1")).containsExactlyInAnyOrder(1L, 3L);
        assertThat(ids("renew_dynamic_t", "ds=2")).containsExactlyInAnyOrder(2L, 4L);
        assertThat(requests("renew_dynamic_t", "PUT", 404)).isEmpty();
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void flushRefusedBecauseTheSessionExpiredIsSentOnceThroughANewSession() throws Exception {
        createTable("expired_t");
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w = writer("expired_t", null, metrics);
        try {
            w.write(row(1, "1"), null);
            w.flush(false);
            // only the service's clock moves: the writer does not know its session expired
            emulator.advanceClock(Duration.ofHours(25));
            w.write(row(2, "1"), null);
            w.write(row(3, "2"), null);
            w.write(row(4, "2"), null);
            w.flush(false);

            // one refusal: the first pack replaced the session, the second used the new one
            List<LoggedRequest> refused = requests("expired_t", "PUT", 404);
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0).errorCode()).isEqualTo("NoSuchUpload");
            assertThat(metrics.value("streamSessionsExpired")).isEqualTo(1L);
            assertThat(metrics.value("streamSessionsRenewed")).isEqualTo(0L);
            assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(4);
            assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isZero();
            List<String> sessions = flushedSessions("expired_t");
            assertThat(sessions).hasSize(3);
            assertThat(sessions.subList(1, 3)).containsOnly(sessions.get(1));
            assertThat(sessions.get(1)).isNotEqualTo(refused.get(0).params().get("uploadid"));

            // and the writer goes on with the new session
            w.write(row(5, "1"), null);
            w.flush(false);
            assertThat(requests("expired_t", "PUT", 404)).hasSize(1);
        } finally {
            w.close();
        }
        assertThat(ids("expired_t", "ds=1")).containsExactlyInAnyOrder(1L, 2L, 5L);
        assertThat(ids("expired_t", "ds=2")).containsExactlyInAnyOrder(3L, 4L);
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void aPackIsSentAgainOnlyOnceAndARepeatedRefusalFailsTheFlush() throws Exception {
        createTable("refused_t");
        emulator.executeSql("ALTER TABLE refused_t ADD PARTITION (ds='1')");
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        TunnelStreamSinkWriter<RowData> w =
                writer("refused_t", PartitionSpec.parse("ds=1"), metrics);
        try {
            w.write(row(1, "1"), null);
            emulator.faultPlan()
                    .failNext(
                            2, RequestMatcher.of("PUT", "/refused_t/streams"), 404, "NoSuchUpload");
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ErrorCode=NoSuchUpload");
        } finally {
            w.close();
            emulator.faultPlan().clear();
        }
        assertThat(requests("refused_t", "PUT", 404)).hasSize(2);
        assertThat(requests("refused_t", "POST", 0)).hasSize(2);
        assertThat(ids("refused_t", "ds=1")).isEmpty();
        assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isEqualTo(1);
    }

    /** The writer's clock and sleeper: time moves only when the test says so. */
    private static final class FakeClock extends Clock implements Sleeper {
        private long millis = 1_000_000;

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public void sleep(long ms) {
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

    /** A time service whose timers never fire (flushes are driven by the test). */
    private static final class NoTimers implements ProcessingTimeService {
        @Override
        public long getCurrentProcessingTime() {
            return 0;
        }

        @Override
        public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
            return null;
        }
    }
}
