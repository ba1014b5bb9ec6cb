package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One durable change of the catalog, as written to (and replayed from) the catalog log. */
sealed interface CatalogEvent extends Serializable {

    /** Wall-clock time of the change, epoch milliseconds. */
    long atMillis();

    record ProjectCreated(long atMillis, String project) implements CatalogEvent {}

    record TableCreated(
            long atMillis,
            String project,
            String schema,
            String table,
            List<StoredColumn> columns,
            List<StoredColumn> partitionKeys,
            String comment,
            List<String> primaryKey,
            boolean transactional,
            int bucketCount,
            Map<String, String> properties,
            long lifecycleDays)
            implements CatalogEvent {

        static TableCreated of(long at, TableDefinition d) {
            return new TableCreated(
                    at,
                    d.id().project(),
                    d.id().schema(),
                    d.id().table(),
                    StoredColumn.of(d.schema().columns()),
                    StoredColumn.of(d.schema().partitionKeys()),
                    d.comment(),
                    new ArrayList<>(d.primaryKey()),
                    d.transactional(),
                    d.bucketCount(),
                    new java.util.LinkedHashMap<>(d.properties()),
                    d.lifecycleDays());
        }

        TableDefinition definition() {
            return new TableDefinition(
                    new TableIdentifier(project, schema, table),
                    new TableSchema(
                            StoredColumn.toColumns(columns), StoredColumn.toColumns(partitionKeys)),
                    comment,
                    primaryKey,
                    transactional,
                    bucketCount,
                    properties,
                    lifecycleDays);
        }
    }

    record TableDropped(long atMillis, String tableKey) implements CatalogEvent {}

    /**
     * @param partition the partition in tunnel form (what logs before {@code stored} held)
     * @param stored the partition's keys and values as they are, or null in earlier logs
     */
    record PartitionCreated(
            long atMillis, String tableKey, String partition, StoredPartition stored)
            implements CatalogEvent {
        PartitionSpec spec() {
            return StoredPartition.spec(stored, partition);
        }
    }

    record PartitionDropped(
            long atMillis, String tableKey, String partition, StoredPartition stored)
            implements CatalogEvent {
        PartitionSpec spec() {
            return StoredPartition.spec(stored, partition);
        }
    }

    /**
     * Rows of one commit: partition spec (tunnel form) to the encoded rows.
     *
     * @param stored each partition's keys and values by its tunnel form, or null in earlier logs
     */
    record RowsCommitted(
            long atMillis,
            String tableKey,
            Map<String, List<RowChunk>> chunksByPartition,
            boolean overwrite,
            Map<String, StoredPartition> stored)
            implements CatalogEvent {
        PartitionSpec spec(String partition) {
            return StoredPartition.spec(stored == null ? null : stored.get(partition), partition);
        }
    }

    record UpsertsApplied(
            long atMillis,
            String tableKey,
            String partition,
            List<Object[]> upserts,
            List<Object[]> deletes,
            StoredPartition stored)
            implements CatalogEvent {
        PartitionSpec spec() {
            return StoredPartition.spec(stored, partition);
        }
    }

    /** Truncates one partition, or every partition when {@code partition} is null. */
    record Truncated(long atMillis, String tableKey, String partition, StoredPartition stored)
            implements CatalogEvent {
        /** The partition, or null for all of them. */
        PartitionSpec spec() {
            return partition == null ? null : StoredPartition.spec(stored, partition);
        }
    }

    /**
     * A partition as stored in the log: its keys and values as they are, so that replaying never
     * re-parses text (a value the tunnel form cannot carry cannot brick a data directory).
     */
    record StoredPartition(List<String> keys, List<String> values) implements Serializable {

        static StoredPartition of(PartitionSpec spec) {
            return new StoredPartition(
                    new ArrayList<>(spec.keys()), new ArrayList<>(spec.values().values()));
        }

        /** The spec of {@code stored}, or of the tunnel form {@code text} in earlier logs. */
        static PartitionSpec spec(StoredPartition stored, String text) {
            if (stored == null) {
                return PartitionSpec.parse(text);
            }
            Map<String, String> kv = new java.util.LinkedHashMap<>();
            for (int i = 0; i < stored.keys.size(); i++) {
                kv.put(stored.keys.get(i), stored.values.get(i));
            }
            return PartitionSpec.of(kv);
        }
    }

    /** A column as stored in the log: its type as the service spells it. */
    record StoredColumn(String name, String type, boolean nullable, String comment)
            implements Serializable {

        static List<StoredColumn> of(List<Column> columns) {
            List<StoredColumn> out = new ArrayList<>(columns.size());
            for (Column c : columns) {
                out.add(new StoredColumn(c.name(), c.type().toString(), c.nullable(), c.comment()));
            }
            return out;
        }

        static List<Column> toColumns(List<StoredColumn> stored) {
            List<Column> out = new ArrayList<>(stored.size());
            for (StoredColumn s : stored) {
                out.add(new Column(s.name, TypeInfo.parse(s.type), s.nullable, s.comment, null));
            }
            return out;
        }
    }
}
