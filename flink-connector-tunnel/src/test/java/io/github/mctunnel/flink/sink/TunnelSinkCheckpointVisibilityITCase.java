package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AT_LEAST_ONCE: when a checkpoint completes, every row that passed the barrier's upstream is
 * visible in the table. The sink only flushes at checkpoints here (no timer, row and byte limits
 * out of reach), so the rows can only be there because the flush before the barrier waited for the
 * service's acknowledgement.
 */
class TunnelSinkCheckpointVisibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final int ROWS = 600;
    private static final PartitionSpec PARTITION = PartitionSpec.parse("ds=20240101");

    /** Rows upstream of the sink when each checkpoint's barrier passed. */
    private static final Map<Long, Long> ROWS_AT_BARRIER = new ConcurrentHashMap<>();

    /** Per completed checkpoint: rows before its barrier, rows visible when it completed. */
    private static final List<long[]> OBSERVED = new CopyOnWriteArrayList<>();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    static TableIdentifier table() {
        return TableIdentifier.of(emulator.defaultProject(), "visible_t");
    }

    @Test
    void aCompletedCheckpointFindsEveryRowBeforeItsBarrierInTheTable() throws Exception {
        emulator.executeSql(
                "CREATE TABLE visible_t ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE visible_t ADD PARTITION (ds='20240101')");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perCheckpoint(100), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .map(new BarrierProbe())
                .sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("visible_t")
                                .setSerializer(new AllTypesRows.Serializer(0))
                                .setPartition(PARTITION.toString())
                                .setFlushMaxRows(1_000_000)
                                .setFlushInterval(Duration.ZERO)
                                .build());
        env.execute("checkpoint visibility");

        assertThat(OBSERVED).as("completed checkpoints with rows before them").isNotEmpty();
        for (long[] o : OBSERVED) {
            assertThat(o[1])
                    .as("rows visible vs. rows before the barrier")
                    .isGreaterThanOrEqualTo(o[0]);
        }
        assertThat(emulator.committedRows(table(), PARTITION)).hasSize(ROWS);
    }

    /** Counts rows, notes the count at each barrier, and checks the table at each completion. */
    private static final class BarrierProbe
            implements MapFunction<Long, Long>, CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private long rows;

        @Override
        public Long map(Long value) {
            rows++;
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            ROWS_AT_BARRIER.put(context.getCheckpointId(), rows);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Long before = ROWS_AT_BARRIER.get(checkpointId);
            if (before != null && before > 0) {
                long visible = emulator.committedRows(table(), PARTITION).size();
                OBSERVED.add(new long[] {before, visible});
            }
        }
    }
}
