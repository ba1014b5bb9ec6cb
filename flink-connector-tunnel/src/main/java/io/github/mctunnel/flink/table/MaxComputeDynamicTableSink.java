package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.meta.TableInfo;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.convert.RowDataToRecordConverter;
import io.github.mctunnel.flink.sink.FlushPolicy;
import io.github.mctunnel.flink.sink.RowDataTunnelRecordSerializer;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSink;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSinkBuilder;
import io.github.mctunnel.flink.sink.TunnelSink;
import io.github.mctunnel.flink.sink.TunnelSinkBuilder;
import io.github.mctunnel.flink.upsert.TunnelUpsertSink;
import io.github.mctunnel.flink.upsert.TunnelUpsertSinkBuilder;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsOverwrite;
import org.apache.flink.table.connector.sink.abilities.SupportsPartitioning;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code maxcompute} table as a sink of INSERT (append) streams: one static partition (the
 * {@code partition} option or the INSERT's {@code PARTITION (...)} clause giving every partition
 * key), or dynamic partitions taken from the rows' partition-key fields. At-least-once and none go
 * to the stream tunnel ({@link TunnelSink}), exactly-once to the regular tunnel ({@link
 * TunnelExactlyOnceSink}). A Flink table with a {@code PRIMARY KEY ... NOT ENFORCED} goes to the
 * upsert sink ({@link TunnelUpsertSink}) and takes INSERT, UPDATE_AFTER and DELETE changes (an
 * UPDATE_BEFORE the planner still sends deletes its key, see {@link RetractingUpsertSerializer});
 * its key must be the Delta table's primary key, and the bucket count is read from the table.
 *
 * <p>When the plan is translated the table's schema is fetched once: a table column without a field
 * of its name, or a field whose type cannot be written to its column, fails the planning with a
 * message naming the column and both types.
 */
final class MaxComputeDynamicTableSink
        implements DynamicTableSink, SupportsPartitioning, SupportsOverwrite {

    private final TunnelConnectionOptions connection;
    private final String table;
    private final RowType rowType;
    private final List<String> declaredPartitionKeys;
    private final List<String> primaryKey;
    private final SinkSettings settings;
    private final ZoneId timeZone;

    /** The static partition from the option, then overridden by a PARTITION clause. */
    private Map<String, String> staticPartition;

    /** INSERT OVERWRITE: written through overwrite upload sessions, batch execution only. */
    private boolean overwrite;

    MaxComputeDynamicTableSink(
            TunnelConnectionOptions connection,
            String table,
            RowType rowType,
            List<String> declaredPartitionKeys,
            List<String> primaryKey,
            Map<String, String> staticPartition,
            SinkSettings settings,
            ZoneId timeZone) {
        this.connection = connection;
        this.table = table;
        this.rowType = rowType;
        this.declaredPartitionKeys = List.copyOf(declaredPartitionKeys);
        this.primaryKey = List.copyOf(primaryKey);
        this.staticPartition = new LinkedHashMap<>(staticPartition);
        this.settings = settings;
        this.timeZone = timeZone;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        if (primaryKey.isEmpty()) {
            return ChangelogMode.insertOnly();
        }
        return ChangelogMode.newBuilder()
                .addContainedKind(RowKind.INSERT)
                .addContainedKind(RowKind.UPDATE_AFTER)
                .addContainedKind(RowKind.DELETE)
                .build();
    }

    @Override
    public void applyStaticPartition(Map<String, String> partition) {
        if (!partition.isEmpty()) {
            staticPartition = new LinkedHashMap<>(partition);
        }
    }

    @Override
    public void applyOverwrite(boolean overwrite) {
        this.overwrite = overwrite;
    }

    @Override
    public boolean requiresPartitionGrouping(boolean supportsGrouping) {
        return false;
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        try (TunnelClient client = connection.clientBuilder().build()) {
            TableInfo info = fetchTable(client);
            List<String> partitionKeys = info.schema().partitionKeyNames();
            boolean dynamic = resolveDynamic(partitionKeys);
            String partition = dynamic ? null : orderedStaticPartition(partitionKeys);
            if (!primaryKey.isEmpty()) {
                if (overwrite) {
                    throw new ValidationException(
                            "INSERT OVERWRITE is not supported for MaxCompute table "
                                    + table
                                    + " with PRIMARY KEY "
                                    + primaryKey
                                    + ": its changes are upserted into the Delta table; use"
                                    + " INSERT INTO");
                }
                UpsertTarget target =
                        UpsertTarget.resolve(
                                client,
                                info,
                                primaryKey,
                                partition == null
                                        ? PartitionSpec.empty()
                                        : PartitionSpec.parse(partition));
                List<String> updated = partialUpdateColumns(info, target);
                checkFits(info, dynamic, updated);
                return SinkV2Provider.of(
                        upsertSink(target, partition, dynamic, updated), settings.parallelism());
            }
            if (overwrite) {
                checkOverwritable(context);
            }
            checkWritable(info, dynamic);
            if (overwrite || settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
                return SinkV2Provider.of(
                        exactlyOnceSink(partition, dynamic), settings.parallelism());
            }
            Sink<RowData> sink = streamSink(partition, dynamic);
            return SinkV2Provider.of(sink, settings.parallelism());
        } catch (IOException e) {
            throw new ValidationException(
                    "Could not close the client of MaxCompute table "
                            + connection.project()
                            + "."
                            + table
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The data columns a Flink table declaring only some of the Delta table's columns updates
     * (partial-column updates), or null when it declares all of them.
     *
     * @throws ValidationException naming the missing columns when the table does not take partial
     *     updates
     */
    private List<String> partialUpdateColumns(TableInfo info, UpsertTarget target) {
        Set<String> fields = new HashSet<>();
        rowType.getFieldNames().forEach(f -> fields.add(f.toLowerCase(Locale.ROOT)));
        Set<String> keys = new HashSet<>();
        target.keyColumns().forEach(c -> keys.add(c.name().toLowerCase(Locale.ROOT)));
        List<String> missing = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        for (Column c : info.schema().columns()) {
            String name = c.name().toLowerCase(Locale.ROOT);
            if (!fields.contains(name)) {
                missing.add(c.name());
            } else if (!keys.contains(name)) {
                updated.add(c.name());
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        if (Boolean.FALSE.equals(target.partialUpdate())) {
            throw new ValidationException(
                    "The Flink table has no columns "
                            + missing
                            + " of Delta table "
                            + info.id()
                            + "; writing only some columns needs partial-column updates, which the"
                            + " table does not enable (table property"
                            + " 'acid.partial.fields.update.enable'='true'); declare these columns"
                            + " or enable partial updates");
        }
        if (updated.isEmpty()) {
            throw new ValidationException(
                    "The Flink table declares only the primary key of Delta table "
                            + info.id()
                            + "; a partial-column update needs at least one of its other columns "
                            + missing);
        }
        return updated;
    }

    private Sink<RowData> upsertSink(
            UpsertTarget target, String partition, boolean dynamic, List<String> updated) {
        TunnelUpsertSinkBuilder<RowData> builder =
                TunnelUpsertSink.<RowData>builder()
                        .setConnection(connection)
                        .setTable(table)
                        .setPrimaryKey(target.keyColumns())
                        .setBucketCount(target.bucketCount())
                        .setSerializer(new RetractingUpsertSerializer(rowType, timeZone))
                        .setCommitInterval(settings.upsertCommitInterval())
                        .setCompression(settings.compression());
        if (updated != null) {
            builder.setPartialUpdateColumns(updated);
        }
        if (partition != null) {
            builder.setPartition(partition);
        } else if (dynamic) {
            builder.setDynamicPartition();
        }
        if (settings.flushMaxBytes() != null) {
            builder.setMaxBufferedBytes(settings.flushMaxBytes());
        }
        return build(builder::build);
    }

    /**
     * INSERT OVERWRITE needs a bounded input in batch execution: the whole input is committed once
     * at its end, whereas a streaming job commits at every checkpoint and each overwrite commit
     * would replace the rows of the one before.
     */
    private void checkOverwritable(Context context) {
        if (!context.isBounded()) {
            throw new ValidationException(
                    "INSERT OVERWRITE into MaxCompute table "
                            + table
                            + " needs batch execution ('execution.runtime-mode' = 'batch'): a"
                            + " streaming job commits at every checkpoint, and each overwrite"
                            + " commit would replace the rows of the one before");
        }
    }

    /** Static (false) or dynamic (true) partitioning, checked against the table's keys. */
    private boolean resolveDynamic(List<String> partitionKeys) {
        if (partitionKeys.isEmpty()) {
            if (!staticPartition.isEmpty()) {
                throw new ValidationException(
                        "MaxCompute table "
                                + table
                                + " is not partitioned, but a partition was given: "
                                + staticPartition);
            }
            return false;
        }
        if (staticPartition.isEmpty()) {
            return true;
        }
        List<String> given = new ArrayList<>();
        staticPartition.keySet().forEach(k -> given.add(k.toLowerCase(Locale.ROOT)));
        List<String> keys = new ArrayList<>();
        partitionKeys.forEach(k -> keys.add(k.toLowerCase(Locale.ROOT)));
        if (!given.containsAll(keys) || !keys.containsAll(given)) {
            throw new ValidationException(
                    "The static partition "
                            + staticPartition
                            + " of MaxCompute table "
                            + table
                            + " must give every partition key "
                            + partitionKeys
                            + " and no other; the sink writes either one static partition or"
                            + " dynamic partitions taken from the rows (no static partition at"
                            + " all)");
        }
        return false;
    }

    /** The static partition in the table's key order, null for a non-partitioned table. */
    private String orderedStaticPartition(List<String> partitionKeys) {
        if (staticPartition.isEmpty()) {
            return null;
        }
        Map<String, String> byKey = new LinkedHashMap<>();
        staticPartition.forEach((k, v) -> byKey.put(k.toLowerCase(Locale.ROOT), v));
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String key : partitionKeys) {
            ordered.put(key, byKey.get(key.toLowerCase(Locale.ROOT)));
        }
        return PartitionSpec.of(ordered).toString();
    }

    private void checkWritable(TableInfo info, boolean dynamic) {
        if (info.isDeltaTable()) {
            throw new ValidationException(
                    "MaxCompute table "
                            + table
                            + " is a Delta table (primary key "
                            + info.primaryKey()
                            + "); declare the same PRIMARY KEY ... NOT ENFORCED on the Flink table"
                            + " to write it through upsert sessions");
        }
        checkFits(info, dynamic, null);
    }

    /**
     * Every table column (or, with partial updates, the key and the updated columns; and every
     * partition key when dynamic) has a field of a writable type.
     */
    private void checkFits(TableInfo info, boolean dynamic, List<String> updated) {
        List<Column> columns = new ArrayList<>(info.schema().columns());
        if (updated != null) {
            Set<String> written = new HashSet<>();
            updated.forEach(c -> written.add(c.toLowerCase(Locale.ROOT)));
            info.primaryKey().forEach(c -> written.add(c.toLowerCase(Locale.ROOT)));
            columns.removeIf(c -> !written.contains(c.name().toLowerCase(Locale.ROOT)));
        }
        if (dynamic) {
            columns.addAll(info.schema().partitionKeys());
        }
        try {
            RowDataToRecordConverter.create(rowType, columns, timeZone);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "The Flink table does not fit MaxCompute table "
                            + table
                            + (dynamic ? " (dynamic partitions need the partition-key fields)" : "")
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private TableInfo fetchTable(TunnelClient client) {
        try {
            return client.getTable(TableIdentifier.of(connection.project(), table));
        } catch (IOException e) {
            throw new ValidationException(
                    "Could not read the schema of MaxCompute table "
                            + connection.project()
                            + "."
                            + table
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * {@code partition}: the static partition, or null (dynamic or not partitioned). The table-wide
     * cap {@code sink.dynamic-partition.max} (default 64) is the only partition cap: it is split
     * equally among the active writers, with no further per-writer cap.
     */
    @VisibleForTesting
    Sink<RowData> streamSink(String partition, boolean dynamic) {
        TunnelSinkBuilder<RowData> builder =
                TunnelSink.<RowData>builder()
                        .setConnection(connection)
                        .setTable(table)
                        .setSerializer(new RowDataTunnelRecordSerializer(rowType, timeZone))
                        .setDeliveryGuarantee(settings.deliveryGuarantee())
                        .setFlushMaxRows(settings.flushMaxRows())
                        .setFlushMaxBytes(
                                settings.flushMaxBytes() == null
                                        ? FlushPolicy.DEFAULT_MAX_BYTES
                                        : settings.flushMaxBytes())
                        .setFlushInterval(settings.flushInterval())
                        .setPartitionIdleTimeout(settings.partitionIdleTimeout())
                        .setCompression(settings.compression());
        int maxPartitions =
                settings.dynamicPartitionMax() == null
                        ? TunnelSinkBuilder.MAX_OPEN_PARTITIONS_LIMIT
                        : settings.dynamicPartitionMax();
        builder.setMaxConcurrentPartitions(maxPartitions).setMaxOpenPartitions(maxPartitions);
        if (partition != null) {
            builder.setPartition(partition);
        } else if (dynamic) {
            builder.setDynamicPartition();
        }
        if (settings.writersPerPartition() != null) {
            builder.setWritersPerPartition(settings.writersPerPartition());
        }
        return build(builder::build);
    }

    @VisibleForTesting
    Sink<RowData> exactlyOnceSink(String partition, boolean dynamic) {
        TunnelExactlyOnceSinkBuilder<RowData> builder =
                TunnelExactlyOnceSink.<RowData>builder()
                        .setConnection(connection)
                        .setTable(table)
                        .setSerializer(new RowDataTunnelRecordSerializer(rowType, timeZone))
                        .setCompression(settings.compression())
                        .setOverwrite(overwrite);
        if (partition != null) {
            builder.setPartition(partition);
        } else if (dynamic) {
            builder.setDynamicPartition();
            if (settings.dynamicPartitionMax() != null) {
                builder.setMaxPartitionsPerCheckpoint(settings.dynamicPartitionMax());
            }
        }
        if (settings.flushMaxBytes() != null) {
            builder.setBlockTargetBytes(settings.flushMaxBytes());
        }
        if (settings.writersPerPartition() != null) {
            builder.setWritersPerPartition(settings.writersPerPartition());
        }
        // budget errors (at build, translation and run time) name the option, not the setter
        builder.setPartitionsSettingName(
                "'" + MaxComputeConnectorOptions.SINK_DYNAMIC_PARTITION_MAX.key() + "'");
        return build(builder::build);
    }

    private static Sink<RowData> build(Supplier<Sink<RowData>> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage(), e);
        }
    }

    /** The static partition in force (option or PARTITION clause), for tests. */
    Map<String, String> staticPartition() {
        return Map.copyOf(staticPartition);
    }

    SinkSettings settings() {
        return settings;
    }

    /** The session time zone of TIMESTAMP columns for DATETIME/TIMESTAMP, for tests. */
    ZoneId timeZone() {
        return timeZone;
    }

    TunnelConnectionOptions connection() {
        return connection;
    }

    String table() {
        return table;
    }

    List<String> declaredPartitionKeys() {
        return declaredPartitionKeys;
    }

    /** The declared primary key, empty for append tables. */
    List<String> primaryKey() {
        return primaryKey;
    }

    /** Whether the planner asked for INSERT OVERWRITE, for tests. */
    boolean overwrite() {
        return overwrite;
    }

    @Override
    public DynamicTableSink copy() {
        MaxComputeDynamicTableSink copy =
                new MaxComputeDynamicTableSink(
                        connection,
                        table,
                        rowType,
                        declaredPartitionKeys,
                        primaryKey,
                        staticPartition,
                        settings,
                        timeZone);
        copy.overwrite = overwrite;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "MaxCompute[" + connection.project() + "." + table + "]";
    }
}
