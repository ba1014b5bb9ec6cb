package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream-tunnel job that runs past the service's 24 h session lifetime without a failover: while
 * an at-least-once job writes, the test moves the emulator's clock 25 h forward three times, so
 * every stream session the writers hold expires under them. The writers' own renewal clock is the
 * JVM's (it never reaches 23 h here): each writer finds its session expired on a flush (404 {@code
 * NoSuchUpload}), creates a new one and sends the refused pack again. Restarts are disabled, so a
 * failover fails the job; afterwards the table holds every row exactly once.
 */
class TunnelSinkSessionLifetimeITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int ROWS = 2400;
    private static final int PARTITIONS = 2;
    private static final int CLOCK_JUMPS = 3;
    private static final Duration JUMP = Duration.ofHours(25);

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    private static TableIdentifier table(String name) {
        return TableIdentifier.of(emulator.defaultProject(), name);
    }

    @Test
    void staticPartitionJobRunsPastTheSessionLifetimeWithoutAFailover() throws Exception {
        emulator.executeSql(
                "CREATE TABLE lifetime_static_t ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE lifetime_static_t ADD PARTITION (ds='20240101')");
        List<PartitionSpec> partitions = List.of(PartitionSpec.parse("ds=20240101"));
        runPastTheLifetime(
                "lifetime_static_t",
                partitions,
                TunnelSink.<Long>builder()
                        .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                        .setTable("lifetime_static_t")
                        .setSerializer(new AllTypesRows.Serializer(0))
                        .setPartition("ds=20240101")
                        .setFlushMaxRows(50)
                        .setFlushInterval(Duration.ofMillis(200))
                        .build());
    }

    @Test
    void dynamicPartitionJobRunsPastTheSessionLifetimeWithoutAFailover() throws Exception {
        emulator.executeSql(
                "CREATE TABLE lifetime_dynamic_t ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        List<PartitionSpec> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(PartitionSpec.parse("ds=p" + p));
        }
        runPastTheLifetime(
                "lifetime_dynamic_t",
                partitions,
                TunnelSink.<Long>builder()
                        .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                        .setTable("lifetime_dynamic_t")
                        .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                        .setDynamicPartition()
                        .setFlushMaxRows(50)
                        .setFlushInterval(Duration.ofMillis(200))
                        .build());
    }

    private void runPastTheLifetime(
            String tableName, List<PartitionSpec> partitions, TunnelSink<Long> sink)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perSecond(300), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids").sinkTo(sink);
        JobClient job = env.executeAsync("past the session lifetime");
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();

        // move the service's clock past the session lifetime while the job writes, each time
        // after another part of the rows arrived
        for (int jump = 1; jump <= CLOCK_JUMPS; jump++) {
            long target = (long) ROWS * jump / (CLOCK_JUMPS + 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (emulator.stats(table(tableName)).rowsCommitted() < target && !result.isDone()) {
                assertThat(System.nanoTime()).as("rows arrive").isLessThan(deadline);
                Thread.sleep(20);
            }
            emulator.advanceClock(JUMP);
        }
        // no restarts: any failover failed the job, and this throws its cause
        result.get(2, TimeUnit.MINUTES);

        List<Object[]> all = new ArrayList<>();
        for (PartitionSpec p : partitions) {
            all.addAll(emulator.committedRows(table(tableName), p));
        }
        // exactly once: no failover, so nothing was replayed, and no refused pack was lost
        Map<Long, List<Object>> rows = TunnelSinkEmulatorITCase.rowsById(all);
        assertThat(rows).hasSize(ROWS);
        for (long id = 1; id <= ROWS; id++) {
            assertThat(rows.get(id)).as("row %d", id).isEqualTo(AllTypesRows.expected(id));
        }
        List<LoggedRequest> expired =
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.path().endsWith("/" + tableName + "/streams")
                                                && r.method().equals("PUT")
                                                && r.status() == 404);
        assertThat(expired)
                .as("flushes refused because their session expired")
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.errorCode()).isEqualTo("NoSuchUpload"));
        assertThat(emulator.stats(table(tableName)).streamSessionsCreated())
                .as("sessions created: the first ones and one per writer after each jump at most")
                .isLessThanOrEqualTo(2L * (CLOCK_JUMPS + 1));
        assertThat(emulator.attackRequests()).isEmpty();
    }
}
