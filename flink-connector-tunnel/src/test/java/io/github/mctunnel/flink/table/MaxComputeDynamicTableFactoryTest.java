package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.CredentialsProvider;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.config.CredentialsProviderFactory;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.FlushPolicy;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSink;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSinkBuilder;
import io.github.mctunnel.flink.sink.TunnelSink;
import io.github.mctunnel.flink.source.PartitionReadiness;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;
import io.github.mctunnel.flink.upsert.TunnelUpsertSinkBuilder;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.abilities.SupportsPartitioning;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.github.mctunnel.flink.table.FactoryHarness.options;
import static io.github.mctunnel.flink.table.FactoryHarness.sink;
import static io.github.mctunnel.flink.table.FactoryHarness.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaxComputeDynamicTableFactoryTest {

    /** The whole cause chain's messages, as a user sees them in the SQL client. */
    private static String fullMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static String sinkError(Map<String, String> options) {
        try {
            sink(options);
        } catch (ValidationException e) {
            return fullMessage(e);
        }
        throw new AssertionError("no ValidationException for " + options.keySet());
    }

    private static String sourceError(Map<String, String> options) {
        try {
            source(options);
        } catch (ValidationException e) {
            return fullMessage(e);
        }
        throw new AssertionError("no ValidationException for " + options.keySet());
    }

    // ------------------------------------------------------------------ connection

    @Test
    void connectionOptionsReachTheSinkAndSource() {
        Map<String, String> o =
                options(
                        "tunnel.endpoint", "http://127.0.0.1:2",
                        "sts-token", "STSTOKEN",
                        "quota-name", "q1");
        TunnelConnectionOptions expected =
                TunnelConnectionOptions.builder()
                        .endpoint("http://127.0.0.1:1/api")
                        .tunnelEndpoint("http://127.0.0.1:2")
                        .project("p")
                        .accessKey("AKID", "TOPSECRET")
                        .securityToken("STSTOKEN")
                        .quotaName("q1")
                        .retryMaxDuration(Duration.ofMinutes(10))
                        .connectTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(300))
                        .build();
        MaxComputeDynamicTableSink s = (MaxComputeDynamicTableSink) sink(o);
        assertThat(s.connection()).isEqualTo(expected);
        assertThat(s.table()).isEqualTo("t");
        assertThat(s.asSummaryString()).isEqualTo("MaxCompute[p.t]");
        MaxComputeDynamicTableSource src = (MaxComputeDynamicTableSource) source(o);
        assertThat(src.asSummaryString()).isEqualTo("MaxCompute[p.t]");
    }

    @Test
    void schemaOptionQualifiesTheScannedTable() {
        MaxComputeDynamicTableSource src =
                (MaxComputeDynamicTableSource) source(options("schema", "s1"));
        assertThat(src.asSummaryString()).isEqualTo("MaxCompute[p.s1.t]");
    }

    @Test
    void schemaOptionIsRejectedForTheSink() {
        assertThat(sinkError(options("schema", "s1")))
                .contains("Option 'schema' is supported by scans only");
    }

    @Test
    void accessKeyWhoseValueFlinkDoesNotMaskIsRefused() {
        String message =
                rejectedMessage(sink(options("access-key-secret", null, "access-key", "OTHER")));
        assertThat(message)
                .isEqualTo(
                        "MaxCompute table default_catalog.default_database.t has options that the"
                                + " 'maxcompute' connector does not take (of the vendor's 'odps'"
                                + " connector or misspelled; values are not repeated here):\n"
                                + "  Option 'access-key': use 'access-key-secret' instead (Flink"
                                + " masks the value of a key containing 'secret').\n"
                                + "The AccessKey secret under 'access-key' is not masked by Flink,"
                                + " which hides the values only of keys containing 'secret',"
                                + " 'password', 'token' and a few more: Flink may already have"
                                + " printed it, e.g. in SHOW CREATE TABLE or in an error listing"
                                + " the table's options, and it is stored with the table's DDL."
                                + " Put it under 'access-key-secret' (or use"
                                + " 'credentials-provider.class') and rotate the AccessKey.\n"
                                + "See docs/migrating-from-vvr.md.");
        assertThat(message).doesNotContain("OTHER");
    }

    /** The message a {@link RejectedTable} fails the planning with. */
    static String rejectedMessage(Object sourceOrSink) {
        assertThat(sourceOrSink).isInstanceOf(RejectedTable.class);
        RejectedTable rejected = (RejectedTable) sourceOrSink;
        assertThatThrownBy(rejected::getChangelogMode)
                .isInstanceOf(ValidationException.class)
                .hasMessage(rejected.message());
        return rejected.message();
    }

    @Test
    void requiredOptionsAreNamedWhenMissing() {
        for (String key : List.of("endpoint", "project", "table")) {
            assertThat(sinkError(options(key, null)))
                    .contains("Missing required options are:")
                    .contains(key);
        }
    }

    @Test
    void credentialsMustBeComplete() {
        assertThat(sinkError(options("access-id", null)))
                .contains(
                        "A MaxCompute table or catalog needs the AccessKey: set both 'access-id' and"
                                + " 'access-key-secret'");
        assertThat(sourceError(options("access-key-secret", null, "sts-token", "T")))
                .contains(
                        "set both 'access-id' and 'access-key-secret' (the STS credentials'"
                                + " AccessKey goes with 'sts-token')");
        assertThat(sinkError(options("sts-token", " ")))
                .contains("Option 'sts-token' must not be blank when set");
    }

    @Test
    void invalidEndpointIsReportedWithTheOptionNames() {
        assertThat(sinkError(options("endpoint", "ftp://x/api")))
                .contains("Invalid MaxCompute connection options")
                .contains("endpoint must be an http(s) URL with a host, got 'ftp://x/api'");
    }

    @Test
    void unknownOptionFailsWithTheListOfSupportedOptions() {
        String message = sinkError(options("sink.buffer-flush.max-rowz", "5"));
        assertThat(message)
                .contains("Unsupported options found for 'maxcompute'")
                .contains("sink.buffer-flush.max-rowz")
                .contains("sink.buffer-flush.max-rows")
                .contains("scan.partition-discovery.interval")
                .contains("access-key-secret");
    }

    @Test
    void secretsNeverAppearInErrorMessages() {
        Map<String, String> o = options("sts-token", "STSTOKEN", "sink.buffer-flush.max-rows", "0");
        String invalidValue = sinkError(o);
        assertThat(invalidValue).contains("'sink.buffer-flush.max-rows' must be at least 1, got 0");
        String unknownKey = sinkError(options("sts-token", "STSTOKEN", "bogus", "1"));
        String badType = sourceError(options("sts-token", "STSTOKEN", "scan.split.size", "x"));
        for (String message : List.of(invalidValue, unknownKey, badType)) {
            assertThat(message)
                    .contains("access-key-secret")
                    .doesNotContain("TOPSECRET")
                    .doesNotContain("STSTOKEN");
        }
        // Flink lists the table options in the message and masks the secret and the token
        assertThat(invalidValue)
                .contains("'access-key-secret'='******'")
                .contains("'sts-token'='******'");
    }

    @Test
    void connectionToStringHidesTheSecret() {
        MaxComputeDynamicTableSink s = (MaxComputeDynamicTableSink) sink(options());
        assertThat(s.connection().toString()).doesNotContain("TOPSECRET");
    }

    // ------------------------------------------------------------------ sink

    @Test
    void sinkDefaults() {
        MaxComputeDynamicTableSink s = (MaxComputeDynamicTableSink) sink(options());
        assertThat(s.settings())
                .isEqualTo(
                        new SinkSettings(
                                DeliveryGuarantee.AT_LEAST_ONCE,
                                FlushPolicy.DEFAULT_MAX_ROWS,
                                null,
                                FlushPolicy.DEFAULT_INTERVAL,
                                null,
                                null,
                                null,
                                Duration.ofMinutes(1),
                                Duration.ofSeconds(60),
                                Compression.DEFAULT));
        assertThat(s.staticPartition()).isEmpty();
    }

    @Test
    void sinkOptionsAreRead() {
        MaxComputeDynamicTableSink s =
                (MaxComputeDynamicTableSink)
                        sink(
                                options(
                                        "sink.delivery-guarantee", "none",
                                        "sink.buffer-flush.max-rows", "500",
                                        "sink.buffer-flush.max-size", "2mb",
                                        "sink.buffer-flush.interval", "3 s",
                                        "sink.dynamic-partition.max", "16",
                                        "sink.parallelism", "3",
                                        "sink.writers-per-partition", "2",
                                        "sink.upsert.commit-interval", "5 s",
                                        "sink.partition-idle-timeout", "90 s",
                                        "compression", "ZSTD"));
        assertThat(s.settings())
                .isEqualTo(
                        new SinkSettings(
                                DeliveryGuarantee.NONE,
                                500,
                                2L * 1024 * 1024,
                                Duration.ofSeconds(3),
                                16,
                                3,
                                2,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(90),
                                Compression.ZSTD));
    }

    @Test
    void exactlyOnceAcceptsBlockSizeButNotTheStreamFlushOptions() {
        MaxComputeDynamicTableSink s =
                (MaxComputeDynamicTableSink)
                        sink(
                                options(
                                        "sink.delivery-guarantee", "exactly-once",
                                        "sink.buffer-flush.max-size", "16mb",
                                        "sink.dynamic-partition.max", "100"));
        assertThat(s.settings().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(s.settings().flushMaxBytes()).isEqualTo(16L << 20);
        assertThat(s.settings().dynamicPartitionMax()).isEqualTo(100);
        for (String key : List.of("sink.buffer-flush.max-rows", "sink.buffer-flush.interval")) {
            assertThat(sinkError(options("sink.delivery-guarantee", "exactly-once", key, "10")))
                    .contains(
                            "Option '"
                                    + key
                                    + "' applies to 'sink.delivery-guarantee' = 'at-least-once'"
                                    + " or 'none'");
        }
    }

    @Test
    void invalidSinkValuesAreNamed() {
        assertThat(sinkError(options("sink.delivery-guarantee", "twice")))
                .contains("sink.delivery-guarantee");
        assertThat(sinkError(options("sink.buffer-flush.max-size", "100b")))
                .contains("'sink.buffer-flush.max-size' must be at least 1 kb, got 100 bytes");
        assertThat(sinkError(options("sink.buffer-flush.interval", "-1 s")))
                .contains("sink.buffer-flush.interval");
        assertThat(sinkError(options("sink.dynamic-partition.max", "65")))
                .contains(
                        "Option 'sink.dynamic-partition.max' must be in [1, 64] (with"
                                + " 'sink.delivery-guarantee' = 'at-least-once', the partitions"
                                + " of the table written at once; the stream tunnel serves at"
                                + " most 64), got 65");
        assertThat(
                        sinkError(
                                options(
                                        "sink.delivery-guarantee", "none",
                                        "sink.dynamic-partition.max", "0")))
                .contains(
                        "Option 'sink.dynamic-partition.max' must be in [1, 64] (with"
                                + " 'sink.delivery-guarantee' = 'none', the partitions of the"
                                + " table written at once; the stream tunnel serves at most"
                                + " 64), got 0");
        assertThat(sinkError(options("sink.partition-idle-timeout", "0 s")))
                .contains(
                        "Option 'sink.partition-idle-timeout' must be positive (at least the"
                                + " service's stream slot idle timeout, 60 s), got PT0S");
        assertThat(sinkError(options("sink.parallelism", "0")))
                .contains("'sink.parallelism' must be at least 1, got 0");
    }

    @Test
    void staticPartitionOptionAndPartitionClause() {
        MaxComputeDynamicTableSink s =
                (MaxComputeDynamicTableSink) sink(options("partition", "ds=20261122,hh=08"));
        assertThat(s.staticPartition()).isEqualTo(Map.of("ds", "20261122", "hh", "08"));
        ((SupportsPartitioning) s).applyStaticPartition(Map.of("ds", "20261123", "hh", "09"));
        assertThat(s.staticPartition()).isEqualTo(Map.of("ds", "20261123", "hh", "09"));
        MaxComputeDynamicTableSink copy = (MaxComputeDynamicTableSink) s.copy();
        assertThat(copy.staticPartition()).isEqualTo(s.staticPartition());
    }

    @Test
    void sinkPartitionMustBeOneSpecWithoutWildcards() {
        assertThat(sinkError(options("partition", "ds=2026*")))
                .contains(
                        "Option 'partition' of a sink is one partition without wildcards (e.g."
                                + " 'ds=20261122,hh=08'), got 'ds=2026*'");
        assertThat(sinkError(options("partition", "ds=1;ds=2")))
                .contains("of a sink is one partition without wildcards");
        assertThat(
                        sinkError(
                                options(
                                        "partition", "ds=1",
                                        "sink.dynamic-partition.max", "4")))
                .contains(
                        "Options 'partition' (a static partition) and"
                                + " 'sink.dynamic-partition.max' (dynamic partitions) exclude"
                                + " each other");
    }

    @Test
    void primaryKeyTablesGoToTheUpsertSinkInUpsertMode() {
        MaxComputeDynamicTableSink s =
                (MaxComputeDynamicTableSink)
                        sink(
                                FactoryHarness.withPrimaryKey(),
                                List.of(),
                                options("sink.upsert.commit-interval", "2 s"));
        assertThat(s.primaryKey()).containsExactly("id");
        assertThat(s.settings().upsertCommitInterval()).isEqualTo(Duration.ofSeconds(2));
        ChangelogMode mode = s.getChangelogMode(ChangelogMode.all());
        assertThat(mode.getContainedKinds())
                .containsExactlyInAnyOrder(RowKind.INSERT, RowKind.UPDATE_AFTER, RowKind.DELETE);
        assertThat(((MaxComputeDynamicTableSink) s.copy()).primaryKey()).containsExactly("id");
        MaxComputeDynamicTableSink append = (MaxComputeDynamicTableSink) sink(options());
        assertThat(append.getChangelogMode(ChangelogMode.all()))
                .isEqualTo(ChangelogMode.insertOnly());
    }

    @Test
    void appendSinkOptionsAreRejectedForPrimaryKeyTables() {
        for (String[] kv :
                List.of(
                        new String[] {"sink.delivery-guarantee", "at-least-once"},
                        new String[] {"sink.buffer-flush.max-rows", "10"},
                        new String[] {"sink.buffer-flush.interval", "1 s"},
                        new String[] {"sink.dynamic-partition.max", "2"},
                        new String[] {"sink.writers-per-partition", "2"},
                        new String[] {"sink.partition-idle-timeout", "2 min"})) {
            assertThatThrownBy(
                            () ->
                                    sink(
                                            FactoryHarness.withPrimaryKey(),
                                            List.of(),
                                            options(kv[0], kv[1])))
                    .isInstanceOf(ValidationException.class)
                    .satisfies(
                            e ->
                                    assertThat(fullMessage(e))
                                            .contains(
                                                    "Option '"
                                                            + kv[0]
                                                            + "' does not apply to a table with"
                                                            + " PRIMARY KEY [id]"));
        }
    }

    @Test
    void streamSinkTakesTheTableWidePartitionCapAndIdleTimeout() {
        TunnelSink<?> defaults =
                (TunnelSink<?>)
                        ((MaxComputeDynamicTableSink) sink(options())).streamSink(null, true);
        assertThat(defaults.maxConcurrentPartitions()).isEqualTo(64);
        assertThat(defaults.maxOpenPartitions()).isEqualTo(64);
        assertThat(defaults.partitionIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        TunnelSink<?> s =
                (TunnelSink<?>)
                        ((MaxComputeDynamicTableSink)
                                        sink(
                                                options(
                                                        "sink.delivery-guarantee", "none",
                                                        "sink.dynamic-partition.max", "12",
                                                        "sink.partition-idle-timeout", "2 min")))
                                .streamSink(null, true);
        assertThat(s.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.NONE);
        // the option is the only cap: split among the writers, no per-writer cap below it
        assertThat(s.maxConcurrentPartitions()).isEqualTo(12);
        assertThat(s.maxOpenPartitions()).isEqualTo(12);
        assertThat(s.partitionIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void partitionIdleTimeoutIsRejectedForExactlyOnce() {
        assertThat(
                        sinkError(
                                options(
                                        "sink.delivery-guarantee", "exactly-once",
                                        "sink.partition-idle-timeout", "2 min")))
                .contains(
                        "Option 'sink.partition-idle-timeout' applies to"
                                + " 'sink.delivery-guarantee' = 'at-least-once' or 'none' (stream"
                                + " tunnel slots); the exactly-once sink writes through upload"
                                + " sessions committed at checkpoints");
    }

    @Test
    void defaultsPerModeInTheDocsAreTheSinksDefaults() {
        assertThat(
                        MaxComputeConnectorOptions.defaultsPerMode(
                                MaxComputeConnectorOptions.SINK_DYNAMIC_PARTITION_MAX))
                .containsExactly(
                        Map.entry("at-least-once, none", "64"), Map.entry("exactly-once", "2"));
        assertThat(
                        MaxComputeConnectorOptions.defaultsPerMode(
                                MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_MAX_SIZE))
                .containsExactly(
                        Map.entry("at-least-once, none", "8 mb"),
                        Map.entry("exactly-once", "64 mb"),
                        Map.entry("PRIMARY KEY", "32 mb"));
        assertThat(MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_MAX_SIZE.hasDefaultValue())
                .isFalse();
        assertThat(MaxComputeConnectorOptions.SINK_DYNAMIC_PARTITION_MAX.hasDefaultValue())
                .isFalse();
        // what the sinks built without the options use
        TunnelSink<?> atLeastOnce =
                (TunnelSink<?>)
                        ((MaxComputeDynamicTableSink) sink(options())).streamSink(null, true);
        assertThat(atLeastOnce.maxOpenPartitions()).isEqualTo(64);
        assertThat(atLeastOnce.flushPolicy().maxBytes()).isEqualTo(8L << 20);
        TunnelExactlyOnceSink<?> exactlyOnce =
                (TunnelExactlyOnceSink<?>)
                        ((MaxComputeDynamicTableSink)
                                        sink(options("sink.delivery-guarantee", "exactly-once")))
                                .exactlyOnceSink(null, true);
        assertThat(exactlyOnce.maxPartitionsPerCheckpoint()).isEqualTo(2);
        assertThat(TunnelExactlyOnceSinkBuilder.DEFAULT_BLOCK_TARGET_BYTES).isEqualTo(64L << 20);
        assertThat(TunnelUpsertSinkBuilder.DEFAULT_MAX_BUFFERED_BYTES).isEqualTo(32L << 20);
    }

    @Test
    void exactlyOncePartitionBudgetErrorNamesTheSqlOption() {
        MaxComputeDynamicTableSink s =
                (MaxComputeDynamicTableSink)
                        sink(
                                options(
                                        "sink.delivery-guarantee", "exactly-once",
                                        "sink.dynamic-partition.max", "17"));
        assertThatThrownBy(() -> s.exactlyOnceSink(null, true))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table t: 17 partitions per checkpoint need up to 34 open"
                                + " upload sessions (the epoch being written and the one being"
                                + " committed), more than the table's 32 concurrent sessions;"
                                + " lower 'sink.dynamic-partition.max' to at most 16");
        MaxComputeDynamicTableSink sixteen =
                (MaxComputeDynamicTableSink)
                        sink(
                                options(
                                        "sink.delivery-guarantee", "exactly-once",
                                        "sink.dynamic-partition.max", "16"));
        assertThat(sixteen.exactlyOnceSink(null, true)).isNotNull();
    }

    @Test
    void upsertCommitIntervalIsADuration() {
        assertThat(sinkError(options("sink.upsert.commit-interval", "-1 s")))
                .contains("Invalid value for option 'sink.upsert.commit-interval'");
    }

    @Test
    void writersPerPartitionIsValidatedAndTakenByBothGuarantees() {
        for (String bad : List.of("0", "33")) {
            assertThat(sinkError(options("sink.writers-per-partition", bad)))
                    .contains(
                            "Option 'sink.writers-per-partition' must be in [1, 32] (a partition"
                                    + " has at most 32 stream slots), got "
                                    + bad);
        }
        MaxComputeDynamicTableSink exactlyOnce =
                (MaxComputeDynamicTableSink)
                        sink(
                                options(
                                        "sink.delivery-guarantee", "exactly-once",
                                        "sink.writers-per-partition", "32"));
        assertThat(exactlyOnce.settings().writersPerPartition()).isEqualTo(32);
        MaxComputeDynamicTableSink s = (MaxComputeDynamicTableSink) sink(options());
        assertThat(s.settings().writersPerPartition()).isNull();
    }

    // ------------------------------------------------------------------ retry, timeouts

    @Test
    void retryAndTimeoutDefaultsReachTheConnection() {
        TunnelConnectionOptions c = ((MaxComputeDynamicTableSink) sink(options())).connection();
        assertThat(c.retryMaxDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.socketTimeout()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void retryAndTimeoutOptionsReachTheConnection() {
        Map<String, String> o =
                options(
                        "retry.max-duration", "90 s",
                        "connect.timeout", "3 s",
                        "socket.timeout", "1 min");
        TunnelConnectionOptions c = ((MaxComputeDynamicTableSink) sink(o)).connection();
        assertThat(c.retryMaxDuration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.socketTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(source(o)).isInstanceOf(MaxComputeDynamicTableSource.class);
        assertThat(
                        ((MaxComputeDynamicTableSink) sink(options("retry.max-duration", "0 s")))
                                .connection()
                                .retryMaxDuration())
                .isZero();
    }

    @Test
    void invalidRetryAndTimeoutValuesAreNamed() {
        assertThat(sinkError(options("retry.max-duration", "-1 s")))
                .contains("Invalid value for option 'retry.max-duration'");
        assertThat(sinkError(options("connect.timeout", "0 s")))
                .contains("Option 'connect.timeout' must be positive, got PT0S");
        assertThat(sourceError(options("socket.timeout", "0 ms")))
                .contains("Option 'socket.timeout' must be positive, got PT0S");
        assertThat(sinkError(options("socket.timeout", "soon"))).contains("socket.timeout");
    }

    // ------------------------------------------------------------------ credentials provider

    /** A provider factory as users write them: public, no-argument constructor. */
    public static final class FixedCredentials implements CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public CredentialsProvider createProvider() {
            return new StaticCredentialsProvider(Credentials.of("AKPROVIDED", "PROVIDEDSECRET"));
        }
    }

    /** Not usable: its only constructor takes an argument. */
    public static final class NeedsArgument implements CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        public NeedsArgument(String secret) {}

        @Override
        public CredentialsProvider createProvider() {
            throw new UnsupportedOperationException();
        }
    }

    /** Not usable: its constructor fails, with a secret in its message. */
    public static final class FailingConstructor implements CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        public FailingConstructor() {
            throw new IllegalStateException("vault said no to PROVIDEDSECRET");
        }

        @Override
        public CredentialsProvider createProvider() {
            throw new UnsupportedOperationException();
        }
    }

    private static Map<String, String> providerOptions(String className) {
        return options(
                "access-id", null,
                "access-key-secret", null,
                "credentials-provider.class", className);
    }

    @Test
    void credentialsProviderClassReplacesTheAccessKey() {
        TunnelConnectionOptions c =
                ((MaxComputeDynamicTableSink)
                                sink(providerOptions(FixedCredentials.class.getName())))
                        .connection();
        assertThat(c.accessId()).isNull();
        assertThat(c.accessKeySecret()).isNull();
        assertThat(c.credentialsProviderFactory()).isInstanceOf(FixedCredentials.class);
        assertThat(c.credentialsProvider().getCredentials().accessId()).isEqualTo("AKPROVIDED");
        assertThat(c.toString())
                .contains(FixedCredentials.class.getName())
                .doesNotContain("PROVIDEDSECRET");
        assertThat(source(providerOptions(FixedCredentials.class.getName())))
                .isInstanceOf(MaxComputeDynamicTableSource.class);
        assertThat(sourceError(providerOptions("com.example.Missing")))
                .contains("class com.example.Missing was not found");
    }

    @Test
    void credentialsProviderClassErrorsNameTheClassAndTheProblem() {
        assertThat(sinkError(providerOptions("com.example.Missing")))
                .contains(
                        "Option 'credentials-provider.class': class com.example.Missing was not"
                                + " found on the job's class path");
        assertThat(sinkError(providerOptions(String.class.getName())))
                .contains(
                        "Option 'credentials-provider.class': class java.lang.String does not"
                                + " implement "
                                + CredentialsProviderFactory.class.getName());
        assertThat(sinkError(providerOptions(NeedsArgument.class.getName())))
                .contains(
                        "class "
                                + NeedsArgument.class.getName()
                                + " needs a public no-argument constructor");
        String failed = sinkError(providerOptions(FailingConstructor.class.getName()));
        assertThat(failed)
                .contains(
                        "the constructor of "
                                + FailingConstructor.class.getName()
                                + " failed: java.lang.IllegalStateException")
                .doesNotContain("PROVIDEDSECRET");
    }

    @Test
    void credentialsProviderClassExcludesTheAccessKeyOptions() {
        for (String key : List.of("access-id", "access-key-secret", "sts-token")) {
            Map<String, String> o = providerOptions(FixedCredentials.class.getName());
            // the id is not a secret (Flink prints it), the secret and the token are masked
            o.put(key, key.equals("access-id") ? "AKID" : "TOPSECRET");
            assertThat(sinkError(o))
                    .contains(
                            "Options 'credentials-provider.class' and '"
                                    + key
                                    + "' exclude each other")
                    .doesNotContain("TOPSECRET");
        }
        assertThat(sinkError(options("access-key-secret", null)))
                .contains("or 'credentials-provider.class'");
    }

    // ------------------------------------------------------------------ scan

    @Test
    void scanDefaults() {
        MaxComputeDynamicTableSource s = (MaxComputeDynamicTableSource) source(options());
        assertThat(s.settings())
                .isEqualTo(
                        new ScanSettings(
                                1_000_000L,
                                null,
                                null,
                                SessionInvalidationPolicy.FAIL,
                                Compression.LZ4,
                                null,
                                null,
                                PartitionReadiness.whenNewerPartitionHasRows()));
    }

    @Test
    void scanOptionsAreRead() {
        MaxComputeDynamicTableSource s =
                (MaxComputeDynamicTableSource)
                        source(
                                options(
                                        "scan.split.size", "5000",
                                        "scan.partition-discovery.interval", "30 s",
                                        "scan.start-partition", "ds = 20261101",
                                        "scan.on-modified-partition", "RECREATE",
                                        "compression", "ZSTD",
                                        "scan.parallelism", "2",
                                        "scan.partition-readiness", "quiet_period",
                                        "scan.partition-readiness.quiet-period", "10 min",
                                        "partition", "ds=2026*"));
        ScanSettings settings = s.settings();
        assertThat(settings.splitRows()).isEqualTo(5000);
        assertThat(settings.discoveryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.startPartition()).isEqualTo("ds=20261101");
        assertThat(settings.onModifiedPartition()).isEqualTo(SessionInvalidationPolicy.RECREATE);
        assertThat(settings.compression()).isEqualTo(Compression.ZSTD);
        assertThat(settings.parallelism()).isEqualTo(2);
        assertThat(settings.readiness())
                .isEqualTo(PartitionReadiness.afterQuietPeriod(Duration.ofMinutes(10)));
        assertThat(settings.partitions().test(PartitionSpec.parse("ds=20261122"))).isTrue();
        assertThat(settings.partitions().test(PartitionSpec.parse("ds=20251122"))).isFalse();
    }

    @Test
    void invalidScanValuesAreNamed() {
        assertThat(sourceError(options("scan.split.size", "0")))
                .contains("Option 'scan.split.size' must be at least 1, got 0");
        assertThat(sourceError(options("scan.partition-discovery.interval", "0 s")))
                .contains(
                        "Option 'scan.partition-discovery.interval' must be positive (leave it"
                                + " unset for a bounded scan)");
        assertThat(sourceError(options("scan.on-modified-partition", "IGNORE")))
                .contains("scan.on-modified-partition");
        assertThat(sourceError(options("compression", "GZIP"))).contains("compression");
        assertThat(sourceError(options("partition", "ds=1,hh")))
                .contains(
                        "Option 'partition': 'hh' in 'ds=1,hh' is not key=value (partitions are"
                                + " separated by ';', keys by ',', '*' matches any"
                                + " characters)");
        assertThat(rejectedMessage(source(options("partition", "ds"))))
                .contains(
                        "Option 'partition': it names partition keys without values (the VVR"
                                + " odps connector's dynamic partitions); leave it out: without a"
                                + " static partition, a sink takes each row's partition from its"
                                + " partition columns.");
        assertThat(sourceError(options("scan.parallelism", "-2")))
                .contains("'scan.parallelism' must be at least 1, got -2");
        assertThat(sourceError(options("scan.partition-readiness", "QUIET_PERIOD")))
                .contains(
                        "Option 'scan.partition-readiness.quiet-period' is needed with, and only"
                                + " with, 'scan.partition-readiness' = 'QUIET_PERIOD'");
        assertThat(sourceError(options("scan.partition-readiness.quiet-period", "1 min")))
                .contains("is needed with, and only with");
    }

    @Test
    void factoryIsDiscoveredByItsIdentifier() {
        assertThat(
                        FactoryUtil.discoverFactory(
                                getClass().getClassLoader(),
                                DynamicTableFactory.class,
                                "maxcompute"))
                .isInstanceOf(MaxComputeDynamicTableFactory.class);
    }
}
