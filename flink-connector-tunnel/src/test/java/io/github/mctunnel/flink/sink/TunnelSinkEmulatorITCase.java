package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The at-least-once stream-tunnel sink in MiniCluster jobs against the embedded emulator. */
class TunnelSinkEmulatorITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int ROWS = 1200;
    private static final int PARTITIONS = 3;

    /** Fails the job once, on the first record after a checkpoint completed. */
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    static TunnelConnectionOptions connection(TunnelEmulator emulator) {
        return TunnelConnectionOptions.builder()
                .endpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(emulator.defaultProject())
                .accessKey("ak", "sk")
                .build();
    }

    private static TableIdentifier table(String name) {
        return TableIdentifier.of(emulator.defaultProject(), name);
    }

    @Test
    void staticPartitionHoldsExactlyTheInputRowsOfEveryType() throws Exception {
        emulator.executeSql(
                "CREATE TABLE static_t ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE static_t ADD PARTITION (ds='20240101')");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSequence(1, ROWS)
                .sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(connection(emulator))
                                .setTable("static_t")
                                .setSerializer(new AllTypesRows.Serializer(0))
                                .setPartition("ds=20240101")
                                .setFlushMaxRows(100)
                                .setFlushInterval(Duration.ZERO)
                                .build());
        env.execute("static partition");

        Map<Long, List<Object>> rows =
                rowsById(
                        emulator.committedRows(
                                table("static_t"), PartitionSpec.parse("ds=20240101")));
        assertThat(rows).hasSize(ROWS);
        for (long id = 1; id <= ROWS; id++) {
            assertThat(rows.get(id)).as("row %d", id).isEqualTo(AllTypesRows.expected(id));
        }
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void dynamicPartitionsHoldEachRowInItsPartition() throws Exception {
        emulator.executeSql(
                "CREATE TABLE dynamic_t ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSequence(1, ROWS)
                .sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(connection(emulator))
                                .setTable("dynamic_t")
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setFlushMaxRows(100)
                                .setFlushInterval(Duration.ZERO)
                                .build());
        env.execute("dynamic partitions");

        for (int p = 0; p < PARTITIONS; p++) {
            String value = "p" + p;
            Map<Long, List<Object>> rows =
                    rowsById(
                            emulator.committedRows(
                                    table("dynamic_t"), PartitionSpec.parse("ds=" + value)));
            int count = 0;
            for (long id = 1; id <= ROWS; id++) {
                if (AllTypesRows.partitionOf(id, PARTITIONS).equals(value)) {
                    assertThat(rows.get(id)).as("row %d", id).isEqualTo(AllTypesRows.expected(id));
                    count++;
                }
            }
            assertThat(rows).as("partition %s", value).hasSize(count);
        }
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void noRowIsLostAfterAFailureAndRestart() throws Exception {
        emulator.executeSql(
                "CREATE TABLE failing_t ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        FAILED.set(false);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perCheckpoint(100), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .map(new FailOnceAfterCheckpoint())
                .sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(connection(emulator))
                                .setTable("failing_t")
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setFlushMaxRows(64)
                                .setFlushInterval(Duration.ZERO)
                                .build());
        env.execute("with failure");

        assertThat(FAILED).isTrue();
        List<Object[]> all = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            all.addAll(emulator.committedRows(table("failing_t"), PartitionSpec.parse("ds=p" + p)));
        }
        // at least once: every row is there with its exact values; rows replayed after the
        // failure may be there twice
        Set<Long> ids = new HashSet<>();
        for (Object[] row : all) {
            long id = (Long) row[0];
            assertThat(AllTypesRows.normalize(row)).isEqualTo(AllTypesRows.expected(id));
            ids.add(id);
        }
        assertThat(ids).hasSize(ROWS);
        assertThat(emulator.attackRequests()).isEmpty();
    }

    static Map<Long, List<Object>> rowsById(List<Object[]> committed) {
        Map<Long, List<Object>> rows = new HashMap<>();
        for (Object[] row : committed) {
            List<Object> previous = rows.put((Long) row[0], AllTypesRows.normalize(row));
            assertThat(previous).as("duplicate row %s", row[0]).isNull();
        }
        return rows;
    }

    private static final class FailOnceAfterCheckpoint
            implements MapFunction<Long, Long>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private boolean checkpointCompleted;

        @Override
        public Long map(Long value) {
            if (checkpointCompleted && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a checkpoint");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointCompleted = true;
        }
    }
}
