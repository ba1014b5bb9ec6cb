package io.github.mctunnel.client.schema;

import java.util.Objects;

/**
 * A table's three-level name: project, optional schema (namespace), table.
 *
 * @param project project name
 * @param schema schema (namespace) name, or null for two-level names
 * @param table table name
 */
public record TableIdentifier(String project, String schema, String table) {

    public TableIdentifier {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(table, "table");
        if (project.isBlank() || table.isBlank()) {
            throw new IllegalArgumentException("project and table must not be blank");
        }
        if (schema != null && schema.isBlank()) {
            schema = null;
        }
    }

    public static TableIdentifier of(String project, String table) {
        return new TableIdentifier(project, null, table);
    }

    /** {@code project.table} or {@code project.schema.table}, for messages. */
    @Override
    public String toString() {
        return schema == null ? project + "." + table : project + "." + schema + "." + table;
    }
}
