package io.github.mctunnel.flink.source;

import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partitions still being written (issue #17), against the emulator: a writer commits batch after
 * batch into the current partition while a continuous source runs, and after each commit the test
 * waits until the source has looked at the partition, so a source that read it then would miss the
 * later batches. Each partition must be read once it is complete: every row exactly once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a partition read too early leaves rows missing
class TunnelSourceReadinessITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private EmulatorTables tables;

    @BeforeEach
    void createTable() throws IOException {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
    }

    @AfterEach
    void closeEmulator() throws Exception {
        tables.close();
    }

    /** The default rule: a partition is read once a newer partition has rows. */
    @Test
    void defaultReadsAPartitionOnceTheWriterMovedOnEveryRowExactlyOnce() throws Exception {
        try (CloseableIterator<String> it = run(TunnelSource.<String>builder())) {
            List<String> ds1 = writeWatched("ds=1", 0);
            List<String> ds2 = writeWatched("ds=2", 1_000); // ds=1 is complete now
            assertThat(next(it, ds1.size())).containsExactlyInAnyOrderElementsOf(ds1);
            List<String> ds3 = writeWatched("ds=3", 2_000);
            assertThat(next(it, ds2.size())).containsExactlyInAnyOrderElementsOf(ds2);
            // ds=3 is read once ds=4 has rows, and nothing came in between
            tables.write("t", "ds=4", 3_000, 1);
            assertThat(next(it, ds3.size())).containsExactlyInAnyOrderElementsOf(ds3);
        }
    }

    @Test
    void doneMarkerReadsAPartitionOnceItsMarkerExistsEveryRowExactlyOnce() throws Exception {
        try (CloseableIterator<String> it =
                run(
                        TunnelSource.<String>builder()
                                .setPartitionReadiness(
                                        PartitionReadiness.whenDoneMarkerExists()))) {
            List<String> ds1 = writeWatched("ds=1", 0);
            List<String> ds2 = writeWatched("ds=2", 1_000); // no marker for ds=1 yet
            tables.sql("ALTER TABLE t ADD PARTITION (ds='2.done')");
            assertThat(next(it, ds2.size())).containsExactlyInAnyOrderElementsOf(ds2);
            tables.sql("ALTER TABLE t ADD PARTITION (ds='1.done')");
            assertThat(next(it, ds1.size())).containsExactlyInAnyOrderElementsOf(ds1);
        }
        assertThat(metadataLooks("ds='1.done'")).isZero();
    }

    /**
     * A quiet period of 5 s (the enumerator's clock is the wall clock): the batches of a partition
     * come within it, each seen by the source, so a partition is read only after its last batch.
     */
    @Test
    void quietPeriodReadsAPartitionOnceItsRowCountStayedTheSameEveryRowExactlyOnce()
            throws Exception {
        try (CloseableIterator<String> it =
                run(
                        TunnelSource.<String>builder()
                                .setPartitionReadiness(
                                        PartitionReadiness.afterQuietPeriod(
                                                Duration.ofSeconds(5))))) {
            List<String> ds2 = writeWatched("ds=2", 1_000);
            List<String> ds1 = writeWatched("ds=1", 0); // an older partition, written later
            List<String> all = new ArrayList<>(ds1);
            all.addAll(ds2);
            assertThat(next(it, all.size())).containsExactlyInAnyOrderElementsOf(all);
        }
    }

    private CloseableIterator<String> run(TunnelSourceBuilder<String> builder) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TunnelSource<String> source =
                builder.setConnection(tables.connection())
                        .setTable("t")
                        .setDeserializer(new LineDeserializer())
                        .setContinuous(Duration.ofMillis(100))
                        .setSplitRows(40)
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                .executeAndCollect();
    }

    /**
     * Commits three batches of 50 rows to a partition, waiting after each until the source looked
     * at the partition (its metadata) and listed the table twice more, so it saw the partition with
     * rows while it was still being written, and had the chance to take it.
     */
    private List<String> writeWatched(String partition, long firstId) throws Exception {
        String quoted = partition.replace("=", "='") + "'";
        List<String> rows = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            rows.addAll(tables.write("t", partition, firstId + batch * 50L, 50));
            long listings = listings();
            waitUntil(() -> metadataLooks(quoted) > 0 && listings() >= listings + 2);
        }
        return rows;
    }

    /** The source's partition listings (GET table?partitions). */
    private long listings() {
        return tables.emulator
                .requestLog()
                .entries(r -> r.method().equals("GET") && r.params().containsKey("partitions"))
                .size();
    }

    /** The source's metadata looks at a partition (GET table?partition=ds='..'). */
    private long metadataLooks(String quotedSpec) {
        List<LoggedRequest> looks =
                tables.emulator
                        .requestLog()
                        .entries(
                                r ->
                                        r.method().equals("GET")
                                                && quotedSpec.equals(r.params().get("partition")));
        return looks.size();
    }

    private static List<String> next(CloseableIterator<String> it, int count) {
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            out.add(it.next());
        }
        return out;
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
}
