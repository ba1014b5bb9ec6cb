package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.meta.TableInfo;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.UpsertSession;

import org.apache.flink.table.api.ValidationException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What planning learns about the Delta table behind a Flink table with a {@code PRIMARY KEY}: the
 * key columns (table order, MaxCompute types) and the bucket count the rows are routed by.
 *
 * <p>The table metadata does not carry the bucket count, so it is read from an upsert session
 * opened on the static partition, an existing partition or the non-partitioned table, and aborted
 * at once (it holds no data). A partitioned table without any partition yet gets the service's
 * default of {@value #DEFAULT_BUCKET_COUNT} buckets; the writers compare the declaration with their
 * first session and fail naming both when it differs.
 *
 * @param keyColumns the primary-key columns in the table's key order
 * @param bucketCount the table's bucket count
 * @param partialUpdate whether the table takes partial-column updates ({@code
 *     enable_partial_update} of the probe session), null when no session could be opened
 */
record UpsertTarget(List<Column> keyColumns, int bucketCount, Boolean partialUpdate) {

    /** MaxCompute's default {@code write.bucket.num} of a Delta table. */
    static final int DEFAULT_BUCKET_COUNT = 16;

    UpsertTarget {
        keyColumns = List.copyOf(keyColumns);
    }

    /**
     * Checks that {@code info} is a Delta table whose primary key is {@code declaredKey} (any
     * order, names case-insensitive) and reads its bucket count.
     *
     * @param staticPartition the partition written, or empty (dynamic or not partitioned)
     * @throws ValidationException naming the table's and the declared key when they differ
     */
    static UpsertTarget resolve(
            TunnelClient client,
            TableInfo info,
            List<String> declaredKey,
            PartitionSpec staticPartition) {
        checkDeclaredKey(info, declaredKey);
        String table = info.id().toString();
        TableSchema schema = info.schema();
        List<Column> keyColumns = new ArrayList<>();
        for (String name : info.primaryKey()) {
            int idx = schema.indexOf(name);
            if (idx < 0) {
                throw new ValidationException(
                        "MaxCompute table "
                                + table
                                + " names primary-key column "
                                + name
                                + " that is not among its data columns");
            }
            keyColumns.add(schema.column(idx));
        }
        return probe(client, info, staticPartition, keyColumns);
    }

    /**
     * Checks that the Flink table's PRIMARY KEY fits the MaxCompute table: a Delta table whose
     * primary key is the declared one, or the declared one without the partition columns (rows of a
     * partitioned Delta table are identified by partition and key, so declaring the partition
     * columns in the key as well is right). Called when the sink is created, before the planner
     * compares the query's upsert key with the declared key, so a mismatch gets this message.
     *
     * @throws ValidationException naming both keys
     */
    static void checkDeclaredKey(TableInfo info, List<String> declaredKey) {
        String table = info.id().toString();
        if (!info.isDeltaTable()) {
            throw new ValidationException(
                    "The Flink table declares PRIMARY KEY "
                            + declaredKey
                            + ", but MaxCompute table "
                            + table
                            + " is not a Delta table (transactional "
                            + info.transactional()
                            + ", primary key "
                            + info.primaryKey()
                            + "); only Delta tables (transactional, with a primary key) take"
                            + " upserts");
        }
        List<String> withPartitionKeys = new ArrayList<>(info.primaryKey());
        withPartitionKeys.addAll(info.schema().partitionKeyNames());
        Set<String> declared = lowerCase(declaredKey);
        if (!declared.equals(lowerCase(info.primaryKey()))
                && !declared.equals(lowerCase(withPartitionKeys))) {
            throw new ValidationException(
                    "The Flink table declares PRIMARY KEY "
                            + declaredKey
                            + ", but MaxCompute table "
                            + table
                            + " has primary key "
                            + info.primaryKey()
                            + "; declare the table's key"
                            + (info.schema().isPartitioned()
                                    ? " (optionally with the partition columns "
                                            + info.schema().partitionKeyNames()
                                            + ")"
                                    : ""));
        }
    }

    private static UpsertTarget probe(
            TunnelClient client,
            TableInfo info,
            PartitionSpec staticPartition,
            List<Column> keyColumns) {
        List<PartitionSpec> candidates = new ArrayList<>();
        try {
            if (info.schema().partitionKeys().isEmpty()) {
                candidates.add(PartitionSpec.empty());
            } else {
                if (!staticPartition.isEmpty()) {
                    candidates.add(staticPartition);
                }
                List<PartitionSpec> existing = client.meta().listPartitions(info.id());
                if (!existing.isEmpty()) {
                    candidates.add(existing.get(0));
                }
            }
            for (PartitionSpec partition : candidates) {
                UpsertSession probe;
                try {
                    probe = client.createUpsertSession(info.id(), partition, 1);
                } catch (TunnelException e) {
                    if (e.hasErrorCode("NoSuchPartition")) {
                        continue;
                    }
                    throw e;
                }
                int buckets = probe.bucketCount();
                boolean partialUpdate = probe.partialUpdateEnabled();
                abortQuietly(probe);
                return new UpsertTarget(keyColumns, buckets, partialUpdate);
            }
        } catch (TunnelException e) {
            throw new ValidationException(
                    "Could not read the bucket count of MaxCompute table "
                            + info.id()
                            + " from an upsert session: "
                            + e.getMessage(),
                    e);
        }
        return new UpsertTarget(keyColumns, DEFAULT_BUCKET_COUNT, null);
    }

    private static void abortQuietly(UpsertSession probe) {
        try {
            probe.abort();
        } catch (TunnelException e) {
            // the probe session holds no data and expires on its own; planning goes on
        }
    }

    private static Set<String> lowerCase(List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return out;
    }
}
