package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Committed rows kept in their encoding: exact round trips, chunking, snapshots, durability. */
class CommittedRowsTest {

    private static final Clock CLOCK = Clock.systemUTC();
    private static final TableSchema SCHEMA =
            TableSchema.of(
                    List.of(
                            Column.of("id", "bigint"),
                            Column.of("name", "string"),
                            Column.of("amount", "decimal(18,3)"),
                            Column.of("tags", "array<string>")));

    @TempDir Path dir;

    private static Object[] row(long id) {
        return new Object[] {
            id,
            ("name-" + id + "-" + "x".repeat((int) (id % 50))).getBytes(StandardCharsets.UTF_8),
            id % 7 == 0 ? null : new BigDecimal(id + ".125"),
            List.of(("t" + id).getBytes(StandardCharsets.UTF_8))
        };
    }

    private static void assertRow(Object[] actual, long id) {
        Object[] expected = row(id);
        assertThat(actual[0]).isEqualTo(expected[0]);
        assertThat((byte[]) actual[1]).isEqualTo(expected[1]);
        assertThat(actual[2]).isEqualTo(expected[2]);
        assertThat((List<?>) actual[3]).hasSize(1);
        assertThat((byte[]) ((List<?>) actual[3]).get(0)).isEqualTo(((List<?>) expected[3]).get(0));
    }

    private static List<Object[]> rows(long from, long to) {
        List<Object[]> out = new ArrayList<>((int) (to - from));
        for (long i = from; i < to; i++) {
            out.add(row(i));
        }
        return out;
    }

    private static TableState table(Catalog c) {
        return c.createTable(TableDefinition.plain(TableIdentifier.of("p", "t"), SCHEMA), true);
    }

    @Test
    void trailerIsStrippedWhateverTheRowCount() {
        // Row counts around varint length boundaries of the trailer's count.
        for (int n : new int[] {1, 63, 64, 127, 128, 4095, 4096}) {
            RowChunkEncoder encoder = new RowChunkEncoder(SCHEMA.columns());
            for (Object[] r : rows(0, n)) {
                encoder.add(r);
            }
            List<RowChunk> chunks = encoder.finish();
            assertThat(chunks.stream().mapToInt(RowChunk::rowCount).sum()).isEqualTo(n);
            CommittedRows read =
                    new CommittedRows(
                            RowChunkEncoder.storageColumns(SCHEMA.columns()),
                            ChunkedRows.EMPTY.append(chunks));
            assertThat(read).hasSize(n);
            int i = 0;
            for (Object[] r : read) {
                assertRow(r, i++);
            }
            assertThat(i).isEqualTo(n);
        }
    }

    @Test
    void largeCommitIsSplitIntoChunksAndReadsBackExactlyFromAnyRow() {
        Catalog c = Catalog.inMemory(List.of("p"), CLOCK);
        TableState t = table(c);
        t.commit(Map.of(PartitionSpec.empty(), rows(0, 20_000)), false);
        CommittedRows snapshot = t.rows(PartitionSpec.empty());
        assertThat(snapshot.data().chunkCount()).isGreaterThan(4);
        assertThat(snapshot.rowCount()).isEqualTo(20_000);
        for (int i : new int[] {0, 1, 4095, 4096, 4097, 12_345, 19_999}) {
            assertRow(snapshot.get(i), i);
            Iterator<Object[]> it = snapshot.iterator(i);
            assertRow(it.next(), i);
        }
        long expected = 0;
        for (Object[] r : snapshot) {
            assertRow(r, expected++);
        }
        assertThat(expected).isEqualTo(20_000);
        assertThat(snapshot.iterator(20_000).hasNext()).isFalse();
        assertThatThrownBy(() -> snapshot.get(20_000))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("row 20000 of a partition with 20000 rows");
        // Far smaller than boxed rows: a few dozen bytes per row.
        assertThat(snapshot.encodedBytes()).isLessThan(20_000L * 100);
    }

    @Test
    void smallCommitsAreMergedAndEarlierSnapshotsDoNotChange() {
        Catalog c = Catalog.inMemory(List.of("p"), CLOCK);
        TableState t = table(c);
        List<CommittedRows> snapshots = new ArrayList<>();
        for (int commit = 0; commit < 300; commit++) {
            t.commit(Map.of(PartitionSpec.empty(), rows(commit * 10L, commit * 10L + 10)), false);
            snapshots.add(t.rows(PartitionSpec.empty()));
        }
        CommittedRows last = snapshots.get(299);
        assertThat(last.rowCount()).isEqualTo(3000);
        assertThat(last.data().chunkCount()).isLessThan(10);
        for (int commit : new int[] {0, 1, 150, 299}) {
            CommittedRows s = snapshots.get(commit);
            assertThat(s).hasSize((commit + 1) * 10);
            long expected = 0;
            for (Object[] r : s) {
                assertRow(r, expected++);
            }
        }
    }

    @Test
    void appendingToAnOlderVersionLeavesTheNewerOneIntact() {
        List<Column> columns = RowChunkEncoder.storageColumns(SCHEMA.columns());
        ChunkedRows base = ChunkedRows.EMPTY;
        for (int i = 0; i < 4; i++) {
            base = base.append(encode(i * 4096L, (i + 1) * 4096L));
        }
        ChunkedRows newer = base.append(encode(16_384, 20_480));
        ChunkedRows other = base.append(encode(100_000, 104_096));
        assertThat(new CommittedRows(columns, newer).get(16_384)[0]).isEqualTo(16_384L);
        assertThat(new CommittedRows(columns, newer).get(20_479)[0]).isEqualTo(20_479L);
        assertThat(new CommittedRows(columns, other).get(16_384)[0]).isEqualTo(100_000L);
        assertThat(new CommittedRows(columns, base)).hasSize(16_384);
    }

    private static List<RowChunk> encode(long from, long to) {
        RowChunkEncoder encoder = new RowChunkEncoder(SCHEMA.columns());
        for (Object[] r : rows(from, to)) {
            encoder.add(r);
        }
        return encoder.finish();
    }

    @Test
    void encodedRowsSurviveReopenAndOverwriteReplacesThem() throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            TableState t = table(c);
            t.commit(Map.of(PartitionSpec.empty(), rows(0, 5000)), false);
            t.commit(Map.of(PartitionSpec.empty(), rows(5000, 5003)), false);
        }
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            TableState t = c.table("p", null, "t");
            CommittedRows rows = t.rows(PartitionSpec.empty());
            assertThat(rows).hasSize(5003);
            long expected = 0;
            for (Object[] r : rows) {
                assertRow(r, expected++);
            }
            t.commit(Map.of(PartitionSpec.empty(), rows(7, 9)), true);
            assertThat(t.snapshot(PartitionSpec.empty()))
                    .extracting(r -> r[0])
                    .containsExactly(7L, 8L);
        }
    }

    @Test
    void aValueTheCodecRejectsIsARequestError() {
        Catalog c = Catalog.inMemory(List.of("p"), CLOCK);
        TableState t = table(c);
        Object[] bad = row(1);
        bad[0] = "not a number";
        assertThatThrownBy(
                        () -> t.commit(Map.of(PartitionSpec.empty(), List.of(row(0), bad)), false))
                .hasMessageStartingWith("A row of table p.t cannot be stored: ");
        assertThat(t.snapshot(PartitionSpec.empty())).isEmpty();
    }

    @Test
    void droppingATableLetsGoOfItsRows() {
        Catalog c = Catalog.inMemory(List.of("p"), CLOCK);
        TableState t = table(c);
        t.commit(Map.of(PartitionSpec.empty(), rows(0, 10)), false);
        List<TableState> dropped = new ArrayList<>();
        c.onTableDropped(dropped::add);
        c.dropTable(TableIdentifier.of("p", "t"), false);
        assertThat(dropped).containsExactly(t);
        assertThat(t.dropped()).isTrue();
        assertThatThrownBy(() -> t.snapshot(PartitionSpec.empty()))
                .hasMessage("The specified partition '' of table p.t does not exist.");
    }
}
