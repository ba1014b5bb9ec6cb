package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.upsert.BucketHasher;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction keeps the table's final state: applying the compacted changes gives the same rows as
 * applying every change, for whole-row and partial-column upserts, over seeded random changelogs.
 */
class PendingChangesTest {

    private static final TableSchema SCHEMA =
            TableSchema.of(
                    List.of(
                            Column.of("id", "bigint"),
                            Column.of("a", "string"),
                            Column.of("b", "string")));
    private static final UpsertRecordLayout LAYOUT = new UpsertRecordLayout(SCHEMA, List.of("id"));
    private static final BucketHasher HASHER =
            new UpsertKeyDeclaration(List.of(Column.of("id", "bigint")), 4).newHasher();
    private static final byte U = UpsertRecordLayout.OPERATION_UPSERT;
    private static final byte D = UpsertRecordLayout.OPERATION_DELETE;

    /** Applies a record in layout form: a partial upsert sets only column a (and the key). */
    private static void apply(Map<Long, List<Object>> table, Object[] record, boolean partial) {
        long id = (Long) record[0];
        if ((Byte) record[SCHEMA.columnCount() + 2] == D) {
            table.remove(id);
        } else if (partial) {
            List<Object> row =
                    table.computeIfAbsent(id, k -> new ArrayList<>(Arrays.asList(null, null)));
            row.set(0, record[1]);
        } else {
            table.put(id, new ArrayList<>(Arrays.asList(record[1], record[2])));
        }
    }

    /** Drains copies of the records, STRING values (kept as their bytes) shown as text. */
    private static List<Object[]> drain(PendingChanges changes) throws Exception {
        List<Object[]> out = new ArrayList<>();
        changes.drainTo(
                r -> {
                    Object[] copy = r.clone();
                    for (int i = 0; i < copy.length; i++) {
                        if (copy[i] instanceof byte[] b) {
                            copy[i] = new String(b, StandardCharsets.UTF_8);
                        }
                    }
                    out.add(copy);
                });
        return out;
    }

    /**
     * Adds a change as the writer does: staged, all columns for an upsert and the key (column 0)
     * only for a delete.
     */
    private static void add(
            PendingChanges changes, TableSchema schema, Object[] values, byte op, List<Long> ids) {
        StagedRecord staged = new StagedRecord(schema.columns());
        for (int i = 0; i < values.length; i++) {
            staged.setValue(i, values[i]);
        }
        int[] fields = new int[values.length];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = op == D && i > 0 ? -1 : i;
        }
        changes.add(staged, fields, new Object[] {values[0]}, op, ids);
    }

    private static void add(PendingChanges changes, Object[] values, byte op, List<Long> ids) {
        add(changes, SCHEMA, values, op, ids);
    }

    @Test
    void wholeRowUpsertsKeepTheLastChangePerKeyInFirstChangeOrder() throws Exception {
        PendingChanges changes = new PendingChanges(LAYOUT, 1, HASHER, false);
        add(changes, new Object[] {1L, "a1", "b1"}, U, List.of());
        add(changes, new Object[] {2L, "x", "y"}, U, List.of());
        add(changes, new Object[] {1L, "a2", "b2"}, U, List.of());
        add(changes, new Object[] {2L, null, null}, D, List.of());
        List<Object[]> out = drain(changes);
        assertThat(out).hasSize(2);
        assertThat(Arrays.asList(out.get(0)).subList(0, 3)).containsExactly(1L, "a2", "b2");
        assertThat(out.get(1)[0]).isEqualTo(2L);
        assertThat(out.get(1)[5]).isEqualTo(D);
        assertThat(changes.isEmpty()).isTrue();
        assertThat(changes.estimatedBytes()).isZero();
    }

    @Test
    void partialUpsertsAfterADeleteAreSentAsTheDeleteAndTheLastUpsert() throws Exception {
        PendingChanges changes = new PendingChanges(LAYOUT, 1, HASHER, true);
        add(changes, new Object[] {1L, "a1", null}, U, List.of(2L));
        add(changes, new Object[] {1L, null, null}, D, List.of());
        add(changes, new Object[] {1L, "a2", null}, U, List.of(2L));
        add(changes, new Object[] {1L, "a3", null}, U, List.of(2L));
        List<Object[]> out = drain(changes);
        assertThat(out).extracting(r -> r[5]).containsExactly(D, U);
        assertThat(out.get(1)[1]).isEqualTo("a3");
    }

    @Test
    void randomChangelogsEndInTheSameStateCompactedOrNot() throws Exception {
        Random random = new Random(42);
        int tried = 0;
        for (boolean partial : new boolean[] {false, true}) {
            for (int run = 0; run < 500; run++) {
                PendingChanges changes = new PendingChanges(LAYOUT, 1, HASHER, partial);
                Map<Long, List<Object>> direct = new HashMap<>();
                Map<Long, List<Object>> compacted = new HashMap<>();
                // rows present before the window
                for (long id = 0; id < 5; id++) {
                    List<Object> row = new ArrayList<>(Arrays.asList("old" + id, "keep" + id));
                    direct.put(id, new ArrayList<>(row));
                    compacted.put(id, new ArrayList<>(row));
                }
                int n = 1 + random.nextInt(40);
                for (int i = 0; i < n; i++) {
                    long id = random.nextInt(8);
                    boolean delete = random.nextInt(3) == 0;
                    Object[] values =
                            delete
                                    ? new Object[] {id, null, null}
                                    : new Object[] {id, "a" + i, partial ? null : "b" + i};
                    Object[] record = LAYOUT.newRow();
                    LAYOUT.fill(record, values, delete ? D : U, List.of());
                    apply(direct, record, partial);
                    add(changes, values, delete ? D : U, List.of());
                }
                for (Object[] r : drain(changes)) {
                    apply(compacted, r, partial);
                }
                assertThat(compacted).as("run %d partial %s", run, partial).isEqualTo(direct);
                tried++;
            }
        }
        System.out.printf("compaction: %d random changelogs end in the same state%n", tried);
    }

    /** Two spellings of one DECIMAL key are one key for the service: one pending change. */
    @Test
    void keysAreComparedInTheServicesCanonicalForm() throws Exception {
        TableSchema schema =
                TableSchema.of(List.of(Column.of("k", "decimal(10,2)"), Column.of("a", "string")));
        UpsertRecordLayout layout = new UpsertRecordLayout(schema, List.of("k"));
        BucketHasher hasher =
                new UpsertKeyDeclaration(List.of(Column.of("k", "decimal(10,2)")), 4).newHasher();
        PendingChanges changes = new PendingChanges(layout, 1, hasher, false);
        add(changes, schema, new Object[] {new java.math.BigDecimal("1.0"), "a"}, U, List.of());
        add(changes, schema, new Object[] {new java.math.BigDecimal("1.00"), "b"}, U, List.of());
        add(changes, schema, new Object[] {new java.math.BigDecimal("1.0"), "c"}, U, List.of());
        List<Object[]> out = drain(changes);
        assertThat(out).hasSize(1);
        assertThat(out.get(0)[1]).isEqualTo("c");
    }

    /**
     * The service compares STRING keys as bytes: two keys of malformed UTF-8 that decode to the
     * same text are two rows, and compaction keeps both.
     */
    @Test
    void stringKeysAreComparedAsTheirBytes() throws Exception {
        TableSchema schema =
                TableSchema.of(List.of(Column.of("k", "string"), Column.of("v", "bigint")));
        UpsertRecordLayout layout = new UpsertRecordLayout(schema, List.of("k"));
        BucketHasher hasher =
                new UpsertKeyDeclaration(List.of(Column.of("k", "string")), 1).newHasher();
        PendingChanges changes = new PendingChanges(layout, 1, hasher, false);
        int[] all = {0, 1};
        for (Object[] change :
                List.of(
                        new Object[] {new byte[] {(byte) 0xFF}, 1L},
                        new Object[] {new byte[] {(byte) 0xFE}, 2L},
                        new Object[] {"a", 3L},
                        new Object[] {new byte[] {'a'}, 4L})) {
            StagedRecord staged = new StagedRecord(schema.columns());
            staged.setValue(0, change[0]);
            staged.setValue(1, change[1]);
            changes.add(staged, all, new Object[] {staged.value(0)}, U, List.of());
        }
        List<Object[]> out = drain(changes);
        assertThat(out).extracting(r -> r[1]).containsExactly(1L, 2L, 4L);
        assertThat(changes.records()).isZero();
    }

    @Test
    void aDeleteKeepsOnlyItsKeyAndNestedValuesCountTowardTheSizes() throws Exception {
        PendingChanges changes = new PendingChanges(LAYOUT, 1, HASHER, false);
        add(changes, new Object[] {1L, "x".repeat(1000), "y"}, D, List.of());
        assertThat(drain(changes).get(0)).startsWith(1L, null, null);

        TableSchema nested =
                TableSchema.of(List.of(Column.of("id", "bigint"), Column.of("a", "array<string>")));
        PendingChanges big =
                new PendingChanges(new UpsertRecordLayout(nested, List.of("id")), 1, HASHER, false);
        add(
                big,
                nested,
                new Object[] {1L, java.util.Collections.nCopies(1000, "z".repeat(100))},
                U,
                List.of());
        assertThat(big.encodedBytes()).isGreaterThan(100_000);
        assertThat(big.estimatedBytes()).isGreaterThan(100_000);
    }
}
