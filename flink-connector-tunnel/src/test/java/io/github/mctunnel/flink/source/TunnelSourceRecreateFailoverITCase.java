package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17 defect 2, end to end: a continuous read with policy RECREATE whose session expires in
 * the middle of a split, followed by a task failure before the next checkpoint. The reader reported
 * the split invalid at row R2 and read on from R2 on the replacement session; the restored reader
 * holds the split at the checkpoint's row R1 &lt; R2 and reports it again. Rows [R1, R2) were
 * emitted after the checkpoint, so they are rolled back with the failure and must be read again.
 *
 * <p>Checkpoints are triggered by the test only, so none completes between the invalidation and the
 * failure; downloads are slowed a little (20 ms per 10 rows) so the checkpoint lands inside the
 * split. Every row must be covered by the last completed checkpoint exactly once. A task failure
 * restarts tasks without rolling back the enumerator (it gets {@code subtaskReset} and {@code
 * addSplitsBack}); that holds for the full restart strategy as well, only a global failure restores
 * the enumerator.
 */
class TunnelSourceRecreateFailoverITCase {

    private static final int ROWS = 1_000;

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
    void taskFailureAfterAnInvalidationReadsEveryRowExactlyOnce(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        List<String> expected = tables.write("t", "ds=1", 0, ROWS);
        RequestMatcher data = RequestMatcher.of("GET", "/tables/t").withParam("data");
        tables.emulator.faultPlan().delayNext(Integer.MAX_VALUE, data, Duration.ofMillis(20));
        CountingMapper.reset();
        Collector.reset();

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        conf.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, "region");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(Duration.ofHours(1).toMillis()); // triggered by the test
        TunnelSource<String> source =
                TunnelSource.<String>builder()
                        .setConnection(tables.connection())
                        .setTable("t")
                        .setDeserializer(new LineDeserializer())
                        .setContinuous(Duration.ofMillis(100))
                        .setPartitionReadiness(PartitionReadiness.immediately())
                        .setSessionInvalidationPolicy(SessionInvalidationPolicy.RECREATE)
                        .setSplitRows(ROWS)
                        .setRowsPerRequest(10)
                        .setBatchRows(10)
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                .map(new CountingMapper())
                .map(new Collector())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("recreate with failover");
        try {
            // a checkpoint in the middle of the split (R1 >= 100)
            waitUntil(() -> CountingMapper.SEEN.get() >= 100);
            checkpoint(cluster, job.getJobID());
            long r1 = published();
            assertThat(r1).isBetween(100L, ROWS - 200L);

            // the session expires: the reader reports the split at R2 > R1 and reads on from R2
            // on a replacement session
            String first = downloadIds().get(0);
            tables.emulator.tunnelService().expireSession(first);
            waitUntil(() -> downloadIds().size() >= 2);
            long seenAtReplacement = CountingMapper.SEEN.get();
            waitUntil(() -> CountingMapper.SEEN.get() >= seenAtReplacement + 30);

            // the task fails before another checkpoint: it restores the split at R1
            CountingMapper.FAIL.set(true);
            waitUntil(() -> CountingMapper.FAILED.get());

            // checkpoint until every row is covered or nothing more comes
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (published() < ROWS && System.nanoTime() < deadline) {
                checkpoint(cluster, job.getJobID());
            }
        } finally {
            job.cancel().get();
        }
        List<String> emitted = new ArrayList<>();
        Collector.PUBLISHED.values().forEach(emitted::addAll);
        Collections.sort(emitted);
        List<String> sorted = new ArrayList<>(expected);
        Collections.sort(sorted);
        assertThat(emitted).as("rows covered by the last checkpoint").hasSize(ROWS);
        assertThat(emitted).isEqualTo(sorted);
        long sessions =
                tables.emulator
                        .stats(TableIdentifier.of(EmulatorTables.PROJECT, "t"))
                        .downloadSessionsCreated();
        // the replacement serves the repeated report too
        assertThat(sessions).isEqualTo(2);
    }

    private static long published() {
        long n = 0;
        for (List<String> rows : Collector.PUBLISHED.values()) {
            n += rows.size();
        }
        return n;
    }

    /** Triggers a checkpoint and waits until the collector published what it covers. */
    private static void checkpoint(MiniCluster cluster, JobID job) throws Exception {
        long id;
        try {
            id = cluster.triggerCheckpoint(job, CheckpointType.FULL).get();
        } catch (ExecutionException e) {
            return; // e.g. while the job restarts: the caller tries again
        }
        waitUntil(() -> Collector.LAST_PUBLISHED.get() >= id);
    }

    /** Ids of the download sessions in the order they were first used. */
    private List<String> downloadIds() {
        List<String> ids = new ArrayList<>();
        for (LoggedRequest r :
                tables.emulator.requestLog().entries(r -> r.params().containsKey("downloadid"))) {
            String id = r.params().get("downloadid");
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 60 s");
            }
            Thread.sleep(5);
        }
    }

    /** Counts records; throws once when asked to. */
    static final class CountingMapper implements MapFunction<String, String> {
        static final AtomicLong SEEN = new AtomicLong();
        static final AtomicBoolean FAIL = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();

        static void reset() {
            SEEN.set(0);
            FAIL.set(false);
            FAILED.set(false);
        }

        @Override
        public String map(String value) {
            SEEN.incrementAndGet();
            if (FAIL.compareAndSet(true, false)) {
                FAILED.set(true);
                throw new IllegalStateException("Injected failure after an invalidation");
            }
            return value;
        }
    }

    /**
     * Keeps every record it saw in operator state and publishes the records covered by each
     * completed checkpoint (parallelism 1).
     */
    static final class Collector extends RichMapFunction<String, String>
            implements CheckpointedFunction, CheckpointListener {
        static final Map<Integer, List<String>> PUBLISHED = new ConcurrentHashMap<>();
        static final AtomicLong LAST_PUBLISHED = new AtomicLong(-1);

        private final Map<Long, List<String>> snapshots = new ConcurrentHashMap<>();
        private transient List<String> records;
        private transient ListState<String> state;

        static void reset() {
            PUBLISHED.clear();
            LAST_PUBLISHED.set(-1);
        }

        @Override
        public String map(String value) {
            records.add(value);
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            state.update(records);
            snapshots.put(context.getCheckpointId(), new ArrayList<>(records));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            state =
                    context.getOperatorStateStore()
                            .getListState(new ListStateDescriptor<>("records", Types.STRING));
            records = new ArrayList<>();
            for (String r : state.get()) {
                records.add(r);
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            List<String> covered = snapshots.get(checkpointId);
            if (covered != null) {
                PUBLISHED.put(0, covered);
                snapshots.keySet().removeIf(id -> id <= checkpointId);
                LAST_PUBLISHED.accumulateAndGet(checkpointId, Math::max);
            }
        }
    }
}
