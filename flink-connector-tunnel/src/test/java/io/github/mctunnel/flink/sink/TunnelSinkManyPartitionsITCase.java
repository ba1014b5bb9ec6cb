package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.tunnel.StreamSlotStats;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The at-least-once sink at parallelism 8 with 1 s checkpoints writes a 100-partition dynamic table
 * for about 30 s, two writers per partition, and stays within the stream tunnel's limits of 64
 * partitions per table and 32 slots per partition. Rows arrive in a window of 24 partitions that
 * slides over all 100, as rows of time partitions do; the writers release partitions that went
 * idle, so the emulator (which frees a partition's slots 2 s after a session's last flush there)
 * never holds more than 64 and never refuses a flush.
 */
class TunnelSinkManyPartitionsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            .build());

    private static final int PARALLELISM = 8;
    private static final int PARTITIONS = 100;
    private static final int WINDOW = 24;
    private static final int ROWS = 48_000;
    private static final int ROWS_PER_SECOND = 1_600;
    private static final Duration SLOT_IDLE_TIMEOUT = Duration.ofSeconds(2);

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator =
                TunnelEmulator.builder()
                        .credentials("ak", "sk")
                        .limits(
                                EmulatorLimits.builder()
                                        .streamSlotIdleTimeout(SLOT_IDLE_TIMEOUT)
                                        .build())
                        .build()
                        .start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    /** Row {@code i}'s partition: a window of {@link #WINDOW} partitions sliding over all. */
    static int partitionOf(long i) {
        long base = i * (PARTITIONS - WINDOW + 1) / ROWS;
        return (int) (base + i % WINDOW);
    }

    @Test
    void hundredPartitionsAtParallelismEightStayWithinTheStreamLimits() throws Exception {
        emulator.executeSql("CREATE TABLE many_t (id BIGINT) PARTITIONED BY (ds STRING)");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(1000);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i, ROWS, RateLimiterStrategy.perSecond(ROWS_PER_SECOND), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .setParallelism(1)
                .sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("many_t")
                                .setSerializer(new WindowSerializer())
                                .setDynamicPartition()
                                .setWritersPerPartition(2)
                                .setPartitionIdleTimeout(SLOT_IDLE_TIMEOUT)
                                .setFlushInterval(Duration.ZERO)
                                .build());
        env.execute("100 partitions at parallelism 8");

        TableIdentifier table = TableIdentifier.of(emulator.defaultProject(), "many_t");
        Map<Integer, List<Long>> expected = new HashMap<>();
        for (long i = 0; i < ROWS; i++) {
            expected.computeIfAbsent(partitionOf(i), p -> new ArrayList<>()).add(i);
        }
        assertThat(expected).hasSize(PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            List<Long> ids = new ArrayList<>();
            for (Object[] row : emulator.committedRows(table, PartitionSpec.parse("ds=p" + p))) {
                ids.add((Long) row[0]);
            }
            assertThat(ids)
                    .as("partition p%d", p)
                    .containsExactlyInAnyOrderElementsOf(expected.get(p));
        }

        StreamSlotStats slots = emulator.streamSlots(table);
        assertThat(slots.limitRefusals()).as("SlotExceeded answers").isZero();
        assertThat(slots.peakPartitions()).isLessThanOrEqualTo(64);
        // two writers per partition, one slot each: far below the 32 slots of a partition
        assertThat(slots.peakSlotsPerPartition()).isLessThanOrEqualTo(2);
        List<LoggedRequest> errors =
                emulator.requestLog()
                        .entries(r -> r.path().contains("many_t") && r.status() >= 400);
        assertThat(errors).isEmpty();
        assertThat(emulator.stats(table).rowsCommitted()).isEqualTo(ROWS);
        assertThat(emulator.attackRequests()).isEmpty();
    }

    /** Rows of one BIGINT column, partition {@code ds=p<partitionOf(id)>}. */
    static final class WindowSerializer extends ObjectArrayRecordSerializer<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void open(TableSchema schema, boolean withPartitionValues) {
            assertThat(schema.columnCount()).isEqualTo(1);
        }

        @Override
        public Object[] serialize(Long id, Object[] reuse) {
            reuse[0] = id;
            if (reuse.length > 1) {
                reuse[1] = "p" + partitionOf(id);
            }
            return reuse;
        }
    }
}
