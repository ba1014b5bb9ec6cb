package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.flink.sink.FlushPolicy;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSinkBuilder;
import io.github.mctunnel.flink.sink.TunnelSinkBuilder;
import io.github.mctunnel.flink.source.PartitionReadiness;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;
import io.github.mctunnel.flink.source.TunnelSourceBuilder;
import io.github.mctunnel.flink.upsert.TunnelUpsertSinkBuilder;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.factories.FactoryUtil;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of the {@code 'connector' = 'maxcompute'} tables (and of the MaxCompute catalog's
 * connection). The secret goes in {@code access-key-secret}: Flink masks option values whose key
 * contains {@code secret} or {@code token} wherever it prints table options (error messages, logged
 * configuration). A table refuses the shorter {@code access-key} and the vendor's {@code
 * accessKey}, whose values Flink does not mask (see {@link VendorOptions}); the catalog still
 * accepts {@code access-key} as a fallback key.
 */
@PublicEvolving
public final class MaxComputeConnectorOptions {

    private MaxComputeConnectorOptions() {}

    // ------------------------------------------------------------------ connection

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The MaxCompute (ODPS) endpoint, e.g."
                                    + " https://service.cn-hangzhou.maxcompute.aliyun.com/api.");

    public static final ConfigOption<String> TUNNEL_ENDPOINT =
            ConfigOptions.key("tunnel.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The Tunnel endpoint; when not set it is discovered from the"
                                    + " MaxCompute endpoint.");

    public static final ConfigOption<String> PROJECT =
            ConfigOptions.key("project")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The MaxCompute project of the table.");

    public static final ConfigOption<String> SCHEMA =
            ConfigOptions.key("schema")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The schema (namespace) of the table in projects with three-level"
                                    + " names.");

    public static final ConfigOption<String> TABLE =
            ConfigOptions.key("table")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The MaxCompute table name.");

    public static final ConfigOption<String> ACCESS_ID =
            ConfigOptions.key("access-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The AccessKey ID.");

    public static final ConfigOption<String> ACCESS_KEY_SECRET =
            ConfigOptions.key("access-key-secret")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The AccessKey secret. Flink masks the value of this key when it"
                                    + " prints table options; a table refuses the keys"
                                    + " 'access-key' and 'accessKey', whose values Flink does not"
                                    + " mask.");

    /**
     * {@link #ACCESS_KEY_SECRET} as the catalog takes it: also under the fallback key {@code
     * access-key}, which Flink does not mask (kept for catalogs created with it).
     */
    @Internal
    public static final ConfigOption<String> ACCESS_KEY_SECRET_OR_FALLBACK_KEY =
            ConfigOptions.key(ACCESS_KEY_SECRET.key())
                    .stringType()
                    .noDefaultValue()
                    .withFallbackKeys("access-key")
                    .withDescription(
                            "The AccessKey secret. Flink masks the value of this key when it"
                                    + " prints table options; the fallback key 'access-key' is"
                                    + " accepted but not masked by Flink.");

    public static final ConfigOption<String> STS_TOKEN =
            ConfigOptions.key("sts-token")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The STS security token for temporary credentials.");

    public static final ConfigOption<String> CREDENTIALS_PROVIDER_CLASS =
            ConfigOptions.key("credentials-provider.class")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Instead of an AccessKey: the name of a class implementing"
                                    + " io.github.mctunnel.flink.config.CredentialsProviderFactory"
                                    + " with a public no-argument constructor (e.g. a provider of"
                                    + " rotating STS credentials). Excludes 'access-id',"
                                    + " 'access-key-secret' and 'sts-token'.");

    public static final ConfigOption<String> CREDENTIALS_PROVIDER =
            ConfigOptions.key("credentials.provider")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where the credentials come from: 'static' (the default when"
                                    + " 'access-id' is set): the AccessKey of 'access-id' and"
                                    + " 'access-key-secret', with 'sts-token' if set;"
                                    + " 'default-chain': Alibaba Cloud's default credentials"
                                    + " chain (com.aliyun:credentials-java), in its order the"
                                    + " JVM system properties alibabacloud.accessKeyId/"
                                    + "accessKeySecret/sessionToken, the environment variables"
                                    + " ALIBABA_CLOUD_ACCESS_KEY_ID/ACCESS_KEY_SECRET/"
                                    + "SECURITY_TOKEN, the RAM role of an ACK pod through OIDC"
                                    + " (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN,"
                                    + " ALIBABA_CLOUD_OIDC_TOKEN_FILE), the Alibaba Cloud CLI's"
                                    + " ~/.aliyun/config.json, ~/.alibabacloud/credentials.ini, the"
                                    + " RAM role of the ECS instance, ALIBABA_CLOUD_CREDENTIALS_URI;"
                                    + " or one of these alone: 'ecs-ram-role', 'oidc-role-arn',"
                                    + " 'credentials-uri'. Temporary credentials are refreshed"
                                    + " before they expire, without a restart. Each task reads"
                                    + " its own environment. Other than 'static' excludes"
                                    + " 'access-id', 'access-key-secret', 'sts-token' and"
                                    + " 'credentials-provider.class'.");

    public static final ConfigOption<Duration> RETRY_MAX_DURATION =
            ConfigOptions.key("retry.max-duration")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "How long a failed request (throttling, 5xx, connection errors) is"
                                    + " retried with exponential back-off before it fails; 0"
                                    + " turns retries off.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("connect.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("The TCP connect timeout of requests to the service.");

    public static final ConfigOption<Duration> SOCKET_TIMEOUT =
            ConfigOptions.key("socket.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(300))
                    .withDescription(
                            "The longest silence on a connection (read timeout) before the"
                                    + " request fails and is retried.");

    public static final ConfigOption<String> QUOTA_NAME =
            ConfigOptions.key("quota-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The tunnel quota (exclusive resource group) name; the shared quota"
                                    + " when not set.");

    public static final ConfigOption<Compression> COMPRESSION =
            ConfigOptions.key("compression")
                    .enumType(Compression.class)
                    .defaultValue(Compression.DEFAULT)
                    .withDescription(
                            "Compression of the data travelling to and from the Tunnel service:"
                                    + " RAW, DEFLATE, SNAPPY, LZ4 or ZSTD.");

    /** Sink: the static partition; source: the partitions to read ({@code *} wildcards). */
    public static final ConfigOption<String> PARTITION =
            ConfigOptions.key("partition")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Sink: the static partition all rows go to, e.g. 'ds=20261122,hh=08'"
                                    + " (a PARTITION clause of INSERT overrides it). Source: the"
                                    + " partitions to read, ';' between partitions, '*' in a"
                                    + " value matches any characters, e.g."
                                    + " 'ds=202611*,hh=08;ds=20261201'; keys left out match any"
                                    + " value.");

    // ------------------------------------------------------------------ sink

    public static final ConfigOption<DeliveryGuarantee> SINK_DELIVERY_GUARANTEE =
            ConfigOptions.key("sink.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
                    .withDescription(
                            "at-least-once (stream tunnel, flushed at checkpoints), exactly-once"
                                    + " (regular tunnel, committed once per checkpoint) or none.");

    public static final ConfigOption<Integer> SINK_BUFFER_FLUSH_MAX_ROWS =
            ConfigOptions.key("sink.buffer-flush.max-rows")
                    .intType()
                    .defaultValue(FlushPolicy.DEFAULT_MAX_ROWS)
                    .withDescription(
                            "At-least-once sink: a partition's buffer is sent after this many"
                                    + " rows.");

    public static final ConfigOption<MemorySize> SINK_BUFFER_FLUSH_MAX_SIZE =
            ConfigOptions.key("sink.buffer-flush.max-size")
                    .memoryType()
                    .noDefaultValue()
                    .withDescription(
                            "One key, three meanings. At-least-once and none: the writer's"
                                    + " buffers (all partitions) are sent when they hold this many"
                                    + " encoded bytes (default "
                                    + new MemorySize(FlushPolicy.DEFAULT_MAX_BYTES)
                                    + "). Exactly-once: a partition's buffer is written as a block"
                                    + " at this size (default "
                                    + new MemorySize(
                                            TunnelExactlyOnceSinkBuilder.DEFAULT_BLOCK_TARGET_BYTES)
                                    + "). Tables with a PRIMARY KEY (upserts): a writer's buckets"
                                    + " are flushed when they hold this many bytes (default "
                                    + new MemorySize(
                                            TunnelUpsertSinkBuilder.DEFAULT_MAX_BUFFERED_BYTES)
                                    + ").");

    public static final ConfigOption<Duration> SINK_BUFFER_FLUSH_INTERVAL =
            ConfigOptions.key("sink.buffer-flush.interval")
                    .durationType()
                    .defaultValue(FlushPolicy.DEFAULT_INTERVAL)
                    .withDescription(
                            "At-least-once sink: buffers are sent at this interval; 0 turns the"
                                    + " timer off.");

    public static final ConfigOption<Integer> SINK_PARALLELISM = FactoryUtil.SINK_PARALLELISM;

    public static final ConfigOption<Integer> SINK_DYNAMIC_PARTITION_MAX =
            ConfigOptions.key("sink.dynamic-partition.max")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Dynamic partitions; one key, two meanings. At-least-once and none:"
                                    + " the most partitions of the table all writers together"
                                    + " write (hold stream slots on) at once, in [1, "
                                    + TunnelSinkBuilder.MAX_OPEN_PARTITIONS_LIMIT
                                    + "] (default "
                                    + TunnelSinkBuilder.MAX_OPEN_PARTITIONS_LIMIT
                                    + ", the stream tunnel's limit per table; lower it when other"
                                    + " jobs write the same table), split equally among the"
                                    + " writers; a writer needing one more partition than its"
                                    + " share waits until one of its partitions is released"
                                    + " (back-pressure). Exactly-once: the most partitions"
                                    + " written between two checkpoints (default "
                                    + TunnelExactlyOnceSinkBuilder
                                            .DEFAULT_DYNAMIC_PARTITIONS_PER_CHECKPOINT
                                    + ", so that the checkpoint spanning a daily or hourly"
                                    + " boundary writes the old and the new partition; the"
                                    + " table's rate budgets are then checked for one partition"
                                    + " per checkpoint, set it explicitly to have them checked"
                                    + " for more).");

    public static final ConfigOption<Duration> SINK_PARTITION_IDLE_TIMEOUT =
            ConfigOptions.key("sink.partition-idle-timeout")
                    .durationType()
                    .defaultValue(TunnelSinkBuilder.DEFAULT_PARTITION_IDLE_TIMEOUT)
                    .withDescription(
                            "At-least-once and none: how long the service keeps a writer's"
                                    + " stream slots on a partition after its last flush there"
                                    + " (a stream session cannot be closed). A partition counts"
                                    + " against 'sink.dynamic-partition.max' until this long"
                                    + " after its last flush, and is released when it was not"
                                    + " written for this long. Keep it at least the service's"
                                    + " idle timeout (60 s); shorter risks 429 SlotExceeded"
                                    + " (retried), longer makes a writer wait longer for a free"
                                    + " partition.");

    public static final ConfigOption<Integer> SINK_WRITERS_PER_PARTITION =
            ConfigOptions.key("sink.writers-per-partition")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "The most writer subtasks one partition's rows are routed to, in [1,"
                                    + " 32] (a partition has at most 32 stream slots). At least"
                                    + " once: by default min(sink parallelism, 32); exactly once:"
                                    + " by default rows are not redistributed. Fewer writers per"
                                    + " partition give larger packs or blocks and fewer open"
                                    + " partitions per writer.");

    public static final ConfigOption<Duration> SINK_UPSERT_COMMIT_INTERVAL =
            ConfigOptions.key("sink.upsert.commit-interval")
                    .durationType()
                    .defaultValue(TunnelUpsertSinkBuilder.DEFAULT_COMMIT_INTERVAL)
                    .withDescription(
                            "Tables with a PRIMARY KEY (upserts into a Delta table): the least"
                                    + " time between two commits of a partition. The service"
                                    + " accepts one upsert commit per partition per minute; lower"
                                    + " it only for a service or emulator that allows more.");

    // ------------------------------------------------------------------ scan

    public static final ConfigOption<Long> SCAN_SPLIT_SIZE =
            ConfigOptions.key("scan.split.size")
                    .longType()
                    .defaultValue(TunnelSourceBuilder.DEFAULT_SPLIT_ROWS)
                    .withDescription("Rows per split, the unit of work a reader pulls.");

    public static final ConfigOption<Duration> SCAN_PARTITION_DISCOVERY_INTERVAL =
            ConfigOptions.key("scan.partition-discovery.interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "When set, the scan is continuous: new partitions are discovered at"
                                    + " this interval and read once each. Not set: bounded.");

    public static final ConfigOption<String> SCAN_START_PARTITION =
            ConfigOptions.key("scan.start-partition")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Skips partitions ordered before this one, e.g. 'ds=20261101'.");

    public static final ConfigOption<SessionInvalidationPolicy> SCAN_ON_MODIFIED_PARTITION =
            ConfigOptions.key("scan.on-modified-partition")
                    .enumType(SessionInvalidationPolicy.class)
                    .defaultValue(SessionInvalidationPolicy.FAIL)
                    .withDescription(
                            "What a scan does when a partition's download session expires or is"
                                    + " invalidated because the data changed: FAIL, RECREATE (new"
                                    + " session, resume at the next row) or SKIP (rest of the"
                                    + " partition).");

    public static final ConfigOption<PartitionReadiness.Kind> SCAN_PARTITION_READINESS =
            ConfigOptions.key("scan.partition-readiness")
                    .enumType(PartitionReadiness.Kind.class)
                    .defaultValue(PartitionReadiness.Kind.NEWER_PARTITION_HAS_ROWS)
                    .withDescription(
                            "Continuous scans: when a partition is read (once):"
                                    + " NEWER_PARTITION_HAS_ROWS (once a partition ordered after"
                                    + " it has rows), DONE_MARKER (once the partition with '.done'"
                                    + " appended to its last value exists; markers are not read),"
                                    + " QUIET_PERIOD (once its row count stayed the same for"
                                    + " 'scan.partition-readiness.quiet-period') or IMMEDIATELY"
                                    + " (as soon as it has rows).");

    public static final ConfigOption<Duration> SCAN_PARTITION_READINESS_QUIET_PERIOD =
            ConfigOptions.key("scan.partition-readiness.quiet-period")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "The quiet period of 'scan.partition-readiness' = 'QUIET_PERIOD'.");

    public static final ConfigOption<Integer> SCAN_PARALLELISM = FactoryUtil.SOURCE_PARALLELISM;

    // ------------------------------------------------------------------ per-mode defaults

    /**
     * The defaults of options whose default depends on the sink (append at least once or none,
     * exactly once, or upserts into a PRIMARY KEY table): the mode to the default, in the docs'
     * words, for the option table of docs/sql.md; empty for other options, whose one default is the
     * {@link ConfigOption}'s.
     */
    @Internal
    public static Map<String, String> defaultsPerMode(ConfigOption<?> option) {
        Map<String, String> defaults = new LinkedHashMap<>();
        if (option.key().equals(SINK_DYNAMIC_PARTITION_MAX.key())) {
            defaults.put(
                    "at-least-once, none",
                    String.valueOf(TunnelSinkBuilder.MAX_OPEN_PARTITIONS_LIMIT));
            defaults.put(
                    "exactly-once",
                    String.valueOf(
                            TunnelExactlyOnceSinkBuilder
                                    .DEFAULT_DYNAMIC_PARTITIONS_PER_CHECKPOINT));
        } else if (option.key().equals(SINK_BUFFER_FLUSH_MAX_SIZE.key())) {
            defaults.put(
                    "at-least-once, none",
                    new MemorySize(FlushPolicy.DEFAULT_MAX_BYTES).toString());
            defaults.put(
                    "exactly-once",
                    new MemorySize(TunnelExactlyOnceSinkBuilder.DEFAULT_BLOCK_TARGET_BYTES)
                            .toString());
            defaults.put(
                    "PRIMARY KEY",
                    new MemorySize(TunnelUpsertSinkBuilder.DEFAULT_MAX_BUFFERED_BYTES).toString());
        }
        return defaults;
    }
}
