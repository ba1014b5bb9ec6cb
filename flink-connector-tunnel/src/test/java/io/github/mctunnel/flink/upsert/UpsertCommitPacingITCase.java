package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance run of the upsert sink's commit pacing, at full length and with the service's real
 * limit (the emulator's default: one upsert commit per partition per minute): checkpoints every
 * second for three minutes into a partitioned Delta table, two writers sharing one session per
 * partition. From the emulator's request log: every commit of a partition at least a minute after
 * the previous one, including the end-of-input commits, and no FlowExceeded at all; the final table
 * equals the changelog applied once, row by row.
 *
 * <p>Runs three to four minutes, set by the commit cadence: a partition is committed every 60 s
 * plus up to a checkpoint interval (at about 62, 123 and 183 s after the start) and the 180 s of
 * input end at about 181 s. When the input ends before the third commit, that commit takes the
 * partition's last session (the job takes about 183 s); when input still arrives after it (the
 * input ends a second or two later, as on a loaded machine), the next session is committed a minute
 * later (about 243 s). Hence the test's own timeout: a run of up to four minutes plus whatever a
 * loaded machine adds is too close to the build's 300 s default (with a session per writer, before
 * the sessions were shared, the second case took about 304 s and failed it).
 */
class UpsertCommitPacingITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration SERVICE_INTERVAL = Duration.ofMinutes(1);
    private static final int BUCKETS = 4;
    private static final int KEYS = 211;
    private static final int EVENTS_PER_SECOND = 20;
    private static final long EVENTS = 180L * EVENTS_PER_SECOND;
    private static final String TABLE = "upsert_paced_3min";

    private static final AtomicInteger CHECKPOINTS = new AtomicInteger();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        // default limits: one upsert commit per partition per minute
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void oneSecondCheckpointsForThreeMinutesCommitAtMostOncePerPartitionPerMinute()
            throws Exception {
        emulator.executeSql(
                "CREATE TABLE "
                        + TABLE
                        + " (id BIGINT NOT NULL, name STRING, v BIGINT, PRIMARY KEY (id))"
                        + " PARTITIONED BY (ds STRING)"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='"
                        + BUCKETS
                        + "')");
        ChangelogEvents events = new ChangelogEvents(KEYS);
        TunnelUpsertSink<Long> sink =
                TunnelUpsertSink.<Long>builder()
                        .setConnection(
                                TunnelConnectionOptions.builder()
                                        .endpoint(emulator.odpsEndpoint())
                                        .tunnelEndpoint(emulator.tunnelEndpoint())
                                        .project(emulator.defaultProject())
                                        .accessKey("ak", "sk")
                                        .build())
                        .setTable(TABLE)
                        .setPrimaryKey(Column.of("id", "bigint"))
                        .setBucketCount(BUCKETS)
                        .setDynamicPartition()
                        .setSerializer(events)
                        .build();
        assertThat(sink.commitInterval()).isEqualTo(SERVICE_INTERVAL);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(1000);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1,
                        EVENTS,
                        RateLimiterStrategy.perSecond(EVENTS_PER_SECOND),
                        Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "changelog")
                .setParallelism(1)
                .map(new CountCheckpoints())
                .setParallelism(1)
                .sinkTo(sink);
        env.execute("three minutes of upserts with 1 s checkpoints");

        // the checkpoints were frequent: many per commit interval
        assertThat(CHECKPOINTS.get()).isGreaterThan(30);

        assertThat(emulator.requestLog().entries(r -> "FlowExceeded".equals(r.errorCode())))
                .isEmpty();
        assertThat(emulator.requestLog().entries(r -> r.status() == 429)).isEmpty();
        Map<String, List<LoggedRequest>> commits = new TreeMap<>();
        for (LoggedRequest r :
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.method().equals("POST")
                                                && r.path()
                                                        .contains("/tables/" + TABLE + "/upserts")
                                                && r.params().containsKey("upsertid"))) {
            assertThat(r.status()).isEqualTo(200);
            commits.computeIfAbsent(r.params().get("partition"), p -> new ArrayList<>()).add(r);
        }
        assertThat(commits).containsOnlyKeys("ds=p0", "ds=p1");
        for (Map.Entry<String, List<LoggedRequest>> e : commits.entrySet()) {
            List<LoggedRequest> partitionCommits = e.getValue();
            // three minutes with a commit a minute, each covering many checkpoints
            assertThat(partitionCommits).as(e.getKey()).hasSizeGreaterThanOrEqualTo(3);
            for (int i = 1; i < partitionCommits.size(); i++) {
                assertThat(
                                partitionCommits.get(i).atMillis()
                                        - partitionCommits.get(i - 1).atMillis())
                        .as("commits %d and %d of %s", i - 1, i, e.getKey())
                        .isGreaterThanOrEqualTo(SERVICE_INTERVAL.toMillis());
            }
        }

        TableIdentifier id = TableIdentifier.of(emulator.defaultProject(), TABLE);
        List<Object[]> rows = new ArrayList<>();
        for (String ds : List.of("p0", "p1")) {
            List<Object[]> partitionRows =
                    emulator.committedRows(id, PartitionSpec.parse("ds=" + ds));
            for (Object[] row : partitionRows) {
                assertThat(ChangelogEvents.partitionOf((Long) row[0])).isEqualTo(ds);
            }
            rows.addAll(partitionRows);
        }
        assertThat(ChangelogEvents.asMap(rows)).isEqualTo(events.applied(EVENTS));
    }

    private static final class CountCheckpoints
            implements MapFunction<Long, Long>, CheckpointListener {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }
}
