package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.PartitionReadiness;
import io.github.mctunnel.flink.source.split.SplitInvalidatedAck;
import io.github.mctunnel.flink.source.split.SplitInvalidatedEvent;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.TableReadClient;

import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TunnelSplitEnumeratorTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final FakeTable table = new FakeTable();
    private final TestingSplitEnumeratorContext<TunnelSplit> context =
            new TestingSplitEnumeratorContext<>(3);

    private TunnelSplitEnumerator enumerator(
            boolean bounded, boolean recreate, int budget, TunnelEnumeratorState state) {
        TunnelSplitEnumerator e =
                new TunnelSplitEnumerator(
                        context,
                        metrics -> table,
                        "p.t",
                        PartitionSelection.all(),
                        5,
                        bounded,
                        bounded ? 0 : 1_000,
                        recreate,
                        new SessionCreationPacer(budget, Duration.ofSeconds(10)),
                        now::get,
                        state);
        e.start();
        return e;
    }

    private List<TunnelSplit> assigned(int reader) {
        var state = context.getSplitAssignments().get(reader);
        return state == null ? List.of() : state.getAssignedSplits();
    }

    private void request(TunnelSplitEnumerator e, int... readers) {
        for (int r : readers) {
            if (!context.registeredReaders().containsKey(r)) {
                context.registerReader(r, "localhost");
            }
            e.handleSplitRequest(r, "localhost");
        }
        context.triggerAllActions();
    }

    @Test
    void pacesSessionCreationInsteadOfFailing() throws Exception {
        table.rows.put("ds=1", 5L);
        table.rows.put("ds=10", 5L);
        table.rows.put("ds=9", 5L);
        TunnelSplitEnumerator e = enumerator(true, false, 2, TunnelEnumeratorState.initial());
        request(e, 0, 1, 2);

        assertThat(table.created).containsExactly("ds=1", "ds=9");
        assertThat(assigned(0)).extracting(TunnelSplit::partition).containsExactly("ds=1");
        assertThat(assigned(1)).extracting(TunnelSplit::partition).containsExactly("ds=9");
        assertThat(assigned(2)).isEmpty();

        now.addAndGet(5_000);
        context.getExecutorService().triggerPeriodicScheduledTasks();
        context.triggerAllActions();
        assertThat(table.created).hasSize(2);

        now.addAndGet(5_001);
        context.getExecutorService().triggerPeriodicScheduledTasks();
        context.triggerAllActions();
        assertThat(table.created).containsExactly("ds=1", "ds=9", "ds=10");
        assertThat(assigned(2)).extracting(TunnelSplit::partition).containsExactly("ds=10");

        request(e, 0);
        assertThat(context.getSplitAssignments().get(0).hasReceivedNoMoreSplitsSignal()).isTrue();
    }

    @Test
    void cutsSessionsIntoRangesAndEndsWithEmptyPartitions() {
        table.rows.put("ds=1", 12L);
        table.rows.put("ds=2", 0L);
        TunnelSplitEnumerator e = enumerator(true, false, 200, TunnelEnumeratorState.initial());
        List<TunnelSplit> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            request(e, 0);
        }
        got.addAll(assigned(0));
        assertThat(got)
                .containsExactly(
                        new TunnelSplit("ds=1", "S1", 12, 0, 5, 0),
                        new TunnelSplit("ds=1", "S1", 12, 5, 10, 5),
                        new TunnelSplit("ds=1", "S1", 12, 10, 12, 10));
        assertThat(table.created).containsExactly("ds=1", "ds=2");
        assertThat(context.getSplitAssignments().get(0).hasReceivedNoMoreSplitsSignal()).isTrue();
    }

    @Test
    void recreatesInvalidatedSessionAndContinuesAtNextRow() throws Exception {
        table.rows.put("ds=1", 10L);
        TunnelSplitEnumerator e = enumerator(true, true, 200, TunnelEnumeratorState.initial());
        request(e, 0);
        TunnelSplit first = assigned(0).get(0);
        assertThat(first).isEqualTo(new TunnelSplit("ds=1", "S1", 10, 0, 5, 0));

        table.rows.put("ds=1", 12L); // rows appended: the session is invalid now
        SplitInvalidatedEvent event = new SplitInvalidatedEvent(first.withNextRow(3));
        e.handleSourceEvent(0, event);
        e.handleSourceEvent(0, event); // a duplicate (e.g. after a restore) changes nothing
        assertThat(context.getSentEvents().get(0))
                .extracting(ev -> ((SplitInvalidatedAck) ev).splitId())
                .containsExactly("S1/0", "S1/0");

        TunnelEnumeratorState state = e.snapshotState(1);
        assertThat(state.awaitingReplacement()).containsExactly(first.withNextRow(3));

        for (int i = 0; i < 3; i++) {
            request(e, 0);
        }
        assertThat(table.created).containsExactly("ds=1", "ds=1");
        assertThat(assigned(0))
                .containsExactly(
                        first,
                        new TunnelSplit("ds=1", "S1", 10, 5, 10, 5),
                        new TunnelSplit("ds=1", "S2", 12, 3, 5, 3),
                        new TunnelSplit("ds=1", "S2", 12, 10, 12, 10));
        assertThat(e.snapshotState(2).replacedSessions())
                .containsExactly(new ReplacedSession("S1", "S2", 12, now.get()));

        // the other split of the old session is re-pointed without another session
        e.handleSourceEvent(
                0, new SplitInvalidatedEvent(new TunnelSplit("ds=1", "S1", 10, 5, 10, 6)));
        request(e, 0);
        assertThat(assigned(0)).last().isEqualTo(new TunnelSplit("ds=1", "S2", 12, 6, 10, 6));
        assertThat(table.created).hasSize(2);
    }

    /**
     * Issue #17 defect 2: a reader reports its split invalid at row 4 and gets the rest on a new
     * session; its task then fails and restores a checkpoint taken at row 1. A regional failover
     * does not roll back the enumerator, so it hears of the same split again, from row 1: rows 1-3
     * must be handed out again (they were emitted after the checkpoint and are rolled back), and
     * nothing else twice.
     */
    @Test
    void repeatedInvalidationFromAnEarlierRowHandsOutTheRowsBetweenOnly() throws Exception {
        table.rows.put("ds=1", 5L);
        TunnelSplitEnumerator e = enumerator(false, true, 200, TunnelEnumeratorState.initial());
        request(e, 0);
        TunnelSplit x = assigned(0).get(0);
        assertThat(x).isEqualTo(new TunnelSplit("ds=1", "S1", 5, 0, 5, 0));

        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(4)));
        request(e, 0);
        TunnelSplit rest = new TunnelSplit("ds=1", "S2", 5, 4, 5, 4);
        assertThat(assigned(0)).containsExactly(x, rest);

        // subtask 0 fails: Flink hands back what it got after the checkpoint it restores, and the
        // restored reader finds the split of that checkpoint (next row 1) invalid
        e.addSplitsBack(List.of(rest), 0);
        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(1)));
        // the same report again (another restore of that checkpoint) and a late one of the failed
        // attempt change nothing
        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(1)));
        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(4)));
        for (int i = 0; i < 4; i++) {
            request(e, 0);
        }
        assertThat(assigned(0))
                .containsExactly(x, rest, rest, new TunnelSplit("ds=1", "S2", 5, 1, 4, 1));
        assertThat(table.created).containsExactly("ds=1", "ds=1");
        assertThat(context.getSentEvents().get(0)).hasSize(4); // each report acknowledged
    }

    @Test
    void aCheckpointCompletedBeforeAReportDoesNotForgetIt() throws Exception {
        table.rows.put("ds=1", 5L);
        TunnelSplitEnumerator e = enumerator(false, true, 200, TunnelEnumeratorState.initial());
        request(e, 0);
        TunnelSplit x = assigned(0).get(0);
        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(4)));
        request(e, 0);
        TunnelSplit rest = new TunnelSplit("ds=1", "S2", 5, 4, 5, 4);
        assertThat(assigned(0)).containsExactly(x, rest);

        // a late notification of a checkpoint this enumerator took no snapshot for (the one it
        // was restored from): the readers may still restore a checkpoint taken before the report
        e.notifyCheckpointComplete(7);
        assertThat(e.handledInvalidationCount()).isEqualTo(1);
        e.addSplitsBack(List.of(rest), 0);
        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(1)));
        for (int i = 0; i < 2; i++) {
            request(e, 0);
        }
        assertThat(assigned(0))
                .containsExactly(x, rest, rest, new TunnelSplit("ds=1", "S2", 5, 1, 4, 1));

        // a checkpoint it took after the reports: forgotten once that completes
        e.snapshotState(8);
        e.notifyCheckpointComplete(7);
        assertThat(e.handledInvalidationCount()).isEqualTo(1);
        e.notifyCheckpointComplete(8);
        assertThat(e.handledInvalidationCount()).isZero();
    }

    @Test
    void repeatedInvalidationBeforeTheReplacementExistsIsContinuedOnIt() throws Exception {
        table.rows.put("ds=1", 5L);
        TunnelSplitEnumerator e = enumerator(false, true, 1, TunnelEnumeratorState.initial());
        request(e, 0);
        TunnelSplit x = assigned(0).get(0);
        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(4)));
        e.handleSourceEvent(0, new SplitInvalidatedEvent(x.withNextRow(2)));
        request(e, 0);
        assertThat(table.created).containsExactly("ds=1"); // paced: one per 10 s

        now.addAndGet(10_001);
        context.getExecutorService().triggerPeriodicScheduledTasks();
        context.triggerAllActions();
        request(e, 0);
        assertThat(table.created).containsExactly("ds=1", "ds=1");
        assertThat(assigned(0))
                .containsExactly(
                        x,
                        new TunnelSplit("ds=1", "S2", 5, 4, 5, 4),
                        new TunnelSplit("ds=1", "S2", 5, 2, 4, 2));
    }

    @Test
    void restoredStateReadsNoDiscoveredPartitionTwice() throws Exception {
        table.rows.put("ds=1", 5L);
        TunnelSplitEnumerator e = enumerator(false, false, 200, TunnelEnumeratorState.initial());
        request(e, 0);
        assertThat(assigned(0)).hasSize(1);
        TunnelEnumeratorState state = e.snapshotState(1);
        assertThat(state.readPartitions()).containsExactly(new ReadPartition("ds=1", now.get(), 5));

        table.rows.put("ds=2", 5L);
        TestingSplitEnumeratorContext<TunnelSplit> fresh = new TestingSplitEnumeratorContext<>(1);
        TunnelSplitEnumerator restored =
                new TunnelSplitEnumerator(
                        fresh,
                        metrics -> table,
                        "p.t",
                        PartitionSelection.all(),
                        5,
                        false,
                        1_000,
                        false,
                        new SessionCreationPacer(200, Duration.ofSeconds(10)),
                        now::get,
                        state);
        restored.start();
        fresh.registerReader(0, "localhost");
        restored.handleSplitRequest(0, "localhost");
        fresh.getExecutorService().triggerPeriodicScheduledTasks();
        fresh.triggerAllActions();
        restored.handleSplitRequest(0, "localhost");
        fresh.triggerAllActions();
        assertThat(fresh.getSplitAssignments().get(0).getAssignedSplits())
                .extracting(TunnelSplit::partition)
                .containsExactly("ds=2");
        assertThat(table.created).containsExactly("ds=1", "ds=2");
    }

    @Test
    void continuousModeReadsAPartitionFoundEmptyOnceItHasRows() throws Exception {
        table.rows.put("ds=1", 0L); // added, data not committed yet
        TunnelSplitEnumerator e = enumerator(false, false, 200, TunnelEnumeratorState.initial());
        request(e, 0);
        assertThat(table.created).containsExactly("ds=1");
        assertThat(assigned(0)).isEmpty();
        assertThat(e.snapshotState(1).readPartitions()).isEmpty();
        assertThat(e.snapshotState(1).waitingPartitions())
                .containsExactly(
                        new WaitingPartition("ds=1", now.get() + 1_000, 1_000, 0, now.get()));

        table.rows.put("ds=1", 7L); // the data is committed
        now.addAndGet(1_000); // looked at again after the back-off
        context.getExecutorService().triggerPeriodicScheduledTasks();
        context.triggerAllActions();
        assertThat(table.created).containsExactly("ds=1", "ds=1");
        assertThat(assigned(0)).containsExactly(new TunnelSplit("ds=1", "S2", 7, 0, 5, 0));
        assertThat(e.snapshotState(2).readPartitions())
                .containsExactly(new ReadPartition("ds=1", now.get(), 7));
        assertThat(e.snapshotState(2).waitingPartitions()).isEmpty();
    }

    /**
     * Issue #17 defect 3: three readers each asking for splits get the limit's rows in all (not
     * three times the limit), and an enumerator restored from a checkpoint (its readers restore the
     * splits handed out) hands out no more.
     */
    @Test
    void limitBoundsTheRowsOfAllReadersTogetherAlsoAfterARestore() throws Exception {
        for (int ds = 1; ds <= 6; ds++) {
            table.rows.put("ds=" + ds, 5L);
        }
        TunnelSplitEnumerator e =
                new TunnelSplitEnumerator(
                        context,
                        metrics -> table,
                        "p.t",
                        PartitionSelection.all(),
                        5,
                        true,
                        0,
                        false,
                        new SessionCreationPacer(200, Duration.ofSeconds(10)),
                        now::get,
                        TunnelEnumeratorState.initial(),
                        7);
        e.start();
        request(e, 0, 1, 2);
        request(e, 0, 1, 2);
        assertThat(assigned(0)).containsExactly(new TunnelSplit("ds=1", "S1", 5, 0, 5, 0));
        assertThat(assigned(1)).containsExactly(new TunnelSplit("ds=2", "S2", 5, 0, 2, 0));
        assertThat(assigned(2)).isEmpty();
        assertThat(table.created).containsExactly("ds=1", "ds=2");
        for (int r = 0; r < 3; r++) {
            assertThat(context.getSplitAssignments().get(r).hasReceivedNoMoreSplitsSignal())
                    .isTrue();
        }

        TunnelEnumeratorState state =
                TunnelEnumeratorStateSerializer.INSTANCE.deserialize(
                        2, TunnelEnumeratorStateSerializer.INSTANCE.serialize(e.snapshotState(1)));
        assertThat(state.rowsAssigned()).isEqualTo(7);
        TestingSplitEnumeratorContext<TunnelSplit> fresh = new TestingSplitEnumeratorContext<>(3);
        TunnelSplitEnumerator restored =
                new TunnelSplitEnumerator(
                        fresh,
                        metrics -> table,
                        "p.t",
                        PartitionSelection.all(),
                        5,
                        true,
                        0,
                        false,
                        new SessionCreationPacer(200, Duration.ofSeconds(10)),
                        now::get,
                        state,
                        7);
        restored.start();
        for (int r = 0; r < 3; r++) {
            fresh.registerReader(r, "localhost");
            restored.handleSplitRequest(r, "localhost");
        }
        fresh.triggerAllActions();
        assertThat(fresh.getSplitAssignments().values())
                .allSatisfy(a -> assertThat(a.getAssignedSplits()).isEmpty());
        assertThat(table.created).hasSize(2);
    }

    private TunnelSplitEnumerator continuous(PartitionReadiness readiness) {
        TunnelSplitEnumerator e =
                new TunnelSplitEnumerator(
                        context,
                        metrics -> table,
                        "p.t",
                        PartitionSelection.all(),
                        100,
                        false,
                        1_000,
                        false,
                        new SessionCreationPacer(200, Duration.ofSeconds(10)),
                        now::get,
                        TunnelEnumeratorState.initial(),
                        Long.MAX_VALUE,
                        readiness);
        e.start();
        return e;
    }

    /** Rows per partition handed out to reader 0, in order. */
    private Map<String, Long> rowsHandedOut() {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (TunnelSplit s : assigned(0)) {
            rows.merge(s.partition(), s.end() - s.nextRow(), Long::sum);
        }
        return rows;
    }

    private void tick(long millis) {
        now.addAndGet(millis);
        discoveryTick();
        context.triggerAllActions();
    }

    /**
     * LIMIT with a restore between assignment and reading: a reader's task fails after it got a
     * split and before a checkpoint; Flink hands the split back, and the restarted reader gets it
     * again (it no longer counts toward the limit), without a new session, and nothing more.
     */
    @Test
    void limitHandsASplitHandedBackOutAgainAndNothingMore() throws Exception {
        for (int ds = 1; ds <= 3; ds++) {
            table.rows.put("ds=" + ds, 5L);
        }
        TunnelSplitEnumerator e =
                new TunnelSplitEnumerator(
                        context,
                        metrics -> table,
                        "p.t",
                        PartitionSelection.all(),
                        5,
                        true,
                        0,
                        false,
                        new SessionCreationPacer(200, Duration.ofSeconds(10)),
                        now::get,
                        TunnelEnumeratorState.initial(),
                        7);
        e.start();
        request(e, 0, 1);
        request(e, 0, 1);
        TunnelSplit cut = new TunnelSplit("ds=2", "S2", 5, 0, 2, 0);
        assertThat(assigned(1)).containsExactly(cut);

        e.addSplitsBack(List.of(cut), 1);
        assertThat(e.snapshotState(1).rowsAssigned()).isEqualTo(5);
        e.handleSplitRequest(1, "localhost"); // the restarted reader asks
        context.triggerAllActions();
        assertThat(assigned(1)).containsExactly(cut, cut);
        assertThat(e.snapshotState(2).rowsAssigned()).isEqualTo(7);
        e.handleSplitRequest(1, "localhost");
        context.triggerAllActions();
        assertThat(assigned(1)).hasSize(2);
        assertThat(table.created).containsExactly("ds=1", "ds=2");
    }

    @Test
    void newerPartitionWithRowsMakesAPartitionReady() throws Exception {
        table.metadataCounts = true;
        table.rows.put("ds=1", 5L);
        table.rows.put("ds=2", 0L); // added ahead of its data: does not count
        TunnelSplitEnumerator e = continuous(PartitionReadiness.whenNewerPartitionHasRows());
        request(e, 0);
        tick(1_000);
        table.rows.put("ds=1", 9L); // the writer still commits to ds=1
        tick(1_000);
        assertThat(table.created).isEmpty();

        table.rows.put("ds=2", 3L); // the writer moved on
        tick(1_000);
        tick(1_000);
        assertThat(rowsHandedOut()).containsExactly(Map.entry("ds=1", 9L));
        assertThat(table.created).containsExactly("ds=1");

        table.rows.put("ds=10", 1L); // numerically after ds=2
        tick(1_000);
        request(e, 0);
        assertThat(rowsHandedOut()).containsExactly(Map.entry("ds=1", 9L), Map.entry("ds=2", 3L));
        assertThat(table.created).containsExactly("ds=1", "ds=2");
    }

    @Test
    void doneMarkerMakesAPartitionReadyAndIsNeverRead() throws Exception {
        table.metadataCounts = true;
        table.rows.put("ds=1", 5L);
        table.rows.put("ds=2", 4L);
        TunnelSplitEnumerator e = continuous(PartitionReadiness.whenDoneMarkerExists());
        request(e, 0);
        tick(1_000);
        assertThat(table.created).isEmpty();

        table.rows.put("ds=2.done", 0L);
        tick(1_000);
        request(e, 0);
        assertThat(rowsHandedOut()).containsExactly(Map.entry("ds=2", 4L));
        table.rows.put("ds=1", 6L);
        table.rows.put("ds=1.done", 0L);
        tick(1_000);
        request(e, 0);
        assertThat(rowsHandedOut()).containsExactly(Map.entry("ds=2", 4L), Map.entry("ds=1", 6L));
        assertThat(table.created).containsExactly("ds=2", "ds=1");
        assertThat(table.metadataLooked).doesNotContain("ds=1.done", "ds=2.done");
    }

    @Test
    void quietPeriodWaitsUntilTheRowCountStaysTheSame() throws Exception {
        table.metadataCounts = true;
        table.rows.put("ds=1", 5L);
        TunnelSplitEnumerator e =
                continuous(PartitionReadiness.afterQuietPeriod(Duration.ofSeconds(10)));
        request(e, 0);
        tick(6_000); // looked at 0 and 6 s: 5 rows
        table.rows.put("ds=1", 8L); // seen changed at the next look, at 7 s
        for (int i = 0; i < 10; i++) {
            tick(1_000);
        }
        assertThat(table.created).isEmpty(); // at 16 s: 9 s quiet
        tick(1_000);
        assertThat(rowsHandedOut()).containsExactly(Map.entry("ds=1", 8L));
    }

    @Test
    void quietPeriodWithoutMetadataCountsLooksWithSessions() throws Exception {
        table.rows.put("ds=1", 5L);
        TunnelSplitEnumerator e =
                continuous(PartitionReadiness.afterQuietPeriod(Duration.ofSeconds(3)));
        request(e, 0);
        table.rows.put("ds=1", 8L);
        tick(1_000); // 8 rows seen from here on
        tick(1_000);
        tick(1_000);
        assertThat(assigned(0)).isEmpty();
        tick(1_000);
        assertThat(rowsHandedOut()).containsExactly(Map.entry("ds=1", 8L));
        // one session per look: at 0 s (5 rows), 1, 2, 3 and 4 s (8 rows, read)
        assertThat(table.created).hasSize(5);
    }

    /** Runs the discovery (and whatever follows) once at the current time. */
    private void discoveryTick() {
        context.getExecutorService().triggerPeriodicScheduledTasks();
        context.triggerAllActions();
    }

    /**
     * Issue #17 defect 5: 30 partitions added ahead of their data, discovery every second, five
     * simulated minutes. Each partition is looked at with a back-off (1, 2, 4, ... s, at most 5
     * min): before, each discovery created a download session per empty partition (9,000 here).
     */
    @Test
    void emptyPartitionsAreLookedAtWithBackoffAndWithoutSessionsWhenMetadataSaysEmpty()
            throws Exception {
        table.metadataCounts = true;
        for (int ds = 1; ds <= 30; ds++) {
            table.rows.put("ds=" + ds, 0L);
        }
        TunnelSplitEnumerator e = enumerator(false, false, 200, TunnelEnumeratorState.initial());
        request(e, 0, 1, 2);
        for (int second = 1; second <= 300; second++) {
            now.addAndGet(1_000);
            discoveryTick();
        }
        assertThat(table.created).isEmpty();
        // looks at 0, 1, 3, 7, 15, 31, 63, 127, 255 s
        assertThat(table.metadataLooks).isEqualTo(30 * 9);
        assertThat(e.snapshotState(1).waitingPartitions())
                .hasSize(30)
                .allSatisfy(w -> assertThat(w.backoffMillis()).isEqualTo(256_000));

        // rows arrive in one partition: read at its next look, with one session
        table.rows.put("ds=7", 12L);
        now.addAndGet(256_000);
        discoveryTick();
        assertThat(table.created).containsExactly("ds=7");
        assertThat(assigned(0)).containsExactly(new TunnelSplit("ds=7", "S1", 12, 0, 5, 0));
        assertThat(e.snapshotState(2).waitingPartitions()).hasSize(29);
    }

    @Test
    void emptyPartitionsWithoutMetadataCountsAreLookedAtWithSessionsAndBackoff() throws Exception {
        for (int ds = 1; ds <= 30; ds++) {
            table.rows.put("ds=" + ds, 0L);
        }
        TunnelSplitEnumerator e = enumerator(false, false, 200, TunnelEnumeratorState.initial());
        request(e, 0, 1, 2);
        for (int second = 1; second <= 300; second++) {
            now.addAndGet(1_000);
            discoveryTick();
        }
        // the pacer allows 200 per 10 s here; the back-off alone bounds the looks
        assertThat(table.created).hasSize(30 * 9);
    }

    /**
     * Issue #17 defect 7: a partition every 10 minutes for four simulated days, each read once and
     * its session invalidated once (RECREATE), a checkpoint at every step. The state keeps about a
     * day of partitions and replacements, and invalidations only until the next checkpoint.
     */
    @Test
    void stateStaysBoundedOverDaysOfPartitions() throws Exception {
        TunnelSplitEnumerator e = enumerator(false, true, 1_000, TunnelEnumeratorState.initial());
        context.registerReader(0, "localhost");
        int sizeAfterTwoDays = 0;
        long checkpoint = 0;
        int steps = 4 * 24 * 6;
        for (int step = 0; step < steps; step++) {
            table.rows.put("ds=" + step, 5L);
            now.addAndGet(600_000);
            discoveryTick();
            e.handleSplitRequest(0, "localhost");
            context.triggerAllActions();
            TunnelSplit split = assigned(0).get(assigned(0).size() - 1);
            assertThat(split.partition()).isEqualTo("ds=" + step);
            if (split.sessionId().equals("S" + table.created.size())
                    && table.created.size() % 2 == 1) {
                // the first session of the partition: invalidate it, read on a replacement
                e.handleSourceEvent(0, new SplitInvalidatedEvent(split.withNextRow(2)));
                e.handleSplitRequest(0, "localhost");
                context.triggerAllActions();
                assertThat(assigned(0).get(assigned(0).size() - 1).partition())
                        .isEqualTo("ds=" + step);
            }
            e.snapshotState(++checkpoint);
            e.notifyCheckpointComplete(checkpoint);
            if (step == steps / 2) {
                sizeAfterTwoDays =
                        TunnelEnumeratorStateSerializer.INSTANCE.serialize(
                                        e.snapshotState(++checkpoint))
                                .length;
            }
        }
        assertThat(table.created).hasSize(2 * steps);
        TunnelEnumeratorState state = e.snapshotState(++checkpoint);
        // a day of partitions (144) after the mark, a day of replacements
        assertThat(state.readPartitions()).hasSizeBetween(144, 146);
        assertThat(state.readMark()).isEqualTo("ds=" + (steps - 145));
        assertThat(state.replacedSessions()).hasSizeBetween(144, 146);
        assertThat(e.handledInvalidationCount()).isZero();
        int size = TunnelEnumeratorStateSerializer.INSTANCE.serialize(state).length;
        // as large as after two days, up to the longer partition names and session ids
        assertThat(size).isLessThan(sizeAfterTwoDays * 21 / 20).isLessThan(10_000);

        // a partition listed late, ordered before the mark, is not read
        table.rows.put("ds=0a", 5L);
        now.addAndGet(600_000);
        discoveryTick();
        e.handleSplitRequest(0, "localhost");
        context.triggerAllActions();
        assertThat(table.created).hasSize(2 * steps);
    }

    /** The state a connector before issue #17 wrote is restored: nothing is read twice. */
    @Test
    void restoresStateVersion1WithoutReadingDiscoveredPartitionsAgain() throws Exception {
        // version 1: discovered ds=1, ds=2 (read), ds=3 (awaiting its session); nothing pending
        TunnelEnumeratorState v1 =
                TunnelEnumeratorStateSerializer.INSTANCE.deserialize(
                        1,
                        HexFormat.of()
                                .parseHex(
                                        "00000003000464733d31000464733d32000464733d33"
                                                + "00000001000464733d33"
                                                + "00000000"
                                                + "00000000"
                                                + "00000000"
                                                + "00000001000653312f313030"
                                                + "00000000"
                                                + "01"));
        for (int ds = 1; ds <= 4; ds++) {
            table.rows.put("ds=" + ds, 5L);
        }
        TunnelSplitEnumerator e = enumerator(false, false, 200, v1);
        request(e, 0);
        request(e, 0);
        request(e, 0);
        assertThat(assigned(0)).extracting(TunnelSplit::partition).containsExactly("ds=3", "ds=4");
        assertThat(table.created).containsExactly("ds=3", "ds=4");
        assertThat(e.snapshotState(1).readPartitions())
                .extracting(ReadPartition::partition)
                .containsExactly("ds=1", "ds=2", "ds=3", "ds=4");
    }

    /** A partitioned table (id BIGINT) PARTITIONED BY (ds STRING) with row counts per partition. */
    private static final class FakeTable implements TableReadClient {
        final Map<String, Long> rows = new LinkedHashMap<>();
        final List<String> created = new ArrayList<>();

        /** Whether the partition metadata holds row counts (the service may not say). */
        boolean metadataCounts;

        int metadataLooks;
        final List<String> metadataLooked = new ArrayList<>();

        @Override
        public long partitionRecordCount(PartitionSpec partition) {
            metadataLooks++;
            metadataLooked.add(partition.toString());
            return metadataCounts ? rows.get(partition.toString()) : -1;
        }

        @Override
        public TableSchema tableSchema() {
            return new TableSchema(
                    List.of(Column.of("id", "bigint")), List.of(Column.of("ds", "string")));
        }

        @Override
        public List<PartitionSpec> listPartitions() {
            List<PartitionSpec> out = new ArrayList<>();
            for (String p : rows.keySet()) {
                out.add(PartitionSpec.parse(p));
            }
            return out;
        }

        @Override
        public DownloadSessionInfo createSession(PartitionSpec partition) {
            created.add(partition.toString());
            return new DownloadSessionInfo(
                    "S" + created.size(), partition, rows.get(partition.toString()));
        }

        @Override
        public TableSchema sessionSchema(String sessionId, PartitionSpec partition) {
            return tableSchema();
        }

        @Override
        public RowRangeReader openRange(
                String sessionId,
                PartitionSpec partition,
                long start,
                long end,
                List<String> columns) {
            throw new UnsupportedOperationException("the enumerator reads no rows");
        }

        @Override
        public void close() {}
    }
}
