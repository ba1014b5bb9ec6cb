package io.github.mctunnel.client.meta;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;

import java.util.List;

/**
 * Table metadata from the ODPS meta service.
 *
 * @param id the table
 * @param schema data columns and partition keys
 * @param transactional whether the table is transactional (Delta tables are)
 * @param primaryKey primary-key column names, empty when none
 * @param schemaVersion the table's schema version, or null when not reported
 */
public record TableInfo(
        TableIdentifier id,
        TableSchema schema,
        boolean transactional,
        List<String> primaryKey,
        String schemaVersion) {

    public TableInfo {
        primaryKey = List.copyOf(primaryKey);
    }

    /** A Delta table: transactional with a primary key (written through upsert sessions). */
    public boolean isDeltaTable() {
        return transactional && !primaryKey.isEmpty();
    }
}
