package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.convert.ValueConversionException;
import io.github.mctunnel.flink.coordination.CoordinatorGateways;
import io.github.mctunnel.flink.sink.BadRecordPolicy;
import io.github.mctunnel.flink.sink.RowDataTunnelRecordSerializer;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exactly-once writer against the emulator: bad records (NULL in a NOT NULL column, a value
 * over the field size limit, a NULL or unusable partition value) fail naming the column and value,
 * or are skipped and counted; unusable partition values go to the default partition when one is
 * set. Sessions are handed out by a test resolver instead of the coordinator and committed by the
 * test.
 */
class ExactlyOnceTunnelWriterTest {

    private static final RowType ROW_TYPE =
            (RowType)
                    DataTypes.ROW(
                                    DataTypes.FIELD("id", DataTypes.BIGINT()),
                                    DataTypes.FIELD("name", DataTypes.STRING()),
                                    DataTypes.FIELD("ds", DataTypes.STRING()))
                            .getLogicalType();

    private static TunnelEmulator emulator;
    private static TunnelConnectionOptions connection;
    private static TunnelClient client;
    private static int tables;

    private final List<ExactlyOnceTunnelWriter<RowData>> writers = new ArrayList<>();
    private final SkipCountingMetrics metrics = new SkipCountingMetrics();
    private String table;
    private TableIdentifier tableId;
    private String registryKey;
    private TunnelClientLease testLease;
    private final List<String> sessionsHandedOut = new ArrayList<>();
    private int parallelism = 1;
    private long blockTargetBytes = 1024 * 1024;
    private boolean withGateway = true;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        connection =
                TunnelConnectionOptions.builder()
                        .endpoint(emulator.odpsEndpoint())
                        .tunnelEndpoint(emulator.tunnelEndpoint())
                        .project(emulator.defaultProject())
                        .accessKey("ak", "sk")
                        .build();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void closeWriters() throws Exception {
        for (ExactlyOnceTunnelWriter<RowData> w : writers) {
            w.close();
        }
        CoordinatorGateways.unregister(registryKey);
        if (testLease != null) {
            testLease.close();
        }
        assertThat(emulator.attackRequests()).isEmpty();
    }

    private ExactlyOnceTunnelWriter<RowData> writer(
            PartitionSpec defaultPartition, BadRecordPolicy policy) throws Exception {
        table = "eo_w" + (++tables) + "_t";
        emulator.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT, name STRING NOT NULL) PARTITIONED BY (ds STRING)");
        testLease = SharedTunnelClients.jvm().acquire(connection);
        client = testLease.client();
        tableId = client.table(table);
        registryKey = CoordinatorGateways.key("sink", "job-" + table, 0, 0);
        if (withGateway) {
            CoordinatorGateways.register(
                    registryKey,
                    request -> {
                        String partition = ((SessionRequest) request).partition();
                        PartitionSpec spec = PartitionSpec.parse(partition);
                        client.meta().createPartition(tableId, spec, true);
                        String id = client.createUploadSession(tableId, spec, false).id();
                        sessionsHandedOut.add(id);
                        BlockIdRange range = BlockIdRange.of(0, parallelism);
                        return new SessionResponse(id, range.first(), range.size(), 0)
                                .toCoordinationResponse();
                    });
        }
        TunnelClientLease lease = SharedTunnelClients.jvm().acquire(connection);
        ExactlyOnceTunnelWriter<RowData> w;
        try {
            w =
                    new ExactlyOnceTunnelWriter<>(
                            table,
                            lease,
                            new RowDataTunnelRecordSerializer(ROW_TYPE),
                            null,
                            defaultPartition,
                            policy,
                            registryKey,
                            0,
                            parallelism,
                            0,
                            blockTargetBytes,
                            Compression.DEFAULT,
                            0,
                            metrics);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        writers.add(w);
        return w;
    }

    private static RowData row(long id, String name, String ds) {
        return GenericRowData.of(
                id,
                name == null ? null : StringData.fromString(name),
                ds == null ? null : StringData.fromString(ds));
    }

    /** Commits what the writer prepared, as the global committer would. */
    private void commit(Collection<BlockCommittable> committables) throws Exception {
        for (BlockCommittable c : committables) {
            client.attachUploadSession(tableId, PartitionSpec.parse(c.partition()), c.sessionId())
                    .commit(c.blockIds());
        }
    }

    private List<String> rows(String partition) {
        List<String> out = new ArrayList<>();
        for (Object[] r : emulator.committedRows(tableId, PartitionSpec.parse(partition))) {
            out.add(r[0] + ":" + new String((byte[]) r[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void badRecordsFailNamingTheColumnAndValue() throws Exception {
        ExactlyOnceTunnelWriter<RowData> w = writer(null, BadRecordPolicy.FAIL);
        assertThatThrownBy(() -> w.write(row(1, "a", null), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Partition column 'ds' is NULL; set a default partition"
                                + " (setDefaultPartition) to write such records there");
        assertThatThrownBy(() -> w.write(row(2, "b", "2024/01"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Partition column 'ds' has the value '2024/01', which cannot name a"
                                + " partition (no / = , quotes or control characters); set a"
                                + " default partition (setDefaultPartition) to write such"
                                + " records there");
        assertThatThrownBy(() -> w.write(row(3, null, "p1"), null))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage("Column 'name' is NOT NULL, but the value is NULL");
        String huge = "x".repeat(RecordStreamWriter.DEFAULT_MAX_FIELD_SIZE + 1);
        assertThatThrownBy(() -> w.write(row(4, huge, "p1"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'name' (string): the value is 8388609 bytes, more than the field"
                                + " size limit of 8388608 bytes (the project setting"
                                + " odps.sql.cfile2.field.maxsize)");
        assertThat(metrics.skipped.getCount()).isZero();
    }

    @Test
    void skippedBadRecordsAreCountedAndTheGoodOnesCommitted() throws Exception {
        ExactlyOnceTunnelWriter<RowData> w = writer(null, BadRecordPolicy.SKIP);
        w.write(row(1, "a", "p1"), null);
        w.write(row(2, "b", null), null);
        w.write(row(3, null, "p1"), null);
        w.write(row(4, "d", "2024/01"), null);
        w.write(row(5, "x".repeat(RecordStreamWriter.DEFAULT_MAX_FIELD_SIZE + 1), "p2"), null);
        w.write(row(6, "f", "p1"), null);
        w.write(row(7, "g", "p2"), null);
        Collection<BlockCommittable> committables = w.prepareCommit();
        commit(committables);
        assertThat(rows("ds=p1")).containsExactly("1:a", "6:f");
        assertThat(rows("ds=p2")).containsExactly("7:g");
        assertThat(metrics.skipped.getCount()).isEqualTo(4);
        assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(3);
        assertThat(committables)
                .extracting(BlockCommittable::partition, BlockCommittable::rowCount)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("ds=p1", 2L),
                        org.assertj.core.groups.Tuple.tuple("ds=p2", 1L));
    }

    @Test
    void unusablePartitionValuesGoToTheDefaultPartition() throws Exception {
        ExactlyOnceTunnelWriter<RowData> w =
                writer(PartitionSpec.parse("ds=unknown"), BadRecordPolicy.FAIL);
        w.write(row(1, "a", "p1"), null);
        w.write(row(2, "b", null), null);
        w.write(row(3, "c", ""), null);
        w.write(row(4, "d", "a=b"), null);
        w.write(row(5, "e", "p1"), null);
        commit(w.prepareCommit());
        assertThat(rows("ds=p1")).containsExactly("1:a", "5:e");
        assertThat(rows("ds=unknown")).containsExactly("2:b", "3:c", "4:d");
        assertThat(metrics.skipped.getCount()).isZero();
    }

    /** Hourly partitions: a writer holds buffers only for the partitions of the current epoch. */
    @Test
    void buffersOfPartitionsAnEpochDidNotWriteAreReleased() throws Exception {
        ExactlyOnceTunnelWriter<RowData> w = writer(null, BadRecordPolicy.FAIL);
        for (int hour = 0; hour < 48; hour++) {
            w.write(row(hour, "a", "h" + hour), null);
            w.write(row(1000 + hour, "b", "h" + hour), null);
            commit(w.prepareCommit());
            w.snapshotState(hour + 1);
            // the partition just written keeps its buffer for the next epoch; older ones are gone
            assertThat(w.bufferedPartitions()).isEqualTo(1);
        }
        assertThat(emulator.committedRows(tableId, PartitionSpec.parse("ds=h47")))
                .extracting(r -> r[0])
                .containsExactlyInAnyOrder(47L, 1047L);
    }

    @Test
    void aDefaultPartitionNotMatchingTheTableIsRefused() {
        assertThatThrownBy(() -> writer(PartitionSpec.parse("dt=unknown"), BadRecordPolicy.FAIL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dt=unknown")
                .hasMessageContaining("eo_w");
    }

    @Test
    void aRefusedBlockWriteNamesTablePartitionSessionBlockAndRequestId() throws Exception {
        ExactlyOnceTunnelWriter<RowData> w = writer(null, BadRecordPolicy.FAIL);
        w.write(row(1, "a", "p1"), null);
        emulator.faultPlan()
                .failNext(
                        1,
                        RequestMatcher.of("PUT", "/tables/" + table).withParam("blockid"),
                        400,
                        "InvalidArgument");
        assertThatThrownBy(w::prepareCommit)
                .hasMessage(
                        "write block of "
                                + emulator.defaultProject()
                                + "."
                                + table
                                + " (partition=ds=p1, session="
                                + sessionsHandedOut.get(0)
                                + ", block=0) failed: HTTP 400, ErrorCode=InvalidArgument,"
                                + " ErrorMessage=Injected fault: InvalidArgument, RequestId="
                                + lastRequestId(400));
    }

    @Test
    void aWriterWithoutItsGatewayNamesTheCause() throws Exception {
        withGateway = false;
        ExactlyOnceTunnelWriter<RowData> w = writer(null, BadRecordPolicy.FAIL);
        w.write(row(1, "a", "p1"), null);
        assertThatThrownBy(w::prepareCommit)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "The exactly-once Tunnel writer found no session gateway for its subtask:"
                                + " the sink's pre-write operator must be chained to the writer"
                                + " (do not disable operator chaining for the sink)");
    }

    @Test
    void anExhaustedBlockRangeNamesTheSettingsToChange() throws Exception {
        // 5,000 writers have one block id each per session and block generation
        parallelism = 5000;
        blockTargetBytes = 1024;
        ExactlyOnceTunnelWriter<RowData> w = writer(null, BadRecordPolicy.FAIL);
        // incompressible rows, each past the block target and the encoder's 64 KiB buffer
        java.util.Random random = new java.util.Random(1);
        StringBuilder wide = new StringBuilder();
        for (int i = 0; i < 256 * 1024; i++) {
            wide.append((char) ('!' + random.nextInt(90)));
        }
        String value = wide.toString();
        // the first block is written once the compressed buffer reaches the target, the second
        // needs a block id the writer does not have
        assertThatThrownBy(
                        () -> {
                            for (int i = 0; i < 64; i++) {
                                w.write(row(i, value, "p1"), null);
                            }
                        })
                .isInstanceOf(java.io.IOException.class)
                .hasMessage(
                        "Writer block range exhausted: 1 blocks of table "
                                + table
                                + " partition 'ds=p1' between two checkpoints; raise the block"
                                + " target size or checkpoint more often");
    }

    private static String lastRequestId(int status) {
        List<LoggedRequest> failed = emulator.requestLog().entries(r -> r.status() == status);
        assertThat(failed).isNotEmpty();
        return failed.get(failed.size() - 1).requestId();
    }

    /** Keeps the counters the writer registers. */
    private static final class SkipCountingMetrics extends UnregisteredMetricsGroup
            implements SinkWriterMetricGroup {
        private final Map<String, Counter> counters = new ConcurrentHashMap<>();
        final Counter skipped = counter("numRecordsSkipped");

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }

        @Override
        public MetricGroup addGroup(String name) {
            return this;
        }

        @Override
        public OperatorIOMetricGroup getIOMetricGroup() {
            return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
        }

        @Override
        public Counter getNumRecordsOutErrorsCounter() {
            return counter("numRecordsOutErrors");
        }

        @Override
        public Counter getNumRecordsSendErrorsCounter() {
            return counter("numRecordsSendErrors");
        }

        @Override
        public Counter getNumRecordsSendCounter() {
            return counter("numRecordsSend");
        }

        @Override
        public Counter getNumBytesSendCounter() {
            return counter("numBytesSend");
        }

        @Override
        public void setCurrentSendTimeGauge(Gauge<Long> gauge) {}
    }
}
