package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.CredentialsProvider;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.tunnel.StreamSlotStats;
import io.github.mctunnel.flink.config.CredentialsProviderFactory;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connection and routing options of the SQL sink in jobs against the embedded emulator:
 * credentials from a {@code credentials-provider.class}, retry and timeout options, and {@code
 * sink.writers-per-partition} and {@code sink.dynamic-partition.max} with dynamic partitions, each
 * ending with every row in its partition.
 */
class MaxComputeSinkOptionsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(3)
                            .build());

    private static final int ROWS = 2000;

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        // the emulator frees a partition's slots sooner than the sinks count them (sink idle
        // timeouts of at least 1 s), so its peak shows exactly what the sinks hold
        emulator =
                TunnelEmulator.builder()
                        .credentials("ak", "sk")
                        .limits(
                                EmulatorLimits.builder()
                                        .streamSlotIdleTimeout(Duration.ofMillis(500))
                                        .build())
                        .build()
                        .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /** Serves the emulator's AccessKey, as a vault-backed provider would. */
    public static final class EmulatorCredentials implements CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public CredentialsProvider createProvider() {
            return new StaticCredentialsProvider(Credentials.of("ak", "sk"));
        }
    }

    /** Serves a secret the emulator does not accept. */
    public static final class WrongCredentials implements CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public CredentialsProvider createProvider() {
            return new StaticCredentialsProvider(Credentials.of("ak", "WRONGSECRET"));
        }
    }

    private static TableEnvironment tableEnv(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment streamEnv =
                StreamExecutionEnvironment.getExecutionEnvironment(conf);
        streamEnv.setParallelism(parallelism);
        streamEnv.enableCheckpointing(500);
        TableEnvironment env = StreamTableEnvironment.create(streamEnv);
        env.executeSql(
                "CREATE TEMPORARY TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + ROWS
                        + "')");
        return env;
    }

    /** Connection options without credentials, plus {@code extra}. */
    private static String with(String table, String... extra) {
        StringBuilder sb =
                new StringBuilder(" WITH ('connector' = 'maxcompute'")
                        .append(", 'endpoint' = '")
                        .append(emulator.odpsEndpoint())
                        .append("', 'tunnel.endpoint' = '")
                        .append(emulator.tunnelEndpoint())
                        .append("', 'project' = '")
                        .append(emulator.defaultProject())
                        .append("', 'table' = '")
                        .append(table)
                        .append('\'');
        for (int i = 0; i < extra.length; i += 2) {
            sb.append(", '").append(extra[i]).append("' = '").append(extra[i + 1]).append('\'');
        }
        return sb.append(')').toString();
    }

    private static List<Long> committedIds(String table, String partition) {
        List<Long> ids = new ArrayList<>();
        for (Object[] row :
                emulator.committedRows(
                        TableIdentifier.of(emulator.defaultProject(), table),
                        PartitionSpec.parse(partition))) {
            Object name =
                    row[1] instanceof byte[]
                            ? new String((byte[]) row[1], StandardCharsets.UTF_8)
                            : row[1];
            assertThat(name).isEqualTo("n" + row[0]);
            ids.add((Long) row[0]);
        }
        ids.sort(null);
        return ids;
    }

    private static List<Long> idsWithRemainder(int modulus, int remainder) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            if (id % modulus == remainder) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void credentialsProviderRetryAndTimeoutOptionsCarryAJob() throws Exception {
        emulator.executeSql(
                "CREATE TABLE by_provider (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv(2);
        env.executeSql(
                "CREATE TABLE by_provider (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with(
                                "by_provider",
                                "credentials-provider.class",
                                EmulatorCredentials.class.getName(),
                                "retry.max-duration",
                                "30 s",
                                "connect.timeout",
                                "2 s",
                                "socket.timeout",
                                "20 s"));
        env.executeSql(
                        "INSERT INTO by_provider PARTITION (ds = '20261122')"
                                + " SELECT id, CONCAT('n', CAST(id AS STRING)) FROM gen")
                .await();
        assertThat(committedIds("by_provider", "ds=20261122")).isEqualTo(idsWithRemainder(1, 0));
    }

    @Test
    void rejectedProviderCredentialsFailThePlanningWithoutTheSecret() {
        emulator.executeSql("CREATE TABLE refused (id BIGINT, name STRING)");
        TableEnvironment env = tableEnv(1);
        env.executeSql(
                "CREATE TABLE refused (id BIGINT, name STRING)"
                        + with(
                                "refused",
                                "credentials-provider.class",
                                WrongCredentials.class.getName(),
                                "retry.max-duration",
                                "0 s"));
        assertThatThrownBy(() -> env.executeSql("INSERT INTO refused VALUES (1, 'n1')"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Could not read the schema of MaxCompute table")
                .satisfies(
                        e -> {
                            for (Throwable t = e; t != null; t = t.getCause()) {
                                assertThat(String.valueOf(t.getMessage()))
                                        .doesNotContain("WRONGSECRET");
                            }
                        });
    }

    @Test
    void writersPerPartitionKeepsEveryRowOfEachDynamicPartition() throws Exception {
        emulator.executeSql(
                "CREATE TABLE spread (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv(3);
        env.executeSql(
                "CREATE TABLE spread (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with(
                                "spread",
                                "access-id",
                                "ak",
                                "access-key-secret",
                                "sk",
                                "sink.writers-per-partition",
                                "1"));
        env.executeSql(
                        "INSERT INTO spread SELECT id, CONCAT('n', CAST(id AS STRING)),"
                                + " CAST(MOD(id, 4) AS STRING) FROM gen")
                .await();
        for (int day = 0; day < 4; day++) {
            assertThat(committedIds("spread", "ds=" + day))
                    .as("partition ds=%s", day)
                    .isEqualTo(idsWithRemainder(4, day));
        }
    }

    @Test
    void dynamicPartitionMaxCapsThePartitionsAllWritersHoldAtOnce() throws Exception {
        emulator.executeSql(
                "CREATE TABLE capped (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableEnvironment env = tableEnv(3);
        env.executeSql(
                "CREATE TABLE capped (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds)"
                        + with(
                                "capped",
                                "access-id",
                                "ak",
                                "access-key-secret",
                                "sk",
                                "sink.dynamic-partition.max",
                                "2",
                                "sink.partition-idle-timeout",
                                "1 s"));
        env.executeSql(
                        "INSERT INTO capped SELECT id, CONCAT('n', CAST(id AS STRING)),"
                                + " CAST(MOD(id, 4) AS STRING) FROM gen")
                .await();
        for (int day = 0; day < 4; day++) {
            assertThat(committedIds("capped", "ds=" + day))
                    .as("partition ds=%s", day)
                    .isEqualTo(idsWithRemainder(4, day));
        }
        StreamSlotStats slots =
                emulator.streamSlots(TableIdentifier.of(emulator.defaultProject(), "capped"));
        // 4 partitions at parallelism 3, but never more than the 2 the option allows (without
        // the cap, the writers flush all 4 at once)
        assertThat(slots.peakPartitions()).isBetween(1, 2);
        assertThat(slots.limitRefusals()).isZero();
        assertThat(emulator.attackRequests()).isEmpty();
    }
}
