package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.TunnelSinkBuilder;
import io.github.mctunnel.flink.sink.routing.WriterSpread;
import io.github.mctunnel.flink.table.lookup.LookupSettings;
import io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_ID;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_KEY_SECRET;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.COMPRESSION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.CONNECT_TIMEOUT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.CREDENTIALS_PROVIDER;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.CREDENTIALS_PROVIDER_CLASS;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ENDPOINT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PARTITION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PROJECT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.QUOTA_NAME;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.RETRY_MAX_DURATION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_ON_MODIFIED_PARTITION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_PARALLELISM;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_PARTITION_DISCOVERY_INTERVAL;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_PARTITION_READINESS;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_PARTITION_READINESS_QUIET_PERIOD;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_SPLIT_SIZE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCAN_START_PARTITION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCHEMA;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_INTERVAL;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_MAX_ROWS;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_MAX_SIZE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_DELIVERY_GUARANTEE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_DYNAMIC_PARTITION_MAX;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_PARALLELISM;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_PARTITION_IDLE_TIMEOUT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_UPSERT_COMMIT_INTERVAL;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SINK_WRITERS_PER_PARTITION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SOCKET_TIMEOUT;
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
        options.add(CREDENTIALS_PROVIDER);
        options.add(CREDENTIALS_PROVIDER_CLASS);
        options.add(RETRY_MAX_DURATION);
        options.add(CONNECT_TIMEOUT);
        options.add(SOCKET_TIMEOUT);
        options.add(QUOTA_NAME);
        options.add(COMPRESSION);
        options.add(PARTITION);
        options.add(SINK_DELIVERY_GUARANTEE);
        options.add(SINK_BUFFER_FLUSH_MAX_ROWS);
        options.add(SINK_BUFFER_FLUSH_MAX_SIZE);
        options.add(SINK_BUFFER_FLUSH_INTERVAL);
        options.add(SINK_PARALLELISM);
        options.add(SINK_DYNAMIC_PARTITION_MAX);
        options.add(SINK_WRITERS_PER_PARTITION);
        options.add(SINK_PARTITION_IDLE_TIMEOUT);
        options.add(SINK_UPSERT_COMMIT_INTERVAL);
        options.add(SCAN_SPLIT_SIZE);
        options.add(SCAN_PARTITION_DISCOVERY_INTERVAL);
        options.add(SCAN_START_PARTITION);
        options.add(SCAN_ON_MODIFIED_PARTITION);
        options.add(SCAN_PARTITION_READINESS);
        options.add(SCAN_PARTITION_READINESS_QUIET_PERIOD);
        options.add(SCAN_PARALLELISM);
        options.addAll(MaxComputeLookupOptions.all());
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
        options.add(CREDENTIALS_PROVIDER);
        options.add(CREDENTIALS_PROVIDER_CLASS);
        options.add(RETRY_MAX_DURATION);
        options.add(CONNECT_TIMEOUT);
        options.add(SOCKET_TIMEOUT);
        options.add(QUOTA_NAME);
        return options;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        RejectedTable rejected = rejectedOptions(context);
        if (rejected != null) {
            return rejected;
        }
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        TunnelConnectionOptions connection =
                ConnectionSettings.connection(options, context.getClassLoader());
        String table = ConnectionSettings.tableName(options);
        if (ConnectionSettings.schemaName(options) != null) {
            throw new ValidationException(
                    "Option '"
                            + SCHEMA.key()
                            + "' is supported by scans only; the MaxCompute sink writes tables of"
                            + " the project's default schema");
        }
        List<String> primaryKey =
                context.getCatalogTable()
                        .getResolvedSchema()
                        .getPrimaryKey()
                        .map(UniqueConstraint::getColumns)
                        .orElse(List.of());
        SinkSettings settings = sinkSettings(options);
        if (!primaryKey.isEmpty()) {
            checkUpsertOptions(options, primaryKey);
        }
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
                primaryKey,
                staticPartition,
                settings,
                SessionTimeZone.of(context.getConfiguration()));
    }

    /** Options of the append sinks that a PRIMARY KEY table (upsert sink) does not take. */
    private static void checkUpsertOptions(ReadableConfig options, List<String> primaryKey) {
        for (ConfigOption<?> o :
                List.of(
                        SINK_DELIVERY_GUARANTEE,
                        SINK_BUFFER_FLUSH_MAX_ROWS,
                        SINK_BUFFER_FLUSH_INTERVAL,
                        SINK_DYNAMIC_PARTITION_MAX,
                        SINK_WRITERS_PER_PARTITION,
                        SINK_PARTITION_IDLE_TIMEOUT)) {
            if (options.getOptional(o).isPresent()) {
                throw new ValidationException(
                        "Option '"
                                + o.key()
                                + "' does not apply to a table with PRIMARY KEY "
                                + primaryKey
                                + ": its changes are upserted into the Delta table through"
                                + " upsert sessions committed after checkpoints (options '"
                                + SINK_UPSERT_COMMIT_INTERVAL.key()
                                + "', '"
                                + SINK_BUFFER_FLUSH_MAX_SIZE.key()
                                + "', '"
                                + COMPRESSION.key()
                                + "' and '"
                                + SINK_PARALLELISM.key()
                                + "')");
            }
        }
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
            if (options.getOptional(SINK_PARTITION_IDLE_TIMEOUT).isPresent()) {
                throw new ValidationException(
                        "Option '"
                                + SINK_PARTITION_IDLE_TIMEOUT.key()
                                + "' applies to 'sink.delivery-guarantee' = 'at-least-once'"
                                + " or 'none' (stream tunnel slots); the exactly-once sink"
                                + " writes through upload sessions committed at checkpoints");
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
                                        : " (with 'sink.delivery-guarantee' = '"
                                                + (guarantee == DeliveryGuarantee.NONE
                                                        ? "none"
                                                        : "at-least-once")
                                                + "', the partitions of the table written at"
                                                + " once; the stream tunnel serves at most 64)")
                                + ", got "
                                + dynamicMax);
            }
        }
        Duration idleTimeout = options.get(SINK_PARTITION_IDLE_TIMEOUT);
        if (idleTimeout.isZero() || idleTimeout.isNegative()) {
            throw new ValidationException(
                    "Option '"
                            + SINK_PARTITION_IDLE_TIMEOUT.key()
                            + "' must be positive (at least the service's stream slot idle"
                            + " timeout, 60 s), got "
                            + idleTimeout);
        }
        Integer parallelism = options.getOptional(SINK_PARALLELISM).orElse(null);
        checkParallelism(SINK_PARALLELISM, parallelism);
        Integer writers = options.getOptional(SINK_WRITERS_PER_PARTITION).orElse(null);
        if (writers != null && (writers < 1 || writers > WriterSpread.MAX_SLOTS_PER_PARTITION)) {
            throw new ValidationException(
                    "Option '"
                            + SINK_WRITERS_PER_PARTITION.key()
                            + "' must be in [1, "
                            + WriterSpread.MAX_SLOTS_PER_PARTITION
                            + "] (a partition has at most "
                            + WriterSpread.MAX_SLOTS_PER_PARTITION
                            + " stream slots), got "
                            + writers);
        }
        Duration commitInterval = options.get(SINK_UPSERT_COMMIT_INTERVAL);
        if (commitInterval.isNegative()) {
            throw new ValidationException(
                    "Option '"
                            + SINK_UPSERT_COMMIT_INTERVAL.key()
                            + "' must not be negative, got "
                            + commitInterval);
        }
        return new SinkSettings(
                guarantee,
                maxRows,
                maxBytes,
                interval,
                dynamicMax,
                parallelism,
                writers,
                commitInterval,
                idleTimeout,
                options.get(COMPRESSION));
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        RejectedTable rejected = rejectedOptions(context);
        if (rejected != null) {
            return rejected;
        }
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        TunnelConnectionOptions connection =
                ConnectionSettings.connection(options, context.getClassLoader());
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
                        parallelism,
                        ScanSettings.readiness(
                                options.get(SCAN_PARTITION_READINESS),
                                options.getOptional(SCAN_PARTITION_READINESS_QUIET_PERIOD)
                                        .orElse(null)));
        return new MaxComputeDynamicTableSource(
                        connection,
                        schema,
                        table,
                        settings,
                        context.getPhysicalRowDataType(),
                        context.getCatalogTable().getPartitionKeys(),
                        SessionTimeZone.of(context.getConfiguration()))
                .withLookup(LookupSettings.from(options));
    }

    /**
     * A table with options of the vendor's {@code odps} connector (or keys that differ from this
     * connector's only in case, or an AccessKey secret under a key Flink does not mask) is not
     * refused by throwing here: Flink would wrap the exception in a list of the table's options
     * with their values, the unmasked secret among them (see {@link VendorOptions}). It gets a
     * {@link RejectedTable} that fails, with hints naming the keys to use, when the planner first
     * asks it anything; null when the options are fine so far.
     */
    private RejectedTable rejectedOptions(Context context) {
        Map<String, String> options = context.getCatalogTable().getOptions();
        Set<String> own = new LinkedHashSet<>();
        own.add(FactoryUtil.CONNECTOR.key());
        own.add(FactoryUtil.PROPERTY_VERSION.key());
        requiredOptions().forEach(o -> own.add(o.key()));
        optionalOptions().forEach(o -> own.add(o.key()));
        List<String> hints = VendorOptions.hints(options, own);
        if (hints.isEmpty()) {
            return null;
        }
        return new RejectedTable(
                VendorOptions.message(
                        context.getObjectIdentifier().asSummaryString(), hints, options.keySet()));
    }

    private static void checkParallelism(ConfigOption<Integer> option, Integer parallelism) {
        if (parallelism != null && parallelism < 1) {
            throw new ValidationException(
                    "Option '" + option.key() + "' must be at least 1, got " + parallelism);
        }
    }
}
