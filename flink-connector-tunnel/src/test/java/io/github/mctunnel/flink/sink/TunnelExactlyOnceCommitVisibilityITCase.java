package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TableWriteLimits;

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
 * EXACTLY_ONCE: the rows before a checkpoint's barrier are committed after that checkpoint
 * completes, not before (when the writer has written their blocks and the checkpoint is still
 * pending, none of them is visible), and promptly after (when the completion reaches an operator,
 * they become visible without further input or checkpoints).
 */
class TunnelExactlyOnceCommitVisibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final int ROWS = 600;
    private static final PartitionSpec PARTITION = PartitionSpec.parse("ds=20240101");

    /** How long a completed checkpoint's rows may take to become visible (a generous bound). */
    private static final Duration COMMIT_DEADLINE = Duration.ofSeconds(30);

    /** How long a pending checkpoint is watched for rows committed too early. */
    private static final Duration EARLY_COMMIT_WATCH = Duration.ofMillis(300);

    /** Rows upstream of the sink when each checkpoint's barrier passed. */
    private static final Map<Long, Long> ROWS_AT_BARRIER = new ConcurrentHashMap<>();

    /** Per completed checkpoint: rows before its barrier, rows visible once committed. */
    private static final List<long[]> COMMITTED = new CopyOnWriteArrayList<>();

    /** Violations seen by the probe (rows visible too early, or not committed in time). */
    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();

    private static TunnelEmulator emulator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = FrequentCheckpointsEmulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    static long visibleRows() {
        return emulator.catalog()
                .table(TableIdentifier.of(emulator.defaultProject(), "eo_visible"))
                .rowCount(PARTITION);
    }

    @Test
    void rowsBeforeABarrierAreCommittedOnlyOnceItsCheckpointCompleted() throws Exception {
        emulator.executeSql(
                "CREATE TABLE eo_visible ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE eo_visible ADD PARTITION (ds='20240101')");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(100);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perCheckpoint(100), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .map(new CommitProbe())
                .sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable("eo_visible")
                                .setSerializer(new AllTypesRows.Serializer(0))
                                .setPartition(PARTITION.toString())
                                .setTableLimits(new TableWriteLimits(100_000, 100_000, 32, 10_000))
                                .build());
        env.execute("exactly-once commit visibility");

        assertThat(VIOLATIONS).isEmpty();
        assertThat(COMMITTED)
                .as("completed checkpoints with rows before them")
                .hasSizeGreaterThan(2);
        for (long[] c : COMMITTED) {
            assertThat(c[1])
                    .as("rows visible after the checkpoint completed")
                    .isGreaterThanOrEqualTo(c[0]);
        }
        assertThat(visibleRows()).isEqualTo(ROWS);
    }

    /**
     * Chained in front of the sink's writer, so its {@code snapshotState(c)} runs after the writer
     * wrote the blocks of epoch {@code c} (writers write before the barrier is passed on, snapshots
     * are taken after) and before checkpoint {@code c} can complete: then only the rows before the
     * previous barrier may be visible. At every row, no row after the last barrier may be. On each
     * completion it waits until the rows before that barrier are visible.
     */
    private static final class CommitProbe
            implements MapFunction<Long, Long>, CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private long rows;
        private long rowsAtLastBarrier;

        @Override
        public Long map(Long value) {
            checkVisibleAtMost(rowsAtLastBarrier, "row " + value);
            rows++;
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws InterruptedException {
            // The checkpoint cannot complete while this runs: watch for a while whether the
            // epoch's rows show up anyway (e.g. committed as soon as the committer got them).
            // A correct sink never fails this, whatever the timing.
            long watchUntil = System.nanoTime() + EARLY_COMMIT_WATCH.toNanos();
            do {
                if (!checkVisibleAtMost(
                        rowsAtLastBarrier,
                        "checkpoint " + context.getCheckpointId() + " before it completed")) {
                    break;
                }
                Thread.sleep(5);
            } while (System.nanoTime() < watchUntil);
            rowsAtLastBarrier = rows;
            ROWS_AT_BARRIER.put(context.getCheckpointId(), rows);
        }

        /** Records a violation and returns false when more rows are visible. */
        private static boolean checkVisibleAtMost(long committable, String at) {
            long visible = visibleRows();
            if (visible <= committable) {
                return true;
            }
            VIOLATIONS.add(
                    at
                            + ": "
                            + visible
                            + " rows visible, but only "
                            + committable
                            + " precede the last barrier before");
            return false;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws InterruptedException {
            Long before = ROWS_AT_BARRIER.get(checkpointId);
            if (before == null) {
                return;
            }
            long deadline = System.nanoTime() + COMMIT_DEADLINE.toNanos();
            long visible;
            while ((visible = visibleRows()) < before && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (visible < before) {
                VIOLATIONS.add(
                        "checkpoint "
                                + checkpointId
                                + ": only "
                                + visible
                                + " of "
                                + before
                                + " rows visible "
                                + COMMIT_DEADLINE
                                + " after it completed");
            }
            if (before > 0) {
                COMMITTED.add(new long[] {before, visible});
            }
        }
    }
}
