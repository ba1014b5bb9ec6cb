package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where each output field of a deserializer comes from, by field name: a data column (then it is
 * downloaded, in field order) or a partition key (then its value comes from the partition).
 */
final class FieldSources {

    /** Per field: index into the downloaded columns, or -1 - (index of the partition key). */
    private final int[] sources;

    private final List<Column> readColumns;
    private final List<Column> partitionKeys;

    private FieldSources(int[] sources, List<Column> readColumns, List<Column> partitionKeys) {
        this.sources = sources;
        this.readColumns = readColumns;
        this.partitionKeys = partitionKeys;
    }

    /**
     * Names match case-insensitively, as MaxCompute's do. When no field names a data column, the
     * table's first data column is downloaded along (a download needs one) and taken by no field.
     *
     * @throws IllegalArgumentException naming a field that is neither a data column nor a partition
     *     key
     */
    static FieldSources resolve(List<String> fieldNames, TableSchema schema) {
        int[] sources = new int[fieldNames.size()];
        List<Column> read = new ArrayList<>();
        List<String> keys = schema.partitionKeyNames();
        for (int i = 0; i < sources.length; i++) {
            String name = fieldNames.get(i);
            int data = schema.indexOf(name);
            if (data >= 0) {
                sources[i] = read.size();
                read.add(schema.column(data));
                continue;
            }
            int key = indexOfIgnoreCase(keys, name);
            if (key < 0) {
                throw new IllegalArgumentException(
                        "Field '"
                                + name
                                + "' is neither a column nor a partition key of the table; columns"
                                + " are "
                                + schema.columnNames()
                                + (keys.isEmpty() ? "" : ", partition keys are " + keys));
            }
            sources[i] = -1 - key;
        }
        if (read.isEmpty()) {
            if (schema.columnCount() == 0) {
                throw new IllegalArgumentException(
                        "Table has no data column to download; a download needs one");
            }
            // Only partition keys (or nothing) asked for: a download needs a data column, so the
            // first one is read along, and no field takes it.
            read.add(schema.column(0));
        }
        return new FieldSources(sources, read, schema.partitionKeys());
    }

    private static int indexOfIgnoreCase(List<String> names, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).toLowerCase(Locale.ROOT).equals(n)) {
                return i;
            }
        }
        return -1;
    }

    List<Column> readColumns() {
        return readColumns;
    }

    List<String> readColumnNames() {
        List<String> names = new ArrayList<>(readColumns.size());
        for (Column c : readColumns) {
            names.add(c.name());
        }
        return names;
    }

    /** True when every field is a data column, in download order, and no other is read. */
    boolean onlyDataColumns() {
        if (readColumns.size() != sources.length) {
            return false;
        }
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] != i) {
                return false;
            }
        }
        return true;
    }

    int fieldCount() {
        return sources.length;
    }

    boolean isDataColumn(int field) {
        return sources[field] >= 0;
    }

    int dataIndex(int field) {
        return sources[field];
    }

    Column partitionKey(int field) {
        return partitionKeys.get(-1 - sources[field]);
    }
}
