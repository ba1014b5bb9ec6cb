package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17 defect 5, against the emulator: 30 partitions added ahead of their data, discovery
 * every 100 ms. Before, each discovery created a download session per empty partition (about 300 a
 * second here, until the session budget throttled the table). Now the partitions are looked at in
 * their metadata with a back-off, and only a partition with rows gets a session.
 */
class TunnelSourceEmptyPartitionsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private EmulatorTables tables;

    @AfterEach
    void closeEmulator() throws Exception {
        if (tables != null) {
            tables.close();
        }
    }

    @Test
    void emptyPartitionsCostNoSessionsAndAreReadOnceTheyHaveRows() throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        StringBuilder add = new StringBuilder("ALTER TABLE t ADD");
        for (int ds = 1; ds <= 30; ds++) {
            add.append(" PARTITION (ds='").append(ds).append("')");
        }
        tables.sql(add.toString());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TunnelSource<String> source =
                TunnelSource.<String>builder()
                        .setConnection(tables.connection())
                        .setTable("t")
                        .setDeserializer(new LineDeserializer())
                        .setContinuous(Duration.ofMillis(100))
                        .setPartitionReadiness(PartitionReadiness.immediately())
                        .build();
        List<String> read = new ArrayList<>();
        long started = System.nanoTime();
        try (CloseableIterator<String> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                        .executeAndCollect()) {
            // each partition is looked at, then again after 100, 200, 400, 800 ms ...
            waitUntil(
                    () -> {
                        Map<String, Integer> looks = metadataLooks();
                        return looks.size() == 30 && looks.values().stream().allMatch(n -> n >= 4);
                    });
            assertThat(sessionsCreated()).isZero();

            List<String> expected = tables.write("t", "ds=7", 0, 40);
            expected.addAll(tables.write("t", "ds=23", 100, 60));
            while (read.size() < expected.size()) {
                read.add(it.next());
            }
            assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(sessionsCreated()).isEqualTo(2);
        }
        // the back-off doubles from the interval: after t ms a partition was looked at no more
        // than 2 + log2(t / 100) times (each discovery would be t / 100)
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        int bound = 2 + (int) Math.ceil(Math.log(elapsedMillis / 100.0) / Math.log(2));
        Map<String, Integer> looks = metadataLooks();
        assertThat(looks).hasSize(30);
        assertThat(looks.values()).allSatisfy(n -> assertThat(n).isBetween(4, bound));
    }

    /** The source's metadata looks (GET table?partition=ds='..') per partition. */
    private Map<String, Integer> metadataLooks() {
        Map<String, Integer> looks = new TreeMap<>();
        for (LoggedRequest r :
                tables.emulator
                        .requestLog()
                        .entries(
                                r ->
                                        r.method().equals("GET")
                                                && r.params()
                                                        .getOrDefault("partition", "")
                                                        .startsWith("ds='")
                                                && !r.params().containsKey("downloadid")
                                                && !r.params().containsKey("data")
                                                && !r.params().containsKey("partitions"))) {
            looks.merge(r.params().get("partition"), 1, Integer::sum);
        }
        return looks;
    }

    private long sessionsCreated() {
        return tables.emulator
                .stats(TableIdentifier.of(EmulatorTables.PROJECT, "t"))
                .downloadSessionsCreated();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 60 s");
            }
            Thread.sleep(5);
        }
    }
}
