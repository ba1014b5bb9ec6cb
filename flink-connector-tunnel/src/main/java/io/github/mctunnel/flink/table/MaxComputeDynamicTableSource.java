package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.source.PartitionFilter;
import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelSource;
import io.github.mctunnel.flink.source.TunnelSourceBuilder;
import io.github.mctunnel.flink.table.filter.PartitionPredicate;
import io.github.mctunnel.flink.table.filter.PartitionPredicateTranslator;
import io.github.mctunnel.flink.table.lookup.LookupSettings;
import io.github.mctunnel.flink.table.lookup.MaxComputeLookupProviders;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.LookupTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsLimitPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsPartitionPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code maxcompute} table as a scan source over {@link TunnelSource}: bounded, or continuous
 * when {@code scan.partition-discovery.interval} is set. Projection push-down downloads only the
 * requested columns; partition push-down lists the table's partitions from the service and opens
 * download sessions for the remaining ones only. Filter push-down takes the conditions on partition
 * keys it can evaluate itself (see {@link PartitionPredicateTranslator}) and prunes the listed
 * partitions with them; other conditions stay with Flink.
 *
 * <p>How the two compose: Flink's planner pushes partitions before filters (observed in batch and
 * streaming mode). On a table declared {@code PARTITIONED BY} the planner itself evaluates the
 * conditions on partition keys over {@link #listPartitions} and hands the rest to {@link
 * #applyFilters}, which then finds no partition condition to take. On a table declared without
 * {@code PARTITIONED BY} (its partition columns ordinary Flink columns) partition push-down does
 * not apply and the conditions reach {@link #applyFilters}, which prunes with them, also in
 * continuous scans, where partition push-down is rejected. The scan reads the partitions that pass
 * both.
 */
final class MaxComputeDynamicTableSource
        implements ScanTableSource,
                LookupTableSource,
                SupportsProjectionPushDown,
                SupportsPartitionPushDown,
                SupportsFilterPushDown,
                SupportsLimitPushDown {

    private final TunnelConnectionOptions connection;
    private final String schema;
    private final String table;
    private final ScanSettings settings;
    private final DataType physicalDataType;
    private final RowType physicalType;
    private final List<String> partitionKeys;
    private final ZoneId timeZone;
    private DataType producedType;

    /** Partitions left by partition push-down (Tunnel form), or null when not pushed down. */
    private List<String> remainingPartitions;

    /** The accepted filters on partition keys, or null when none were pushed down. */
    private PartitionPredicate partitionPredicate;

    /** A pushed-down LIMIT: rows per reader at most; Long.MAX_VALUE when none. */
    private long limit = Long.MAX_VALUE;

    private LookupSettings lookup = LookupSettings.defaults();

    MaxComputeDynamicTableSource(
            TunnelConnectionOptions connection,
            String schema,
            String table,
            ScanSettings settings,
            DataType physicalType,
            List<String> partitionKeys,
            ZoneId timeZone) {
        this.connection = connection;
        this.schema = schema;
        this.table = table;
        this.settings = settings;
        this.physicalDataType = physicalType;
        this.physicalType = (RowType) physicalType.getLogicalType();
        this.partitionKeys = List.copyOf(partitionKeys);
        this.timeZone = timeZone;
        this.producedType = physicalType;
    }

    /** The lookup options ({@code lookup.*}); defaults when not called. */
    MaxComputeDynamicTableSource withLookup(LookupSettings lookup) {
        this.lookup = lookup;
        return this;
    }

    @Override
    public LookupRuntimeProvider getLookupRuntimeProvider(LookupContext context) {
        int[][] keys = context.getKeys();
        int[] keyIndices = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].length != 1) {
                throw new ValidationException(
                        "MaxCompute lookup table "
                                + qualifiedName()
                                + " supports lookup keys on top-level columns only");
            }
            keyIndices[i] = keys[i][0];
        }
        return MaxComputeLookupProviders.create(
                connection,
                schema,
                table,
                settings.compression(),
                (RowType) producedType.getLogicalType(),
                context.createTypeInformation(producedType),
                keyIndices,
                timeZone,
                lookup);
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return ChangelogMode.insertOnly();
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        this.producedType = producedDataType;
    }

    @Override
    public Optional<List<Map<String, String>>> listPartitions() {
        List<PartitionSpec> listed;
        try (TunnelClient client = connection.clientBuilder().build()) {
            listed =
                    client.meta()
                            .listPartitions(
                                    new TableIdentifier(connection.project(), schema, table));
        } catch (IOException e) {
            throw new ValidationException(
                    "Could not list the partitions of MaxCompute table "
                            + qualifiedName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (PartitionSpec p : listed) {
            if ((settings.partitions() == null || settings.partitions().test(p))
                    && (partitionPredicate == null || partitionPredicate.test(p))) {
                out.add(withDeclaredKeyNames(p));
            }
        }
        return Optional.of(out);
    }

    /**
     * The partition's values keyed by the partition keys as the Flink table declares them
     * (MaxCompute names are case-insensitive; the service answers them in lower case).
     */
    private Map<String, String> withDeclaredKeyNames(PartitionSpec p) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : p.values().entrySet()) {
            String name = e.getKey();
            for (String declared : partitionKeys) {
                if (declared.equalsIgnoreCase(name)) {
                    name = declared;
                    break;
                }
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    @Override
    public Result applyFilters(List<ResolvedExpression> filters) {
        Map<String, LogicalType> keyTypes = new LinkedHashMap<>();
        for (String key : partitionKeysForFilters()) {
            for (RowType.RowField field : physicalType.getFields()) {
                if (field.getName().equalsIgnoreCase(key)) {
                    keyTypes.put(field.getName(), field.getType());
                }
            }
        }
        PartitionPredicateTranslator translator = PartitionPredicateTranslator.forKeys(keyTypes);
        List<ResolvedExpression> accepted = new ArrayList<>();
        List<ResolvedExpression> remaining = new ArrayList<>();
        List<PartitionPredicate> predicates = new ArrayList<>();
        for (ResolvedExpression filter : filters) {
            Optional<PartitionPredicate> p = translator.translate(filter);
            if (p.isPresent()) {
                accepted.add(filter);
                predicates.add(p.get());
            } else {
                remaining.add(filter);
            }
        }
        if (!predicates.isEmpty()) {
            if (partitionPredicate != null) {
                predicates.add(0, partitionPredicate);
            }
            partitionPredicate =
                    predicates.size() == 1
                            ? predicates.get(0)
                            : new PartitionPredicate.And(predicates);
        }
        // Every filter also stays with Flink: pruning is an optimisation of scans, while a lookup
        // join's dimension table (the same source) does not prune, so a condition on its partition
        // column pushed here must still be applied to the looked-up rows.
        remaining.addAll(accepted);
        return Result.of(accepted, remaining);
    }

    /**
     * The declared partition keys, or when the Flink table declares none (no {@code PARTITIONED
     * BY}), the MaxCompute table's: its partition columns are then ordinary Flink columns, which
     * Flink's partition push-down does not see, so conditions on them prune here (also in
     * continuous scans, on every discovered partition).
     */
    private List<String> partitionKeysForFilters() {
        if (!partitionKeys.isEmpty()) {
            return partitionKeys;
        }
        try (TunnelClient client = connection.clientBuilder().build()) {
            return client.meta()
                    .getTable(new TableIdentifier(connection.project(), schema, table))
                    .schema()
                    .partitionKeyNames();
        } catch (IOException e) {
            throw new ValidationException(
                    "Could not read the partition keys of MaxCompute table "
                            + qualifiedName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public void applyPartitions(List<Map<String, String>> remaining) {
        if (settings.discoveryInterval() != null) {
            throw new ValidationException(
                    "A continuous scan of MaxCompute table "
                            + qualifiedName()
                            + " ('scan.partition-discovery.interval' is set) cannot prune"
                            + " partitions with a condition on partition keys: partitions created"
                            + " later would not be read. Select partitions with the 'partition'"
                            + " option instead (e.g. 'ds=2026*').");
        }
        List<String> specs = new ArrayList<>();
        for (Map<String, String> p : remaining) {
            specs.add(PartitionSpec.of(p).toString());
        }
        this.remainingPartitions = specs;
    }

    /**
     * The enumerator hands out splits holding {@code limit} rows in all, then creates no more
     * download sessions; each reader also stops after {@code limit} rows (the planner keeps its own
     * limit over the readers' union).
     */
    @Override
    public void applyLimit(long limit) {
        this.limit = limit;
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        RowType rowType = (RowType) producedType.getLogicalType();
        TypeInformation<RowData> typeInfo = context.createTypeInformation(producedType);
        RowType.RowField dataColumn = dataColumnIfOnlyPartitionKeys(rowType);
        TunnelSourceBuilder<RowData> builder =
                TunnelSource.<RowData>builder()
                        .setConnection(connection)
                        .setSchema(schema)
                        .setTable(table)
                        .setDeserializer(
                                dataColumn == null
                                        ? new RowDataTunnelRecordDeserializer(
                                                rowType, typeInfo, timeZone)
                                        : new PartitionKeysOnlyDeserializer(
                                                rowType, dataColumn, typeInfo, timeZone))
                        .setSplitRows(settings.splitRows())
                        .setSessionInvalidationPolicy(settings.onModifiedPartition())
                        .setCompression(settings.compression())
                        .setRowLimit(limit);
        PartitionFilter selection =
                remainingPartitions != null
                        ? new PartitionSet(remainingPartitions)
                        : settings.partitions();
        if (partitionPredicate != null) {
            selection =
                    selection == null
                            ? partitionPredicate
                            : new BothFilters(selection, partitionPredicate);
        }
        if (selection != null) {
            builder.setPartitionFilter(selection);
        }
        if (settings.startPartition() != null) {
            builder.setStartPartition(settings.startPartition());
        }
        if (settings.discoveryInterval() != null) {
            builder.setContinuous(settings.discoveryInterval())
                    .setPartitionReadiness(settings.readiness());
        }
        try {
            return SourceProvider.of(builder.build(), settings.parallelism());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage(), e);
        }
    }

    /**
     * When the produced row holds partition keys only, a data column of the table to download along
     * (the first declared one); null otherwise.
     */
    private RowType.RowField dataColumnIfOnlyPartitionKeys(RowType produced) {
        for (String name : produced.getFieldNames()) {
            if (!partitionKeys.contains(name)) {
                return null;
            }
        }
        for (RowType.RowField field : physicalType.getFields()) {
            if (!partitionKeys.contains(field.getName())) {
                return field;
            }
        }
        return null;
    }

    /** The partitions left by the planner's pruning. */
    private static final class PartitionSet implements PartitionFilter {
        private static final long serialVersionUID = 1L;
        private final List<String> specs;

        PartitionSet(List<String> specs) {
            this.specs = List.copyOf(specs);
        }

        @Override
        public boolean test(PartitionSpec partition) {
            return specs.contains(partition.toString());
        }
    }

    /** Partitions that pass two filters. */
    private record BothFilters(PartitionFilter first, PartitionFilter second)
            implements PartitionFilter {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean test(PartitionSpec partition) {
            return first.test(partition) && second.test(partition);
        }
    }

    /** The pushed-down condition on partition keys, or null. */
    PartitionPredicate partitionPredicate() {
        return partitionPredicate;
    }

    private String qualifiedName() {
        return new TableIdentifier(connection.project(), schema, table).toString();
    }

    DataType producedType() {
        return producedType;
    }

    ScanSettings settings() {
        return settings;
    }

    /** The session time zone of TIMESTAMP columns for DATETIME/TIMESTAMP, for tests. */
    ZoneId timeZone() {
        return timeZone;
    }

    @Override
    public DynamicTableSource copy() {
        MaxComputeDynamicTableSource copy =
                new MaxComputeDynamicTableSource(
                        connection,
                        schema,
                        table,
                        settings,
                        physicalDataType,
                        partitionKeys,
                        timeZone);
        copy.producedType = producedType;
        copy.remainingPartitions = remainingPartitions;
        copy.partitionPredicate = partitionPredicate;
        copy.limit = limit;
        copy.lookup = lookup;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "MaxCompute[" + qualifiedName() + "]";
    }
}
