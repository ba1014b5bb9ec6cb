package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.tunnel.TunnelStats;
import io.github.mctunnel.flink.config.TableWriteLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once sink at parallelism 8 with a checkpoint every second for 60 seconds, against an
 * emulator enforcing the service's published table limits: per partition at most one upload session
 * created and one commit per completed checkpoint (counted from the emulator's request log), no
 * limit error and no attack request, and exactly the input rows in the table.
 */
class TunnelExactlyOnceSinkParallelismITCase {

    private static final int PARALLELISM = 8;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    private static final int SECONDS = 60;
    private static final int ROWS_PER_SECOND = 500;
    private static final int ROWS = SECONDS * ROWS_PER_SECOND;
    private static final int PARTITIONS = 3;
    private static final int WRITERS_PER_PARTITION = 2;

    /**
     * Sustained for 5 minutes, 3 partitions x 2 writers at one checkpoint per second would need 900
     * sessions and 1800 blocks per 5 minutes, more than the published 500 each, and the builder
     * would refuse the job; in 60 seconds the job uses 180 and 360 of them, within the limits the
     * emulator enforces here. Concurrent sessions and commits are the published budgets.
     */
    private static final TableWriteLimits SIXTY_SECOND_LIMITS =
            new TableWriteLimits(900, 1800, 32, 75);

    /** The highest checkpoint id completed. */
    private static final AtomicLong LAST_COMPLETED = new AtomicLong();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator =
                TunnelEmulator.builder()
                        .credentials("ak", "sk")
                        .limits(EmulatorLimits.defaults())
                        .build()
                        .start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void oneSessionAndOneCommitPerPartitionAndCheckpointAtParallelism8() throws Exception {
        emulator.executeSql(
                "CREATE TABLE eo_p8 (" + AllTypesRows.DDL_COLUMNS + ") PARTITIONED BY (ds STRING)");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(1000);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1,
                        ROWS,
                        RateLimiterStrategy.perSecond(ROWS_PER_SECOND),
                        Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .map(new CheckpointCounter())
                .sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("eo_p8")
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setMaxPartitionsPerCheckpoint(PARTITIONS)
                                .setWritersPerPartition(WRITERS_PER_PARTITION)
                                .setTableLimits(SIXTY_SECOND_LIMITS)
                                .build());
        env.execute("exactly once at parallelism 8");

        TableIdentifier table = TableIdentifier.of(emulator.defaultProject(), "eo_p8");
        List<Long> ids = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (Object[] row : emulator.committedRows(table, PartitionSpec.parse("ds=p" + p))) {
                ids.add((Long) row[0]);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            expected.add(id);
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);

        List<LoggedRequest> log = emulator.requestLog().entries();
        assertThat(log).filteredOn(r -> r.status() >= 400).as("failed requests").isEmpty();
        assertThat(emulator.attackRequests()).isEmpty();

        long checkpoints = LAST_COMPLETED.get();
        Map<String, Integer> sessionsCreated = new HashMap<>();
        Map<String, Integer> commits = new HashMap<>();
        Map<String, Integer> commitsPerSession = new HashMap<>();
        for (LoggedRequest r : log) {
            if (!r.method().equals("POST") || !r.path().endsWith("/tables/eo_p8")) {
                continue;
            }
            String partition = PartitionSpec.parse(r.params().get("partition")).toString();
            if (r.params().containsKey("uploads")) {
                sessionsCreated.merge(partition, 1, Integer::sum);
            } else if (r.params().containsKey("uploadid")) {
                commits.merge(partition, 1, Integer::sum);
                commitsPerSession.merge(r.params().get("uploadid"), 1, Integer::sum);
            }
        }
        assertThat(sessionsCreated).hasSize(PARTITIONS);
        assertThat(commits).hasSize(PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            String partition = "ds=p" + p;
            assertThat(sessionsCreated.get(partition))
                    .as("sessions created for %s in %d checkpoints", partition, checkpoints)
                    .isLessThanOrEqualTo((int) checkpoints);
            assertThat(commits.get(partition))
                    .as("commits of %s in %d checkpoints", partition, checkpoints)
                    .isLessThanOrEqualTo((int) checkpoints)
                    // the job ran through many checkpoints, each partition taking rows in each
                    .isGreaterThanOrEqualTo(10);
        }
        assertThat(commitsPerSession.values()).as("commits per session").containsOnly(1);

        TunnelStats stats = emulator.stats(table);
        assertThat(stats.rowsCommitted()).isEqualTo(ROWS);
        assertThat(stats.openUploadSessions()).isZero();
        // one block per writer of a partition per checkpoint
        assertThat(stats.blocksWritten())
                .isLessThanOrEqualTo((long) WRITERS_PER_PARTITION * PARTITIONS * checkpoints);
    }

    /** Notes the highest completed checkpoint id. */
    private static final class CheckpointCounter
            implements MapFunction<Long, Long>, CheckpointListener {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            LAST_COMPLETED.accumulateAndGet(checkpointId, Math::max);
        }
    }
}
