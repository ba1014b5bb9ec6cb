package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TableWriteLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Stop with a savepoint on Friday, start on Monday": an exactly-once job is stopped with a
 * savepoint, the emulator's clock moves past the 24 h session lifetime, and the job restored from
 * the savepoint starts (no restart strategy: a failure would fail the test), writes the rest, and
 * the table holds every row exactly once.
 */
class TunnelExactlyOnceSavepointAfterLifetimeITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long ROWS = 3000;
    private static final int PARTITIONS = 2;
    private static final TableWriteLimits LIMITS =
            new TableWriteLimits(100_000, 100_000, 32, 10_000);

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = FrequentCheckpointsEmulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void aSavepointRestoredAfterTheSessionLifetimeStartsAndKeepsEveryRowExactlyOnce(
            @TempDir Path savepoints) throws Exception {
        emulator.executeSql(
                "CREATE TABLE eo_weekend ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        TableIdentifier table = TableIdentifier.of(emulator.defaultProject(), "eo_weekend");

        JobClient friday = job(null).executeAsync();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (emulator.stats(table).rowsCommitted() < 300) {
            assertThat(System.nanoTime()).as("rows committed on Friday").isLessThan(deadline);
            Thread.sleep(50);
        }
        String savepoint =
                friday.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
        long fridayRows = emulator.stats(table).rowsCommitted();
        assertThat(fridayRows).isLessThan(ROWS);

        emulator.advanceClock(Duration.ofHours(60));
        job(savepoint).execute("monday");

        List<Long> ids = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (Object[] row : emulator.committedRows(table, PartitionSpec.parse("ds=p" + p))) {
                long id = (Long) row[0];
                assertThat(AllTypesRows.normalize(row)).isEqualTo(AllTypesRows.expected(id));
                ids.add(id);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            expected.add(id);
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
        // Friday's sessions expired unused by Monday's job: none is open any more
        assertThat(emulator.stats(table).openUploadSessions()).isZero();
        assertThat(emulator.attackRequests()).isEmpty();
    }

    private static StreamExecutionEnvironment job(String savepoint) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perCheckpoint(150), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .uid("ids")
                .sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("eo_weekend")
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setMaxPartitionsPerCheckpoint(PARTITIONS)
                                .setTableLimits(LIMITS)
                                .build())
                .uid("eo-sink");
        return env;
    }
}
