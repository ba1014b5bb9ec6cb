package io.github.mctunnel.client.session;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The record layout of upsert packs (protocol spec 8.2): the table's data columns followed by
 * {@code __version}, {@code __app_version}, {@code __operation} (TINYINT {@code 'U'}/{@code 'D'}),
 * {@code __key_cols} and {@code __value_cols} (ARRAY&lt;BIGINT&gt;, always present, empty unless a
 * partial update). Rows are filled into caller-owned arrays, so nothing is allocated per record.
 *
 * <p>A partial update (tables with {@code enable_partial_update}, set by the table property {@code
 * acid.partial.fields.update.enable}) lists in {@code __value_cols} the service's {@code
 * column_id}s of the columns it updates ({@link #valueColumnIds}); the table keeps the other
 * columns of an existing row. The key columns identify the row and are not listed (as the official
 * SDKs' callers do).
 */
public final class UpsertRecordLayout {

    public static final byte OPERATION_UPSERT = 'U';
    public static final byte OPERATION_DELETE = 'D';
    private static final List<Long> NO_VALUE_COLUMNS = List.of();

    private final int dataColumns;
    private final TableSchema schema;
    private final List<Column> columns;
    private final int[] keyIndexes;
    private final List<String> keyNames;

    /**
     * @param keyColumns the primary-key ({@code hash_key}) column names
     * @throws IllegalArgumentException when a key column is not in the schema
     */
    public UpsertRecordLayout(TableSchema schema, List<String> keyColumns) {
        this.dataColumns = schema.columnCount();
        this.schema = schema;
        List<Column> all = new ArrayList<>(schema.columns());
        all.add(Column.of("__version", TypeInfo.parse("bigint")));
        all.add(Column.of("__app_version", TypeInfo.parse("bigint")));
        all.add(Column.of("__operation", TypeInfo.parse("tinyint")));
        all.add(Column.of("__key_cols", TypeInfo.parse("array<bigint>")));
        all.add(Column.of("__value_cols", TypeInfo.parse("array<bigint>")));
        this.columns = List.copyOf(all);
        this.keyIndexes = new int[keyColumns.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            int idx = schema.indexOf(keyColumns.get(i));
            if (idx < 0) {
                throw new IllegalArgumentException(
                        "primary key column '"
                                + keyColumns.get(i)
                                + "' is not a column of "
                                + schema.columnNames());
            }
            keyIndexes[i] = idx;
        }
        List<String> names = new ArrayList<>();
        for (String k : keyColumns) {
            names.add(k.toLowerCase(Locale.ROOT));
        }
        this.keyNames = List.copyOf(names);
    }

    /** Columns of an upsert record: data columns + the five meta columns. */
    public List<Column> columns() {
        return columns;
    }

    /** The number of the table's data columns (the record's first columns). */
    public int dataColumnCount() {
        return dataColumns;
    }

    /** A row array to be filled by {@link #fill}; reuse it across records. */
    public Object[] newRow() {
        return new Object[columns.size()];
    }

    /** Indexes of the primary-key columns in the data columns. */
    public int[] keyIndexes() {
        return keyIndexes.clone();
    }

    /**
     * The {@code __value_cols} of a partial update of {@code columns} (names, case-insensitive):
     * the {@code column_id}s of the non-key columns among them, in table order. Pass the result to
     * {@link #fill(Object[], Object[], byte, List)} for every record of that update.
     *
     * @throws IllegalArgumentException naming a column that is not in the schema or has no id
     */
    public List<Long> valueColumnIds(List<String> columns) {
        boolean[] updated = new boolean[dataColumns];
        for (String name : columns) {
            int idx = schema.indexOf(name);
            if (idx < 0) {
                throw new IllegalArgumentException(
                        "column '"
                                + name
                                + "' of the partial update is not a column of "
                                + schema.columnNames());
            }
            updated[idx] = true;
        }
        for (int k : keyIndexes) {
            updated[k] = false;
        }
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < dataColumns; i++) {
            if (!updated[i]) {
                continue;
            }
            Column c = schema.column(i);
            if (c.columnId() == null || c.columnId().isEmpty()) {
                throw new IllegalArgumentException(
                        "column '"
                                + c.name()
                                + "' has no column_id in the session's schema; partial updates"
                                + " need it");
            }
            try {
                ids.add(Long.parseLong(c.columnId().trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "column '" + c.name() + "' has a non-numeric column_id " + c.columnId());
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(
                    "a partial update needs at least one non-key column, got " + columns);
        }
        return List.copyOf(ids);
    }

    /**
     * Fills {@code row} with the data values and the meta columns of an upsert ({@link
     * #OPERATION_UPSERT}) or delete ({@link #OPERATION_DELETE}).
     *
     * @throws IllegalArgumentException when a primary-key value is null or the value count is wrong
     */
    public void fill(Object[] row, Object[] data, byte operation) {
        fill(row, data, operation, NO_VALUE_COLUMNS);
    }

    /**
     * Like {@link #fill(Object[], Object[], byte)}, for an upsert that updates only the columns
     * {@code valueColumnIds} (from {@link #valueColumnIds}; empty for all columns). A delete always
     * removes the whole row: its {@code __value_cols} is empty.
     */
    public void fill(Object[] row, Object[] data, byte operation, List<Long> valueColumnIds) {
        if (data.length != dataColumns) {
            throw new IllegalArgumentException(
                    "expected " + dataColumns + " values, got " + data.length);
        }
        for (int i = 0; i < keyIndexes.length; i++) {
            if (data[keyIndexes[i]] == null) {
                throw new IllegalArgumentException(
                        "primary key column '" + keyNames.get(i) + "' must not be null");
            }
        }
        System.arraycopy(data, 0, row, 0, dataColumns);
        row[dataColumns] = null;
        row[dataColumns + 1] = null;
        row[dataColumns + 2] = operation;
        row[dataColumns + 3] = null;
        row[dataColumns + 4] = operation == OPERATION_DELETE ? NO_VALUE_COLUMNS : valueColumnIds;
    }
}
