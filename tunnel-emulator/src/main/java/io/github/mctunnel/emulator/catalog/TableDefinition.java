package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code CREATE TABLE} declares.
 *
 * @param primaryKey primary-key column names (Delta tables), empty otherwise
 * @param transactional whether {@code "transactional"="true"} was set
 * @param bucketCount buckets of a Delta table ({@code write.bucket.num}, default 16); 0 for other
 *     tables
 * @param properties all TBLPROPERTIES, keys as written
 * @param lifecycleDays LIFECYCLE in days, or -1
 */
public record TableDefinition(
        TableIdentifier id,
        TableSchema schema,
        String comment,
        List<String> primaryKey,
        boolean transactional,
        int bucketCount,
        Map<String, String> properties,
        long lifecycleDays) {

    public static final int DEFAULT_BUCKET_COUNT = 16;

    public TableDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(schema, "schema");
        comment = comment == null ? "" : comment;
        primaryKey = List.copyOf(primaryKey);
        properties = Map.copyOf(properties);
        for (String k : primaryKey) {
            int i = schema.indexOf(k);
            if (i < 0) {
                throw new IllegalArgumentException(
                        "primary key column '" + k + "' is not a data column of " + id);
            }
            Column c = schema.column(i);
            if (c.nullable()) {
                throw new IllegalArgumentException(
                        "primary key column '" + c.name() + "' must be declared NOT NULL");
            }
        }
        if (!primaryKey.isEmpty() && !transactional) {
            throw new IllegalArgumentException(
                    "a table with a primary key must set TBLPROPERTIES (\"transactional\"=\"true\")");
        }
        if (bucketCount < 0) {
            throw new IllegalArgumentException("bucket count must not be negative");
        }
    }

    /** A plain (non-transactional) table. */
    public static TableDefinition plain(TableIdentifier id, TableSchema schema) {
        return new TableDefinition(id, schema, "", List.of(), false, 0, Map.of(), -1);
    }

    /** A Delta table with the given primary key and the default bucket count. */
    public static TableDefinition delta(
            TableIdentifier id, TableSchema schema, List<String> primaryKey) {
        return new TableDefinition(
                id,
                schema,
                "",
                primaryKey,
                true,
                DEFAULT_BUCKET_COUNT,
                Map.of("transactional", "true"),
                -1);
    }

    /** The lower-cased lookup key of a table name. */
    static String key(String project, String schemaOrNull, String table) {
        return (project + "." + (schemaOrNull == null ? "" : schemaOrNull) + "." + table)
                .toLowerCase(Locale.ROOT);
    }
}
