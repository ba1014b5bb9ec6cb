package io.github.mctunnel.client.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Data columns and partition keys of a table, in declaration order. */
public final class TableSchema {

    private final List<Column> columns;
    private final List<Column> partitionKeys;
    private final Map<String, Integer> columnIndex;

    public TableSchema(List<Column> columns, List<Column> partitionKeys) {
        this.columns = List.copyOf(columns);
        this.partitionKeys = List.copyOf(partitionKeys);
        this.columnIndex = new HashMap<>();
        for (int i = 0; i < this.columns.size(); i++) {
            String key = this.columns.get(i).name().toLowerCase(Locale.ROOT);
            if (columnIndex.put(key, i) != null) {
                throw new IllegalArgumentException(
                        "duplicate column " + this.columns.get(i).name());
            }
        }
        for (Column pk : this.partitionKeys) {
            if (columnIndex.containsKey(pk.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "partition key " + pk.name() + " is also a data column");
            }
        }
    }

    public static TableSchema of(List<Column> columns) {
        return new TableSchema(columns, List.of());
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Column> partitionKeys() {
        return partitionKeys;
    }

    public int columnCount() {
        return columns.size();
    }

    public Column column(int index) {
        return columns.get(index);
    }

    public boolean isPartitioned() {
        return !partitionKeys.isEmpty();
    }

    /** Index of a data column (case-insensitive), or -1. */
    public int indexOf(String name) {
        Integer i = columnIndex.get(name.toLowerCase(Locale.ROOT));
        return i == null ? -1 : i;
    }

    /**
     * The schema restricted to the given data columns, in the given order (the order a projected
     * download returns them in).
     *
     * @throws IllegalArgumentException naming the first unknown column
     */
    public TableSchema project(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a column projection needs at least one column");
        }
        List<Column> projected = new ArrayList<>(names.size());
        for (String n : names) {
            int i = indexOf(n);
            if (i < 0) {
                throw new IllegalArgumentException(
                        "column '" + n + "' is not a data column; columns are " + columnNames());
            }
            projected.add(columns.get(i));
        }
        return new TableSchema(projected, partitionKeys);
    }

    public List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.size());
        for (Column c : columns) {
            names.add(c.name());
        }
        return names;
    }

    public List<String> partitionKeyNames() {
        List<String> names = new ArrayList<>(partitionKeys.size());
        for (Column c : partitionKeys) {
            names.add(c.name());
        }
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSchema other
                && columns.equals(other.columns)
                && partitionKeys.equals(other.partitionKeys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns, partitionKeys);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(columns.get(i).name()).append(' ').append(columns.get(i).type());
        }
        sb.append(')');
        if (!partitionKeys.isEmpty()) {
            sb.append(" PARTITIONED BY (");
            for (int i = 0; i < partitionKeys.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(partitionKeys.get(i).name())
                        .append(' ')
                        .append(partitionKeys.get(i).type());
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
