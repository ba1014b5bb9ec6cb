package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code Schema}/{@code schema} object of tunnel session responses: {@code columns} and {@code
 * partitionKeys}, each column with a string {@code column_id}, a boolean {@code nullable}, {@code
 * comment} and {@code default_value} (the shape every SDK accepts).
 */
final class SchemaJson {

    private SchemaJson() {}

    static Map<String, Object> of(TableSchema schema) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("IsVirtualView", false);
        int id = 1;
        List<Map<String, Object>> columns = new ArrayList<>(schema.columnCount());
        for (Column c : schema.columns()) {
            columns.add(column(c, id++));
        }
        List<Map<String, Object>> keys = new ArrayList<>(schema.partitionKeys().size());
        for (Column c : schema.partitionKeys()) {
            keys.add(column(c, id++));
        }
        json.put("columns", columns);
        json.put("partitionKeys", keys);
        return json;
    }

    /**
     * The {@code column_id} of each data column as {@link #of} gives it, to its index.
     *
     * @throws NumberFormatException when a declared id is not a number
     */
    static Map<Long, Integer> dataColumnIds(TableSchema schema) {
        Map<Long, Integer> ids = new HashMap<>();
        for (int i = 0; i < schema.columnCount(); i++) {
            ids.put(Long.parseLong(columnId(schema.column(i), i + 1)), i);
        }
        return ids;
    }

    private static String columnId(Column c, int position) {
        return c.columnId() != null ? c.columnId() : Integer.toString(position);
    }

    private static Map<String, Object> column(Column c, int position) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("column_id", columnId(c, position));
        json.put("name", c.name());
        json.put("type", c.type().toString());
        json.put("nullable", c.nullable());
        json.put("comment", c.comment());
        json.put("default_value", "");
        return json;
    }
}
