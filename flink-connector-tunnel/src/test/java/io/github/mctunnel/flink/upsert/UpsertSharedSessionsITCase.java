package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight upsert writers against the service's real limit of one commit per partition per minute, on
 * the emulator's clock running 40 times as fast (a simulated minute is 1.5 real seconds; the sink
 * commits at most every 2 real seconds): the writers share one session per partition, so each paced
 * commit makes the changes of every writer visible (freshness: one commit interval plus one
 * checkpoint interval, not eight intervals), the service never answers FlowExceeded, and the table
 * equals the changelog applied once.
 */
class UpsertSharedSessionsITCase {

    private static final int PARALLELISM = 8;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    /** A simulated minute lasts 1.5 real seconds. */
    private static final double CLOCK_SPEED = 40;

    /** The sink's commit interval in real time, above the service's minute on the sped-up clock. */
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(2);

    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);

    private static final int BUCKETS = 16;
    private static final int KEYS = 211;

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator =
                TunnelEmulator.builder()
                        .credentials("ak", "sk")
                        .clockSpeed(CLOCK_SPEED)
                        .build()
                        .start();
        // the service's own limit, on the sped-up clock
        assertThat(emulator.tunnelService().limits().upsertCommitInterval())
                .isEqualTo(Duration.ofMinutes(1));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void eightWritersShareOneSessionPerPartitionAndEachCommitCoversThemAll() throws Exception {
        String table = "upsert_shared";
        emulator.executeSql(
                "CREATE TABLE "
                        + table
                        + " (id BIGINT NOT NULL, name STRING, v BIGINT, PRIMARY KEY (id))"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='"
                        + BUCKETS
                        + "')");
        long count = 4000;
        ChangelogEvents events = new ChangelogEvents(KEYS);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, count, RateLimiterStrategy.perCheckpoint(100), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "changelog")
                .setParallelism(1)
                .sinkTo(
                        TunnelUpsertSink.<Long>builder()
                                .setConnection(
                                        TunnelConnectionOptions.builder()
                                                .endpoint(emulator.odpsEndpoint())
                                                .tunnelEndpoint(emulator.tunnelEndpoint())
                                                .project(emulator.defaultProject())
                                                .accessKey("ak", "sk")
                                                .build())
                                .setTable(table)
                                .setPrimaryKey(Column.of("id", "bigint"))
                                .setBucketCount(BUCKETS)
                                .setSerializer(events)
                                .setCommitInterval(COMMIT_INTERVAL)
                                .build());
        env.execute("shared upsert sessions");

        assertThat(
                        ChangelogEvents.asMap(
                                emulator.committedRows(
                                        TableIdentifier.of(emulator.defaultProject(), table),
                                        PartitionSpec.empty())))
                .isEqualTo(events.applied(count));
        assertThat(emulator.requestLog().entries(r -> "FlowExceeded".equals(r.errorCode())))
                .isEmpty();
        assertThat(emulator.attackRequests()).isEmpty();

        List<LoggedRequest> commits =
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.method().equals("POST")
                                                && r.path()
                                                        .contains("/tables/" + table + "/upserts")
                                                && r.params().containsKey("upsertid"));
        // the writers of each session's flushed buckets (bucket b belongs to writer b % 8)
        Map<String, Set<Integer>> writersBySession = new LinkedHashMap<>();
        for (LoggedRequest r :
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.method().equals("PUT")
                                                && r.path()
                                                        .contains("/tables/" + table + "/upserts")
                                                && r.status() == 200)) {
            int bucket = Integer.parseInt(r.params().get("bucketid"));
            writersBySession
                    .computeIfAbsent(r.params().get("upsertid"), s -> new TreeSet<>())
                    .add(bucket % PARALLELISM);
        }
        Set<String> committedSessions = new TreeSet<>();
        commits.forEach(r -> committedSessions.add(r.params().get("upsertid")));
        // one session at a time: every session written was committed (no per-writer sessions
        // waiting their turn), and sessions written by all eight writers exist
        assertThat(committedSessions).containsAll(writersBySession.keySet());
        assertThat(writersBySession.values()).anySatisfy(w -> assertThat(w).hasSize(PARALLELISM));
        // per-writer sessions would need at least eight sessions per commit round
        assertThat(writersBySession.size()).isLessThanOrEqualTo(commits.size() + 1);
        assertThat(commits.size()).isGreaterThanOrEqualTo(2);

        // freshness, per flushed pack of changes: it becomes visible at the first commit of the
        // partition after it reached the service (no other session's commit comes between), i.e.
        // within one commit interval plus one checkpoint interval; per-writer sessions would make
        // it wait for up to seven other writers' commits
        Map<String, LoggedRequest> commitOf = new LinkedHashMap<>();
        commits.stream()
                .filter(r -> r.status() == 200)
                .forEach(r -> commitOf.putIfAbsent(r.params().get("upsertid"), r));
        List<Long> simulatedDelays = new java.util.ArrayList<>();
        for (LoggedRequest flush :
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.method().equals("PUT")
                                                && r.path()
                                                        .contains("/tables/" + table + "/upserts")
                                                && r.status() == 200)) {
            LoggedRequest commit = commitOf.get(flush.params().get("upsertid"));
            assertThat(commit).as("commit of a flushed session").isNotNull();
            long between =
                    commitOf.values().stream()
                            .filter(
                                    c ->
                                            c.sequence() > flush.sequence()
                                                    && c.sequence() < commit.sequence())
                            .count();
            assertThat(between)
                    .as("commits of other sessions between a flush and its own commit")
                    .isZero();
            simulatedDelays.add(commit.atMillis() - flush.atMillis());
        }
        java.util.Collections.sort(simulatedDelays);
        System.out.printf(
                "upsert freshness at parallelism %d: %d flushes, flush to visible on the service's"
                        + " clock: median %.1f s, max %.1f s (bound: commit interval %.0f s +"
                        + " checkpoint interval %.0f s)%n",
                PARALLELISM,
                simulatedDelays.size(),
                simulatedDelays.get(simulatedDelays.size() / 2) / 1000.0,
                simulatedDelays.get(simulatedDelays.size() - 1) / 1000.0,
                COMMIT_INTERVAL.toMillis() * CLOCK_SPEED / 1000.0,
                CHECKPOINT_INTERVAL.toMillis() * CLOCK_SPEED / 1000.0);
    }
}
