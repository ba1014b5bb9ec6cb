package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;

import java.util.ArrayList;
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

    private static Map<String, Object> column(Column c, int position) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("column_id", c.columnId() != null ? c.columnId() : Integer.toString(position));
        json.put("name", c.name());
        json.put("type", c.type().toString());
        json.put("nullable", c.nullable());
        json.put("comment", c.comment());
        json.put("default_value", "");
        return json;
    }
}
