package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.TunnelSinkBuilder;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_ID;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_KEY_SECRET;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.COMPRESSION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ENDPOINT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PARTITION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PROJECT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.QUOTA_NAME;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_ON_MODIFIED_PARTITION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_PARALLELISM;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_PARTITION_DISCOVERY_INTERVAL;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_SPLIT_SIZE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_START_PARTITION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCHEMA;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_INTERVAL;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_MAX_ROWS;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_MAX_SIZE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_DELIVERY_GUARANTEE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_DYNAMIC_PARTITION_MAX;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_PARALLELISM;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.STS_TOKEN;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.TABLE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.TUNNEL_ENDPOINT;

/**
 * Creates {@code 'connector' = 'maxcompute'} table sources and sinks. Options are in {@link
 * MaxComputeConnectorOptions}; unknown keys fail with Flink's list of the supported ones, and
 * options that do not go together fail with a message naming them.
 */
@Internal
public final class MaxComputeDynamicTableFactory
        implements DynamicTableSourceFactory, DynamicTableSinkFactory {

    public static final String IDENTIFIER = "maxcompute";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(ENDPOINT);
        options.add(PROJECT);
        options.add(TABLE);
        return options;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(TUNNEL_ENDPOINT);
        options.add(SCHEMA);
        options.add(ACCESS_ID);
        options.add(ACCESS_KEY_SECRET);
        options.add(STS_TOKEN);
        options.add(QUOTA_NAME);
        options.add(COMPRESSION);
        options.add(PARTITION);
        options.add(SINK_DELIVERY_GUARANTEE);
        options.add(SINK_BUFFER_FLUSH_MAX_ROWS);
        options.add(SINK_BUFFER_FLUSH_MAX_SIZE);
        options.add(SINK_BUFFER_FLUSH_INTERVAL);
        options.add(SINK_PARALLELISM);
        options.add(SINK_DYNAMIC_PARTITION_MAX);
        options.add(SCAN_SPLIT_SIZE);
        options.add(SCAN_PARTITION_DISCOVERY_INTERVAL);
        options.add(SCAN_START_PARTITION);
        options.add(SCAN_ON_MODIFIED_PARTITION);
        options.add(SCAN_PARALLELISM);
        return options;
    }

    /** Options that do not change the topology, so they may differ from a compiled plan's. */
    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(ENDPOINT);
        options.add(TUNNEL_ENDPOINT);
        options.add(ACCESS_ID);
        options.add(ACCESS_KEY_SECRET);
        options.add(STS_TOKEN);
        options.add(QUOTA_NAME);
        return options;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        TunnelConnectionOptions connection = ConnectionSettings.connection(options);
        String table = ConnectionSettings.tableName(options);
        if (ConnectionSettings.schemaName(options) != null) {
            throw new ValidationException(
                    "Option '"
                            + SCHEMA.key()
                            + "' is supported by scans only; the MaxCompute sink writes tables of"
                            + " the project's default schema");
        }
        if (!context.getCatalogTable().getResolvedSchema().getPrimaryKey().isEmpty()) {
            throw new ValidationException(
                    "The MaxCompute SQL sink writes append tables; table "
                            + context.getObjectIdentifier().asSummaryString()
                            + " declares a PRIMARY KEY, which is not supported yet");
        }
        SinkSettings settings = sinkSettings(options);
        Map<String, String> staticPartition = Map.of();
        if (options.getOptional(PARTITION).isPresent()) {
            String spec = options.get(PARTITION);
            if (spec.contains("*") || spec.contains(";")) {
                throw new ValidationException(
                        "Option '"
                                + PARTITION.key()
                                + "' of a sink is one partition without wildcards (e.g."
                                + " 'ds=20261122,hh=08'), got '"
                                + spec
                                + "'");
            }
            try {
                staticPartition = PartitionSpec.parse(spec).values();
            } catch (IllegalArgumentException e) {
                throw new ValidationException(
                        "Option '" + PARTITION.key() + "': " + e.getMessage(), e);
            }
            if (settings.dynamicPartitionMax() != null) {
                throw new ValidationException(
                        "Options '"
                                + PARTITION.key()
                                + "' (a static partition) and '"
                                + SINK_DYNAMIC_PARTITION_MAX.key()
                                + "' (dynamic partitions) exclude each other");
            }
        }
        return new MaxComputeDynamicTableSink(
                connection,
                table,
                (RowType) context.getPhysicalRowDataType().getLogicalType(),
                context.getCatalogTable().getPartitionKeys(),
                staticPartition,
                settings);
    }

    private static SinkSettings sinkSettings(ReadableConfig options) {
        DeliveryGuarantee guarantee = options.get(SINK_DELIVERY_GUARANTEE);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            for (ConfigOption<?> o :
                    new ConfigOption<?>[] {
                        SINK_BUFFER_FLUSH_MAX_ROWS, SINK_BUFFER_FLUSH_INTERVAL
                    }) {
                if (options.getOptional(o).isPresent()) {
                    throw new ValidationException(
                            "Option '"
                                    + o.key()
                                    + "' applies to 'sink.delivery-guarantee' = 'at-least-once'"
                                    + " or 'none'; the exactly-once sink writes at checkpoints"
                                    + " (its block size is '"
                                    + SINK_BUFFER_FLUSH_MAX_SIZE.key()
                                    + "')");
                }
            }
        }
        int maxRows = options.get(SINK_BUFFER_FLUSH_MAX_ROWS);
        if (maxRows < 1) {
            throw new ValidationException(
                    "Option '"
                            + SINK_BUFFER_FLUSH_MAX_ROWS.key()
                            + "' must be at least 1, got "
                            + maxRows);
        }
        Long maxBytes =
                options.getOptional(SINK_BUFFER_FLUSH_MAX_SIZE)
                        .map(MemorySize::getBytes)
                        .orElse(null);
        if (maxBytes != null && maxBytes < 1024) {
            throw new ValidationException(
                    "Option '"
                            + SINK_BUFFER_FLUSH_MAX_SIZE.key()
                            + "' must be at least 1 kb, got "
                            + maxBytes
                            + " bytes");
        }
        Duration interval = options.get(SINK_BUFFER_FLUSH_INTERVAL);
        if (interval.isNegative()) {
            throw new ValidationException(
                    "Option '"
                            + SINK_BUFFER_FLUSH_INTERVAL.key()
                            + "' must be 0 (no timer) or positive, got "
                            + interval);
        }
        Integer dynamicMax = options.getOptional(SINK_DYNAMIC_PARTITION_MAX).orElse(null);
        if (dynamicMax != null) {
            int limit =
                    guarantee == DeliveryGuarantee.EXACTLY_ONCE
                            ? Integer.MAX_VALUE
                            : TunnelSinkBuilder.MAX_OPEN_PARTITIONS_LIMIT;
            if (dynamicMax < 1 || dynamicMax > limit) {
                throw new ValidationException(
                        "Option '"
                                + SINK_DYNAMIC_PARTITION_MAX.key()
                                + "' must be in [1, "
                                + limit
                                + "]"
                                + (guarantee == DeliveryGuarantee.EXACTLY_ONCE
                                        ? ""
                                        : " (the stream tunnel serves at most 64 partitions of a"
                                                + " table)")
                                + ", got "
                                + dynamicMax);
            }
        }
        Integer parallelism = options.getOptional(SINK_PARALLELISM).orElse(null);
        checkParallelism(SINK_PARALLELISM, parallelism);
        return new SinkSettings(guarantee, maxRows, maxBytes, interval, dynamicMax, parallelism);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        TunnelConnectionOptions connection = ConnectionSettings.connection(options);
        String table = ConnectionSettings.tableName(options);
        String schema = ConnectionSettings.schemaName(options);
        long splitRows = options.get(SCAN_SPLIT_SIZE);
        if (splitRows < 1) {
            throw new ValidationException(
                    "Option '" + SCAN_SPLIT_SIZE.key() + "' must be at least 1, got " + splitRows);
        }
        Duration discovery = options.getOptional(SCAN_PARTITION_DISCOVERY_INTERVAL).orElse(null);
        if (discovery != null && (discovery.isZero() || discovery.isNegative())) {
            throw new ValidationException(
                    "Option '"
                            + SCAN_PARTITION_DISCOVERY_INTERVAL.key()
                            + "' must be positive (leave it unset for a bounded scan), got "
                            + discovery);
        }
        String start = options.getOptional(SCAN_START_PARTITION).orElse(null);
        if (start != null) {
            try {
                start = PartitionSpec.parse(start).toString();
            } catch (IllegalArgumentException e) {
                throw new ValidationException(
                        "Option '" + SCAN_START_PARTITION.key() + "': " + e.getMessage(), e);
            }
        }
        PartitionPattern partitions =
                options.getOptional(PARTITION).map(PartitionPattern::parse).orElse(null);
        Integer parallelism = options.getOptional(SCAN_PARALLELISM).orElse(null);
        checkParallelism(SCAN_PARALLELISM, parallelism);
        ScanSettings settings =
                new ScanSettings(
                        splitRows,
                        discovery,
                        start,
                        options.get(SCAN_ON_MODIFIED_PARTITION),
                        options.get(COMPRESSION),
                        partitions,
                        parallelism);
        return new MaxComputeDynamicTableSource(
                connection,
                schema,
                table,
                settings,
                context.getPhysicalRowDataType(),
                context.getCatalogTable().getPartitionKeys());
    }

    private static void checkParallelism(ConfigOption<Integer> option, Integer parallelism) {
        if (parallelism != null && parallelism < 1) {
            throw new ValidationException(
                    "Option '" + option.key() + "' must be at least 1, got " + parallelism);
        }
    }
}
