package io.github.mctunnel.emulator.sql;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.catalog.TableDefinition;

import java.util.List;

/** A parsed statement the emulator can run. */
public sealed interface SqlStatement {

    record CreateTable(TableDefinition definition, boolean ifNotExists) implements SqlStatement {}

    record DropTable(TableIdentifier table, boolean ifExists) implements SqlStatement {}

    record AddPartitions(TableIdentifier table, boolean ifNotExists, List<PartitionSpec> partitions)
            implements SqlStatement {}

    record DropPartitions(TableIdentifier table, boolean ifExists, List<PartitionSpec> partitions)
            implements SqlStatement {}

    /** Truncates the given partitions, or the whole table when the list is empty. */
    record Truncate(TableIdentifier table, List<PartitionSpec> partitions)
            implements SqlStatement {}

    /** {@code SET key=value}: accepted and ignored. */
    record Set(String key, String value) implements SqlStatement {}
}
