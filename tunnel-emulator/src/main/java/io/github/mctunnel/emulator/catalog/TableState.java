package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.server.ServiceException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One table: its definition and committed rows per partition. Reads are lock-free snapshots;
 * changes are durable (when the catalog is persistent) and atomic.
 *
 * <p>Row values follow the client codec's Java mapping with STRING as {@code byte[]}. Committed
 * rows are kept in their record-stream encoding ({@link RowChunk}s) and decoded when read.
 */
public final class TableState {

    private final Catalog catalog;
    private final TableDefinition definition;
    private final String key;
    private final long createdMillis;
    private final int[] primaryKeyIndexes;
    private final List<Column> storageColumns;
    private final Map<PartitionSpec, PartitionData> partitions = new ConcurrentHashMap<>();
    private volatile long lastModifiedMillis;
    private volatile boolean dropped;

    TableState(Catalog catalog, TableDefinition definition, long createdMillis) {
        this.catalog = catalog;
        this.definition = definition;
        this.key =
                TableDefinition.key(
                        definition.id().project(),
                        definition.id().schema(),
                        definition.id().table());
        this.createdMillis = createdMillis;
        this.lastModifiedMillis = createdMillis;
        this.primaryKeyIndexes = new int[definition.primaryKey().size()];
        for (int i = 0; i < primaryKeyIndexes.length; i++) {
            primaryKeyIndexes[i] = definition.schema().indexOf(definition.primaryKey().get(i));
        }
        this.storageColumns = RowChunkEncoder.storageColumns(definition.schema().columns());
        if (!definition.schema().isPartitioned()) {
            partitions.put(PartitionSpec.empty(), new PartitionData(catalog.nextVersion()));
        }
    }

    String key() {
        return key;
    }

    public TableIdentifier id() {
        return definition.id();
    }

    public TableSchema schema() {
        return definition.schema();
    }

    public TableDefinition definition() {
        return definition;
    }

    public boolean transactional() {
        return definition.transactional();
    }

    public List<String> primaryKey() {
        return definition.primaryKey();
    }

    public int bucketCount() {
        return definition.bucketCount();
    }

    public long createdMillis() {
        return createdMillis;
    }

    public long lastModifiedMillis() {
        return lastModifiedMillis;
    }

    /** Whether the table was dropped; a dropped table holds no rows and refuses changes. */
    public boolean dropped() {
        return dropped;
    }

    /** An encoder for rows of this table, to build chunks for {@link #commitEncoded}. */
    public RowChunkEncoder newEncoder() {
        return new RowChunkEncoder(definition.schema().columns());
    }

    /**
     * Existing partitions in spec-string order ({@code [PartitionSpec.empty()]} if unpartitioned).
     */
    public List<PartitionSpec> partitions() {
        List<PartitionSpec> out = new ArrayList<>(partitions.keySet());
        out.sort(Comparator.comparing(PartitionSpec::toString));
        return out;
    }

    public boolean hasPartition(PartitionSpec p) {
        return partitions.containsKey(validate(p));
    }

    public void createPartitionIfAbsent(PartitionSpec p) {
        PartitionSpec spec = validate(p);
        if (partitions.containsKey(spec)) {
            return;
        }
        synchronized (catalog.mutex()) {
            requireLive();
            if (!partitions.containsKey(spec)) {
                catalog.mutate(
                        new CatalogEvent.PartitionCreated(
                                catalog.clock().millis(),
                                key,
                                spec.toString(),
                                CatalogEvent.StoredPartition.of(spec)));
            }
        }
    }

    /**
     * Drops a partition with its rows.
     *
     * @return whether it existed
     * @throws ServiceException 400 for a non-partitioned table
     */
    public boolean dropPartition(PartitionSpec p) {
        PartitionSpec spec = validate(p);
        if (spec.isEmpty()) {
            throw new ServiceException(
                    400, "InvalidPartitionSpec", "Table " + id() + " is not partitioned.");
        }
        synchronized (catalog.mutex()) {
            requireLive();
            if (!partitions.containsKey(spec)) {
                return false;
            }
            catalog.mutate(
                    new CatalogEvent.PartitionDropped(
                            catalog.clock().millis(),
                            key,
                            spec.toString(),
                            CatalogEvent.StoredPartition.of(spec)));
            return true;
        }
    }

    /**
     * Committed rows of a partition ({@link PartitionSpec#empty()} for a non-partitioned table), an
     * immutable snapshot as of now that decodes rows as they are read.
     *
     * @throws ServiceException 404 NoSuchPartition
     */
    public List<Object[]> snapshot(PartitionSpec p) {
        return rows(p);
    }

    /**
     * The same snapshot as {@link #snapshot}, typed for row-range reads and exact counts.
     *
     * @throws ServiceException 404 NoSuchPartition
     */
    public CommittedRows rows(PartitionSpec p) {
        return new CommittedRows(storageColumns, existing(validate(p)).rows);
    }

    /** Number of committed rows in a partition. */
    public long rowCount(PartitionSpec p) {
        return existing(validate(p)).rows.rowCount();
    }

    /**
     * Changes on every commit touching the partition.
     *
     * @throws ServiceException 404 NoSuchPartition
     */
    public long modificationVersion(PartitionSpec p) {
        return existing(validate(p)).version;
    }

    /**
     * Atomically (all partitions or none) and durably appends rows, or with {@code overwrite}
     * replaces the rows of the named partitions. Missing partitions are created.
     */
    public void commit(Map<PartitionSpec, List<Object[]>> rowsByPartition, boolean overwrite) {
        Map<PartitionSpec, List<RowChunk>> encoded = new LinkedHashMap<>();
        for (Map.Entry<PartitionSpec, List<Object[]>> e : rowsByPartition.entrySet()) {
            RowChunkEncoder encoder = newEncoder();
            for (Object[] row : e.getValue()) {
                requireWidth(row);
                try {
                    encoder.add(row);
                } catch (IllegalArgumentException bad) {
                    throw new ServiceException(
                            400,
                            "InvalidArgument",
                            "A row of table " + id() + " cannot be stored: " + bad.getMessage());
                }
            }
            encoded.put(e.getKey(), encoder.finish());
        }
        commitEncoded(encoded, overwrite);
    }

    /**
     * Like {@link #commit} for rows already encoded by {@link #newEncoder()}: atomically and
     * durably appends the chunks, or with {@code overwrite} replaces the rows of the named
     * partitions.
     */
    public void commitEncoded(
            Map<PartitionSpec, List<RowChunk>> chunksByPartition, boolean overwrite) {
        Map<String, List<RowChunk>> stored = new LinkedHashMap<>();
        Map<String, CatalogEvent.StoredPartition> specs = new LinkedHashMap<>();
        for (Map.Entry<PartitionSpec, List<RowChunk>> e : chunksByPartition.entrySet()) {
            PartitionSpec spec = validate(e.getKey());
            stored.computeIfAbsent(spec.toString(), k -> new ArrayList<>()).addAll(e.getValue());
            specs.put(spec.toString(), CatalogEvent.StoredPartition.of(spec));
        }
        synchronized (catalog.mutex()) {
            requireLive();
            catalog.mutate(
                    new CatalogEvent.RowsCommitted(
                            catalog.clock().millis(), key, stored, overwrite, specs));
        }
    }

    /**
     * Atomically and durably applies upserts (full rows) then deletes (rows whose primary-key
     * values identify the row). The partition is created when missing.
     *
     * @throws ServiceException 400 when the table has no primary key
     */
    public void applyUpserts(
            PartitionSpec p, List<Object[]> upsertRows, List<Object[]> deleteRows) {
        applyUpserts(p, upsertRows, null, deleteRows);
    }

    /**
     * Like {@link #applyUpserts(PartitionSpec, List, List)}, where some upserts are partial-column
     * updates: {@code updatedColumns.get(i)} marks the columns upsert {@code i} sets (null: all). A
     * partial update of an existing row keeps its other columns; of a new key, leaves them NULL.
     *
     * @param updatedColumns one entry per upsert, or null when every upsert sets all columns
     */
    public void applyUpserts(
            PartitionSpec p,
            List<Object[]> upsertRows,
            List<boolean[]> updatedColumns,
            List<Object[]> deleteRows) {
        PartitionSpec spec = validate(p);
        if (primaryKeyIndexes.length == 0) {
            throw new ServiceException(
                    400,
                    "InvalidArgument",
                    "Table " + id() + " has no primary key; upserts need a Delta table.");
        }
        List<Object[]> upserts = new ArrayList<>(upsertRows.size());
        for (Object[] row : upsertRows) {
            upserts.add(checkKey(checkWidth(row)));
        }
        List<Object[]> deletes = new ArrayList<>(deleteRows.size());
        for (Object[] row : deleteRows) {
            deletes.add(checkKey(checkWidth(row)));
        }
        synchronized (catalog.mutex()) {
            requireLive();
            if (updatedColumns != null) {
                mergePartialUpdates(spec, upserts, updatedColumns);
            }
            catalog.mutate(
                    new CatalogEvent.UpsertsApplied(
                            catalog.clock().millis(),
                            key,
                            spec.toString(),
                            upserts,
                            deletes,
                            CatalogEvent.StoredPartition.of(spec)));
        }
    }

    /** Completes partial updates from the committed rows (under the catalog mutex). */
    private void mergePartialUpdates(
            PartitionSpec spec, List<Object[]> upserts, List<boolean[]> updatedColumns) {
        Map<RowKey, Integer> partial = new LinkedHashMap<>();
        for (int i = 0; i < upserts.size(); i++) {
            boolean[] updated = updatedColumns.get(i);
            if (updated == null) {
                continue;
            }
            Object[] row = upserts.get(i);
            for (int c = 0; c < row.length; c++) {
                if (!updated[c] && !isKeyColumn(c)) {
                    row[c] = null;
                }
            }
            partial.put(keyOf(row), i);
        }
        PartitionData old = partitions.get(spec);
        if (partial.isEmpty() || old == null) {
            return;
        }
        for (Object[] existing : new CommittedRows(storageColumns, old.rows)) {
            Integer i = partial.get(keyOf(existing));
            if (i == null) {
                continue;
            }
            Object[] row = upserts.get(i);
            boolean[] updated = updatedColumns.get(i);
            for (int c = 0; c < row.length; c++) {
                if (!updated[c] && !isKeyColumn(c)) {
                    row[c] = existing[c];
                }
            }
        }
    }

    private boolean isKeyColumn(int column) {
        for (int k : primaryKeyIndexes) {
            if (k == column) {
                return true;
            }
        }
        return false;
    }

    /** Removes all rows of one partition, or of every partition when {@code p} is null. */
    public void truncate(PartitionSpec p) {
        PartitionSpec spec = p == null ? null : validate(p);
        synchronized (catalog.mutex()) {
            requireLive();
            if (spec != null) {
                existing(spec);
            }
            catalog.mutate(
                    new CatalogEvent.Truncated(
                            catalog.clock().millis(),
                            key,
                            spec == null ? null : spec.toString(),
                            spec == null ? null : CatalogEvent.StoredPartition.of(spec)));
        }
    }

    // ---- applying logged events (called by the catalog under its mutex) ----

    void markDropped() {
        dropped = true;
        partitions.clear();
    }

    void applyPartitionCreated(PartitionSpec spec, long at) {
        partitions.putIfAbsent(spec, new PartitionData(catalog.nextVersion()));
        lastModifiedMillis = at;
    }

    void applyPartitionDropped(PartitionSpec spec, long at) {
        partitions.remove(spec);
        lastModifiedMillis = at;
    }

    void applyRowsCommitted(CatalogEvent.RowsCommitted e) {
        for (Map.Entry<String, List<RowChunk>> entry : e.chunksByPartition().entrySet()) {
            PartitionSpec spec = e.spec(entry.getKey());
            PartitionData old = partitions.get(spec);
            ChunkedRows base = old == null || e.overwrite() ? ChunkedRows.EMPTY : old.rows;
            partitions.put(
                    spec, new PartitionData(base.append(entry.getValue()), catalog.nextVersion()));
        }
        lastModifiedMillis = e.atMillis();
    }

    void applyUpserts(CatalogEvent.UpsertsApplied e) {
        PartitionSpec spec = e.spec();
        PartitionData old = partitions.get(spec);
        Map<RowKey, Object[]> byKey = new LinkedHashMap<>();
        if (old != null) {
            for (Object[] row : new CommittedRows(storageColumns, old.rows)) {
                byKey.put(keyOf(row), row);
            }
        }
        for (Object[] row : e.upserts()) {
            byKey.put(keyOf(row), row);
        }
        for (Object[] row : e.deletes()) {
            byKey.remove(keyOf(row));
        }
        RowChunkEncoder encoder = new RowChunkEncoder(storageColumns);
        for (Object[] row : byKey.values()) {
            encoder.add(row);
        }
        partitions.put(
                spec,
                new PartitionData(
                        ChunkedRows.EMPTY.append(encoder.finish()), catalog.nextVersion()));
        lastModifiedMillis = e.atMillis();
    }

    void applyTruncated(PartitionSpec specOrNull, long at) {
        for (PartitionSpec spec : new ArrayList<>(partitions.keySet())) {
            if (specOrNull == null || specOrNull.equals(spec)) {
                partitions.put(spec, new PartitionData(catalog.nextVersion()));
            }
        }
        lastModifiedMillis = at;
    }

    // ---- helpers ----

    private void requireLive() {
        if (dropped) {
            throw new ServiceException(
                    404, "NoSuchTable", "The specified table '" + id() + "' does not exist.");
        }
    }

    private PartitionData existing(PartitionSpec spec) {
        PartitionData d = partitions.get(spec);
        if (d == null) {
            throw new ServiceException(
                    404,
                    "NoSuchPartition",
                    "The specified partition '" + spec + "' of table " + id() + " does not exist.");
        }
        return d;
    }

    private PartitionSpec validate(PartitionSpec p) {
        PartitionSpec spec = p == null ? PartitionSpec.empty() : p;
        TableSchema schema = definition.schema();
        if (schema.isPartitioned() && spec.isEmpty()) {
            throw new ServiceException(
                    400,
                    "MissingPartitionSpec",
                    "You need to specify a partitionspec along with the specified table "
                            + id()
                            + " (partition keys "
                            + schema.partitionKeyNames()
                            + ").");
        }
        if (!schema.isPartitioned() && spec.isEmpty()) {
            return spec;
        }
        try {
            spec.validateAgainst(schema, id().toString());
        } catch (IllegalArgumentException e) {
            throw new ServiceException(400, "InvalidPartitionSpec", e.getMessage());
        }
        // The catalog log stores a spec as its text: a value that does not read back as itself
        // (one with '/', ',', '=' or quotes) would make the data directory unreadable on replay.
        boolean roundTrips;
        try {
            roundTrips = PartitionSpec.parse(spec.toString()).equals(spec);
        } catch (IllegalArgumentException e) {
            roundTrips = false;
        }
        if (!roundTrips) {
            throw new ServiceException(
                    400,
                    "InvalidPartitionSpec",
                    "Partition values must not contain '/', ',', '=' or quotes: " + spec.values());
        }
        return spec;
    }

    private Object[] checkWidth(Object[] row) {
        return requireWidth(row).clone();
    }

    private Object[] requireWidth(Object[] row) {
        int n = definition.schema().columnCount();
        if (row.length != n) {
            throw new ServiceException(
                    400,
                    "InvalidArgument",
                    "A row of table "
                            + id()
                            + " has "
                            + row.length
                            + " values, expected "
                            + n
                            + ".");
        }
        return row;
    }

    private Object[] checkKey(Object[] row) {
        for (int i : primaryKeyIndexes) {
            if (row[i] == null) {
                throw new ServiceException(
                        400,
                        "InvalidArgument",
                        "Primary key column '"
                                + definition.schema().column(i).name()
                                + "' of table "
                                + id()
                                + " must not be NULL.");
            }
        }
        return row;
    }

    private RowKey keyOf(Object[] row) {
        Object[] values = new Object[primaryKeyIndexes.length];
        for (int i = 0; i < values.length; i++) {
            Object v = row[primaryKeyIndexes[i]];
            if (v instanceof String text) {
                // STRING keys compare by their bytes, whichever form a caller gave.
                v = text.getBytes(StandardCharsets.UTF_8);
            }
            values[i] = v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
        }
        return new RowKey(values);
    }

    /** Primary-key values with value equality (byte arrays compared by content). */
    private record RowKey(Object[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RowKey other && Arrays.equals(values, other.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /** The committed rows of one partition and the version they carry. */
    private static final class PartitionData {
        final ChunkedRows rows;
        final long version;

        PartitionData(long version) {
            this(ChunkedRows.EMPTY, version);
        }

        PartitionData(ChunkedRows rows, long version) {
            this.rows = rows;
            this.version = version;
        }
    }

    @Override
    public String toString() {
        return "TableState{" + id() + " " + schema() + "}";
    }
}
