package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.CredentialsProvider;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.config.CredentialsProviderFactory;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The source signs with credentials from a {@link CredentialsProviderFactory}. */
class TunnelSourceCredentialsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private EmulatorTables tables;

    @BeforeEach
    void createTable() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        CountingFactory.CALLS.set(0);
    }

    @AfterEach
    void closeEmulator() throws Exception {
        tables.close();
    }

    /** Hands out the key it holds and counts how often credentials were asked for. */
    record CountingFactory(String id, String secret) implements CredentialsProviderFactory {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public CredentialsProvider createProvider() {
            return () -> {
                CALLS.incrementAndGet();
                return Credentials.of(id, secret);
            };
        }
    }

    private TunnelSource<String> source(CredentialsProviderFactory factory) {
        return TunnelSource.<String>builder()
                .setConnection(
                        TunnelConnectionOptions.builder()
                                .endpoint(tables.emulator.odpsEndpoint())
                                .tunnelEndpoint(tables.emulator.tunnelEndpoint())
                                .project(EmulatorTables.PROJECT)
                                .credentialsProvider(factory)
                                .build())
                .setTable("t")
                .setDeserializer(new LineDeserializer())
                .setSplitRows(100)
                .build();
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    @Test
    void readsWithCredentialsFromTheProvider() throws Exception {
        List<String> expected = new ArrayList<>(tables.write("t", "ds=1", 0, 250));
        expected.addAll(tables.write("t", "ds=2", 1_000, 150));

        List<String> actual = new ArrayList<>();
        try (CloseableIterator<String> it =
                env().fromSource(
                                source(new CountingFactory(EmulatorTables.AK, EmulatorTables.SK)),
                                WatermarkStrategy.noWatermarks(),
                                "tunnel")
                        .executeAndCollect()) {
            it.forEachRemaining(actual::add);
        }

        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        // asked once per request: table, partitions, 2 sessions, attaches and downloads
        assertThat(CountingFactory.CALLS.get()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void wrongCredentialsFailTheJobNamingTheTable() throws Exception {
        tables.write("t", "ds=1", 0, 10);
        assertThatThrownBy(
                        () -> {
                            try (CloseableIterator<String> it =
                                    env().fromSource(
                                                    source(
                                                            new CountingFactory(
                                                                    EmulatorTables.AK,
                                                                    "bad-secret-value")),
                                                    WatermarkStrategy.noWatermarks(),
                                                    "tunnel")
                                            .executeAndCollect()) {
                                it.forEachRemaining(r -> {});
                            }
                        })
                .satisfies(
                        e -> {
                            assertThat(
                                            ExceptionUtils.findThrowableWithMessage(
                                                    e,
                                                    "Failed to discover the partitions of table"
                                                            + " p.t"))
                                    .isPresent();
                            assertThat(ExceptionUtils.stringifyException(e))
                                    .doesNotContain("bad-secret-value")
                                    .contains("HTTP 401");
                        });
        assertThat(CountingFactory.CALLS.get()).isPositive();
    }
}
