package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.comparable;
import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Batch upload and download of our client against the emulator, rows compared exactly. */
class BatchClientFlowsITCase {

    private static final int ROWS_PER_BLOCK = 120;

    private TunnelEmulator emulator;
    private TunnelClient client;

    @BeforeEach
    void start() throws Exception {
        emulator = ClientFlowsFixture.startEmulator();
        client = ClientFlowsFixture.client(emulator);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        emulator.close();
    }

    private static void writeBlock(
            UploadSession session, long blockId, Compression compression, List<Object[]> rows)
            throws TunnelException {
        long written =
                session.writeRecords(
                        blockId,
                        compression,
                        writer -> {
                            for (Object[] row : rows) {
                                writer.write(row);
                            }
                        });
        assertThat(written).isEqualTo(rows.size());
    }

    @Test
    void everyColumnTypeRoundTripsWithEveryCompression() throws Exception {
        emulator.executeSql("CREATE TABLE all_types (" + AllTypesRows.COLUMNS + ")");
        TableIdentifier table = client.table("all_types");
        UploadSession upload = client.createUploadSession(table, PartitionSpec.empty(), false);

        List<Object[]> expected = new ArrayList<>();
        List<Long> blocks = new ArrayList<>();
        for (Compression c : Compression.values()) {
            List<Object[]> rows = new AllTypesRows(1000 + c.ordinal()).rows(ROWS_PER_BLOCK);
            writeBlock(upload, c.ordinal(), c, rows);
            expected.addAll(rows);
            blocks.add((long) c.ordinal());
        }
        // Uploaded data is invisible until commit.
        assertThat(client.createDownloadSession(table, PartitionSpec.empty()).recordCount())
                .isZero();

        assertThat(upload.commit(blocks)).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(upload.commit(blocks)).isEqualTo(CommitOutcome.ALREADY_COMMITTED);
        assertThat(
                        client.attachUploadSession(table, PartitionSpec.empty(), upload.id())
                                .commit(blocks))
                .isEqualTo(CommitOutcome.ALREADY_COMMITTED);

        DownloadSession download = client.createDownloadSession(table, PartitionSpec.empty());
        assertThat(download.recordCount()).isEqualTo(expected.size());
        assertThat(download.schema().columnCount()).isEqualTo(AllTypesRows.COLUMN_COUNT);
        for (Compression c : Compression.values()) {
            List<Object[]> read =
                    readAll(download.openReader(0, expected.size(), null, c, false, 250));
            assertThat(comparable(read)).as("download with %s", c).isEqualTo(comparable(expected));
        }
        assertThat(emulator.committedRows(ClientFlowsFixture.PROJECT, "all_types", null))
                .hasSize(expected.size());
    }

    @Test
    void rowRangesAndProjectionInTheCallersOrder() throws Exception {
        emulator.executeSql("CREATE TABLE ranged (" + AllTypesRows.COLUMNS + ")");
        TableIdentifier table = client.table("ranged");
        UploadSession upload = client.createUploadSession(table, PartitionSpec.empty(), false);
        List<Object[]> expected = new AllTypesRows(7).rows(500);
        writeBlock(upload, 0, Compression.RAW, expected.subList(0, 200));
        writeBlock(upload, 1, Compression.ZSTD, expected.subList(200, 500));
        upload.commit(List.of(0L, 1L));

        DownloadSession download = client.createDownloadSession(table, PartitionSpec.empty());
        List<String> projection = List.of("c_struct", "c_bigint", "c_string", "c_map");
        int[] indexes = {21, 0, 7, 20};
        for (long[] range : new long[][] {{0, 1}, {137, 301}, {199, 2}, {499, 1}, {0, 500}}) {
            int start = (int) range[0];
            int count = (int) range[1];
            List<Object[]> read =
                    readAll(
                            download.openReader(
                                    start, count, projection, Compression.DEFLATE, false, 64));
            List<Object[]> want = new ArrayList<>();
            for (Object[] row : expected.subList(start, start + count)) {
                Object[] projected = new Object[indexes.length];
                for (int i = 0; i < indexes.length; i++) {
                    projected[i] = row[indexes[i]];
                }
                want.add(projected);
            }
            assertThat(comparable(read))
                    .as("rows [%d, %d)", start, start + count)
                    .isEqualTo(comparable(want));
        }

        assertThatThrownBy(() -> download.openReader(450, 51, null, Compression.RAW, false, 100))
                .isInstanceOf(TunnelException.class)
                .hasMessageContaining("500");
    }

    @Test
    void aRewrittenBlockIdReplacesTheBlock() throws Exception {
        emulator.executeSql("CREATE TABLE rewritten (" + AllTypesRows.COLUMNS + ")");
        TableIdentifier table = client.table("rewritten");
        UploadSession upload = client.createUploadSession(table, PartitionSpec.empty(), false);
        List<Object[]> first = new AllTypesRows(1).rows(30);
        List<Object[]> second = new AllTypesRows(2).rows(10);
        List<Object[]> other = new AllTypesRows(3).rows(5);
        writeBlock(upload, 7, Compression.LZ4, first);
        writeBlock(upload, 3, Compression.RAW, other);
        writeBlock(upload, 7, Compression.SNAPPY, second);
        assertThat(upload.blockList()).containsExactlyInAnyOrder(3L, 7L);
        upload.commit(List.of(3L, 7L));

        DownloadSession download = client.createDownloadSession(table, PartitionSpec.empty());
        List<Object[]> expected = new ArrayList<>(other);
        expected.addAll(second);
        assertThat(download.recordCount()).isEqualTo(expected.size());
        assertThat(comparable(readAll(download.openReader(0, 15, null, null, false, 100))))
                .containsExactlyInAnyOrderElementsOf(comparable(expected));
    }

    @Test
    void overwriteReplacesOnlyItsPartition() throws Exception {
        emulator.executeSql(
                "CREATE TABLE parted (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableIdentifier table = client.table("parted");
        PartitionSpec day1 = PartitionSpec.parse("ds=20240101");
        PartitionSpec day2 = PartitionSpec.parse("ds=20240102");
        client.meta().createPartition(table, day1, false);
        client.meta().createPartition(table, day2, false);

        upload(table, day1, false, new Object[] {1L, "a"}, new Object[] {2L, "b"});
        upload(table, day2, false, new Object[] {10L, "x"});
        upload(table, day1, false, new Object[] {3L, "c"});
        assertThat(rows(table, day1))
                .containsExactlyInAnyOrder(List.of(1L, "a"), List.of(2L, "b"), List.of(3L, "c"));

        upload(table, day1, true, new Object[] {4L, "overwritten"});
        assertThat(rows(table, day1)).containsExactly(List.of(4L, "overwritten"));
        assertThat(rows(table, day2)).containsExactly(List.of(10L, "x"));
    }

    @Test
    void aPartitionSpecThatDoesNotMatchTheTableIsRejectedByTheClient() throws Exception {
        emulator.executeSql("CREATE TABLE keyed (id BIGINT) PARTITIONED BY (ds STRING)");
        assertThatThrownBy(
                        () ->
                                client.createUploadSession(
                                        client.table("keyed"),
                                        PartitionSpec.parse("dt=20240101"),
                                        false))
                .isInstanceOf(TunnelException.class)
                .hasMessageContaining("ds");
    }

    private void upload(
            TableIdentifier table, PartitionSpec partition, boolean overwrite, Object[]... rows)
            throws TunnelException {
        UploadSession session = client.createUploadSession(table, partition, overwrite);
        writeBlock(session, 0, Compression.DEFLATE, List.of(rows));
        assertThat(session.commit(List.of(0L))).isEqualTo(CommitOutcome.COMMITTED);
    }

    private List<List<Object>> rows(TableIdentifier table, PartitionSpec partition)
            throws Exception {
        DownloadSession download = client.createDownloadSession(table, partition);
        return comparable(
                readAll(
                        download.openReader(
                                0, download.recordCount(), null, Compression.RAW, false, 100)));
    }
}
