package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;
import io.github.mctunnel.flink.sink.stream.ClientStreamTunnelConnectionFactory;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a user reads when the stream sink fails against the service: the table, the partition, the
 * stream session and the service's request id; for a bad partition value, the column and value.
 */
class TunnelStreamSinkErrorsTest {

    private static final RowType ROW_TYPE =
            TunnelTypeMapping.toRowType(
                    List.of(
                            Column.of("id", "bigint"),
                            Column.of("name", "string"),
                            Column.of("ds", "string")));

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        emulator.executeSql(
                "CREATE TABLE err_t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        emulator.executeSql(
                "CREATE TABLE throttle_t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        emulator.executeSql("CREATE TABLE plain_t (id BIGINT, name STRING)");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static TunnelConnectionOptions options(Duration retryMaxDuration) {
        return TunnelConnectionOptions.builder()
                .endpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(emulator.defaultProject())
                .accessKey("ak", "sk")
                .retryMaxDuration(retryMaxDuration)
                .build();
    }

    private static TunnelStreamSinkWriter<RowData> writer(String table, Duration retryMaxDuration)
            throws IOException {
        return new TunnelStreamSinkWriter<>(
                table,
                new ClientStreamTunnelConnectionFactory(
                                options(retryMaxDuration), table, null, Compression.DEFAULT)
                        .connect(),
                new RowDataTunnelRecordSerializer(ROW_TYPE),
                null,
                DeliveryGuarantee.AT_LEAST_ONCE,
                FlushPolicy.defaults(),
                8,
                new RecordingSinkWriterMetricGroup(),
                new NoTimers());
    }

    private static RowData row(long id, String ds) {
        return GenericRowData.of(id, StringData.fromString("n" + id), StringData.fromString(ds));
    }

    /** The last answer with this status, from the emulator's request log. */
    private static LoggedRequest lastAnswer(int status) {
        List<LoggedRequest> answers = emulator.requestLog().entries(r -> r.status() == status);
        assertThat(answers).isNotEmpty();
        return answers.get(answers.size() - 1);
    }

    @Test
    void refusedFlushNamesTablePartitionSessionAndRequestId() throws Exception {
        TunnelStreamSinkWriter<RowData> w = writer("err_t", Duration.ofMinutes(1));
        w.write(row(1, "20240101"), null);
        emulator.faultPlan()
                .failNext(
                        1, RequestMatcher.of("PUT", "/err_t/streams"), 400, "MalformedDataStream");
        try {
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(IOException.class)
                    .satisfies(
                            e -> {
                                LoggedRequest refused = lastAnswer(400);
                                String session = refused.params().get("uploadid");
                                assertThat(e)
                                        .hasMessage(
                                                "Flushing 1 records to table err_t partition"
                                                        + " ds=20240101 (stream session "
                                                        + session
                                                        + ") failed: flush stream pack of "
                                                        + emulator.defaultProject()
                                                        + ".err_t (partition=ds=20240101,"
                                                        + " session="
                                                        + session
                                                        + ") failed: HTTP 400,"
                                                        + " ErrorCode=MalformedDataStream,"
                                                        + " ErrorMessage=Injected fault:"
                                                        + " MalformedDataStream, RequestId="
                                                        + refused.requestId());
                            });
        } finally {
            w.close();
        }
    }

    @Test
    void flushStillThrottledWhenRetriesRunOutNamesTheThrottle() throws Exception {
        TunnelStreamSinkWriter<RowData> w = writer("throttle_t", Duration.ofMillis(500));
        w.write(row(2, "20240102"), null);
        emulator.faultPlan()
                .failNext(
                        1, RequestMatcher.of("PUT", "/throttle_t/streams"), 429, "SlotExceeded", 5);
        try {
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(IOException.class)
                    .satisfies(
                            e -> {
                                LoggedRequest refused = lastAnswer(429);
                                assertThat(e.getMessage())
                                        .startsWith(
                                                "Flushing 1 records to table throttle_t partition"
                                                        + " ds=20240102 (stream session "
                                                        + refused.params().get("uploadid")
                                                        + ") failed: ")
                                        .endsWith(
                                                "HTTP 429, ErrorCode=SlotExceeded,"
                                                        + " ErrorMessage=Injected fault:"
                                                        + " SlotExceeded, RequestId="
                                                        + refused.requestId());
                            });
        } finally {
            w.close();
        }
        // the refused request was not retried sooner than its Retry-After: it was not retried
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void missingTableFailsNamingTheTableAndRequestId() {
        assertThatThrownBy(() -> writer("no_such_t", Duration.ofMinutes(1)))
                .satisfies(
                        e -> {
                            LoggedRequest refused = lastAnswer(404);
                            assertThat(e)
                                    .hasMessage(
                                            "create stream upload session of "
                                                    + emulator.defaultProject()
                                                    + ".no_such_t failed: HTTP 404,"
                                                    + " ErrorCode=NoSuchTable, ErrorMessage=The"
                                                    + " specified table '"
                                                    + emulator.defaultProject()
                                                    + ".no_such_t' does not exist.,"
                                                    + " RequestId="
                                                    + refused.requestId());
                        });
    }

    @Test
    void dynamicPartitionsOnATableWithoutPartitionsFailNamingTheTable() {
        assertThatThrownBy(() -> writer("plain_t", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Dynamic partitioning was configured, but table plain_t is not"
                                + " partitioned");
    }

    @Test
    void badPartitionValueNamesTableColumnAndValue() throws Exception {
        TunnelStreamSinkWriter<RowData> w = writer("err_t", Duration.ofMinutes(1));
        try {
            assertThatThrownBy(() -> w.write(row(3, "a=b"), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "Table err_t cannot take a record: Partition column 'ds' has the"
                                    + " value 'a=b', which cannot name a partition (no / = ,"
                                    + " quotes or control characters); set a default partition"
                                    + " (setDefaultPartition) to write such records there");
        } finally {
            w.close();
        }
    }

    /** A time service whose timers never fire (the flush timer is off anyway). */
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
