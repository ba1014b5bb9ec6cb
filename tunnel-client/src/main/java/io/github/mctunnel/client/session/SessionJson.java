package io.github.mctunnel.client.session;

import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reads the parts of session JSON shared by all session kinds. */
final class SessionJson {

    private SessionJson() {}

    /** The schema object ({@code columns}, {@code partitionKeys}) of a session response. */
    static TableSchema schema(JsonNode schema, ErrorContext context) throws TunnelException {
        if (schema == null || !schema.isObject()) {
            throw TunnelException.local(context, "the session response has no schema");
        }
        try {
            return new TableSchema(
                    columns(schema.get("columns")), columns(schema.get("partitionKeys")));
        } catch (IllegalArgumentException e) {
            throw TunnelException.local(
                    context, "invalid schema in session response: " + e.getMessage());
        }
    }

    private static List<Column> columns(JsonNode array) {
        List<Column> columns = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return columns;
        }
        for (JsonNode c : array) {
            JsonNode nullable = c.get("nullable");
            boolean isNullable =
                    nullable == null
                            || nullable.isNull()
                            || (nullable.isBoolean()
                                    ? nullable.booleanValue()
                                    : !"false".equalsIgnoreCase(nullable.asText()));
            columns.add(
                    new Column(
                            c.path("name").asText(),
                            TypeInfo.parse(c.path("type").asText()),
                            isNullable,
                            text(c, "comment"),
                            text(c, "column_id")));
        }
        return columns;
    }

    /**
     * Checks that the partition spec names exactly the table's partition keys (a spec for a
     * non-partitioned table, a missing or partial spec for a partitioned one are errors).
     */
    static void checkPartition(
            io.github.mctunnel.client.schema.PartitionSpec partition,
            TableSchema schema,
            io.github.mctunnel.client.schema.TableIdentifier table,
            ErrorContext context)
            throws TunnelException {
        try {
            partition.validateAgainst(schema, table.toString());
        } catch (IllegalArgumentException e) {
            throw TunnelException.local(context, e.getMessage());
        }
    }

    /** A field as text (numbers included), or null when absent. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A required text field. */
    static String required(JsonNode node, String field, ErrorContext context)
            throws TunnelException {
        String v = text(node, field);
        if (v == null || v.isEmpty()) {
            throw TunnelException.local(context, "the session response has no '" + field + "'");
        }
        return v;
    }
}
