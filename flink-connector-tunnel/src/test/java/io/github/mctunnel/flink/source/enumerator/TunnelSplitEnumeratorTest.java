package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
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
                .containsExactly(new ReplacedSession("S1", "S2", 12));

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
        assertThat(state.discoveredPartitions()).containsExactly("ds=1");

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
        assertThat(e.snapshotState(1).discoveredPartitions()).isEmpty();

        table.rows.put("ds=1", 7L); // the data is committed
        context.getExecutorService().triggerPeriodicScheduledTasks();
        context.triggerAllActions();
        assertThat(table.created).containsExactly("ds=1", "ds=1");
        assertThat(assigned(0)).containsExactly(new TunnelSplit("ds=1", "S2", 7, 0, 5, 0));
        assertThat(e.snapshotState(2).discoveredPartitions()).containsExactly("ds=1");
    }

    /** A partitioned table (id BIGINT) PARTITIONED BY (ds STRING) with row counts per partition. */
    private static final class FakeTable implements TableReadClient {
        final Map<String, Long> rows = new LinkedHashMap<>();
        final List<String> created = new ArrayList<>();

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
