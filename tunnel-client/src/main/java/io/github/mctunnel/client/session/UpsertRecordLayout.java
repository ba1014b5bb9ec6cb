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
 */
public final class UpsertRecordLayout {

    public static final byte OPERATION_UPSERT = 'U';
    public static final byte OPERATION_DELETE = 'D';
    private static final List<Long> NO_VALUE_COLUMNS = List.of();

    private final int dataColumns;
    private final List<Column> columns;
    private final int[] keyIndexes;
    private final List<String> keyNames;

    /**
     * @param keyColumns the primary-key ({@code hash_key}) column names
     * @throws IllegalArgumentException when a key column is not in the schema
     */
    public UpsertRecordLayout(TableSchema schema, List<String> keyColumns) {
        this.dataColumns = schema.columnCount();
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

    /** A row array to be filled by {@link #fill}; reuse it across records. */
    public Object[] newRow() {
        return new Object[columns.size()];
    }

    /** Indexes of the primary-key columns in the data columns. */
    public int[] keyIndexes() {
        return keyIndexes.clone();
    }

    /**
     * Fills {@code row} with the data values and the meta columns of an upsert ({@link
     * #OPERATION_UPSERT}) or delete ({@link #OPERATION_DELETE}).
     *
     * @throws IllegalArgumentException when a primary-key value is null or the value count is wrong
     */
    public void fill(Object[] row, Object[] data, byte operation) {
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
        row[dataColumns + 4] = NO_VALUE_COLUMNS;
    }
}
