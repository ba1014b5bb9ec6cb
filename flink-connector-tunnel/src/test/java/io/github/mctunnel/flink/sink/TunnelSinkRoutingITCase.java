package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing before the writers keeps a parallel job inside the stream tunnel's slot budget: the
 * emulator allows only 2 slots per partition here, and 8 writers each writing every partition would
 * exceed it on the first flushes.
 */
class TunnelSinkRoutingITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            .build());

    private static final int PARALLELISM = 8;
    private static final int PARTITIONS = 48;
    private static final int ROWS = 9_600;

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator =
                TunnelEmulator.builder()
                        .credentials("ak", "sk")
                        .limits(
                                EmulatorLimits.builder()
                                        .maxSlotsPerPartition(2)
                                        .streamSlotIdleTimeout(Duration.ofSeconds(1))
                                        .build())
                        .build()
                        .start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void twoWritersPerPartitionStayWithinTheSlotAndPartitionLimits() throws Exception {
        emulator.executeSql(
                "CREATE TABLE routed_t ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.fromSequence(1, ROWS)
                .sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("routed_t")
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setWritersPerPartition(2)
                                // each writer writes 12 partitions, 8 at a time: the emulator
                                // frees a partition 1 s after its last flush
                                .setPartitionIdleTimeout(Duration.ofSeconds(1))
                                .setFlushMaxRows(50)
                                .setFlushInterval(Duration.ZERO)
                                .build());
        env.execute("routed dynamic partitions");

        TableIdentifier table = TableIdentifier.of(emulator.defaultProject(), "routed_t");
        Set<Long> ids = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (Object[] row : emulator.committedRows(table, PartitionSpec.parse("ds=p" + p))) {
                long id = (Long) row[0];
                assertThat(AllTypesRows.partitionOf(id, PARTITIONS)).isEqualTo("p" + p);
                assertThat(AllTypesRows.normalize(row)).isEqualTo(AllTypesRows.expected(id));
                assertThat(ids.add(id)).as("row %d written once", id).isTrue();
            }
        }
        assertThat(ids).hasSize(ROWS);
        // each partition held by at most 2 writers' sessions (the emulator refused a third)
        assertThat(emulator.stats(table).streamSlotsInUse()).isLessThanOrEqualTo(PARTITIONS * 2);
        assertThat(emulator.attackRequests()).isEmpty();
    }
}
