package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.session.UnknownSessions;
import io.github.mctunnel.flink.upsert.FakeUpsertTable.FakeSession;

import org.apache.flink.metrics.SimpleCounter;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commit operator's committer: pacing with a fake clock (sleeping advances it). */
class UpsertSessionCommitterTest {

    private static final Duration INTERVAL = Duration.ofSeconds(60);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<Long> sleeps = new ArrayList<>();
    private final FakeUpsertTable table =
            new FakeUpsertTable(
                    TableSchema.of(List.of(Column.of("id", "bigint"))), List.of("id"), 2);
    private final UpsertCommitPacer pacer =
            new UpsertCommitPacer(
                    INTERVAL,
                    now::get,
                    millis -> {
                        sleeps.add(millis);
                        now.addAndGet(millis);
                    });
    private final UpsertSessionCommitter committer =
            new UpsertSessionCommitter(table, pacer, now::get);

    {
        table.clock = now::get;
    }

    private FakeSession session(String partition) {
        return table.createSession(PartitionSpec.parse(partition), 1);
    }

    private static UpsertSessionRef ref(FakeSession s, int subtask, boolean last) {
        return new UpsertSessionRef(s.partition.toString(), s.id, subtask, 2, last);
    }

    @Test
    void commitsAtMostOneSessionPerPartitionPerIntervalOldestFirst() {
        FakeSession a = session("ds=1");
        FakeSession b = session("ds=1");
        FakeSession c = session("ds=2");

        // a fresh committer waits one interval (its predecessor may just have committed)
        committer.commitDue(List.of(ref(a, 0, false)));
        assertThat(table.commitOrder).isEmpty();

        now.addAndGet(30_000);
        committer.commitDue(List.of(ref(a, 0, false), ref(b, 1, false)));
        assertThat(table.commitOrder).isEmpty();

        now.addAndGet(30_000);
        committer.commitDue(List.of(ref(b, 1, false), ref(a, 0, false), ref(c, 0, false)));
        // a waited longest; ds=2 has its own budget
        assertThat(table.commitOrder).containsExactly(a.id, c.id);

        now.addAndGet(59_999);
        committer.commitDue(List.of(ref(a, 0, false), ref(b, 1, false)));
        assertThat(table.commitOrder).containsExactly(a.id, c.id);
        assertThat(a.commitAttempts).isEqualTo(1);

        now.addAndGet(1);
        committer.commitDue(List.of(ref(b, 1, false)));
        assertThat(table.commitOrder).containsExactly(a.id, c.id, b.id);
        assertThat(table.commitTimes).containsExactly(1_060_000L, 1_060_000L, 1_120_000L);
        assertThat(sleeps).isEmpty();
        assertThat(committer.sessionsCommitted()).isEqualTo(3);
    }

    @Test
    void lastSessionsAreKeptUntilDueAndAllCommittedAtTheEndWaitingTheIntervalBetweenTwo()
            throws Exception {
        FakeSession a = session("ds=1");
        FakeSession b = session("ds=1");
        FakeSession c = session("ds=1");
        FakeSession d = session("ds=2");
        now.addAndGet(60_000);
        committer.commitDue(List.of(ref(a, 0, false)));
        assertThat(table.commitTimes).containsExactly(1_060_000L);

        // two writers of ds=1 and one of ds=2 end their input; they offer nothing more
        now.addAndGet(10_000);
        committer.commitDue(List.of(ref(b, 0, true), ref(c, 1, true), ref(d, 0, true)));
        assertThat(table.commitOrder).containsExactly(a.id, d.id);
        assertThat(committer.pendingKept()).containsExactly(ref(b, 0, true), ref(c, 1, true));

        // a later checkpoint commits the due one without waiting
        now.addAndGet(50_000);
        committer.commitDue(List.of());
        assertThat(table.commitOrder).containsExactly(a.id, d.id, b.id);

        // the end of the whole input: the rest is committed, waiting for the interval
        now.addAndGet(1_000);
        committer.commitAllLast();
        assertThat(table.commitOrder).containsExactly(a.id, d.id, b.id, c.id);
        assertThat(table.commitTimes)
                .containsExactly(1_060_000L, 1_070_000L, 1_120_000L, 1_180_000L);
        assertThat(sleeps).containsExactly(59_000L);
        assertThat(committer.pendingKept()).isEmpty();
    }

    @Test
    void sessionsHandedOverAfterARescalingAreCommittedBeforeAnyNewerSessionOfTheirPartition()
            throws Exception {
        FakeSession old0 = session("ds=1");
        FakeSession old1 = session("ds=1");
        FakeSession fresh = session("ds=1");
        FakeSession other = session("ds=2");
        now.addAndGet(60_000);
        // the new writers offer their new sessions before the handed-over ones arrive
        committer.commitDue(List.of(ref(fresh, 0, false)));
        assertThat(table.commitOrder).containsExactly(fresh.id);
        table.commitOrder.clear();
        FakeSession fresh2 = session("ds=1");
        now.addAndGet(60_000);
        committer.commitDue(
                List.of(
                        ref(fresh2, 0, false),
                        ref(old0, 0, false).asRestored(),
                        ref(old1, 1, false).asRestored(),
                        ref(other, 1, false)));
        // ds=1: a handed-over session first; ds=2 is not held back
        assertThat(table.commitOrder).containsExactly(old0.id, other.id);

        // offered only once, kept until committed; the new session waits behind them
        now.addAndGet(60_000);
        committer.commitDue(List.of(ref(fresh2, 0, false)));
        assertThat(table.commitOrder).containsExactly(old0.id, other.id, old1.id);
        now.addAndGet(60_000);
        committer.commitDue(List.of(ref(fresh2, 0, false)));
        assertThat(table.commitOrder).containsExactly(old0.id, other.id, old1.id, fresh2.id);
        assertThat(committer.pendingKept()).isEmpty();

        // at the end of the input too, handed-over sessions go first
        FakeSession last = session("ds=3");
        FakeSession handed = session("ds=3");
        committer.commitDue(List.of(ref(last, 0, true), ref(handed, 1, false).asRestored()));
        committer.commitAllLast();
        assertThat(table.commitOrder).endsWith(handed.id, last.id);
        assertThat(sleeps).containsExactly(60_000L);
    }

    @Test
    void aRetryableFailureOfALastSessionIsRetriedAfterTheInterval() throws Exception {
        FakeSession a = session("ds=1");
        a.nextCommitFailure =
                new TunnelException(
                        503,
                        "ServiceUnavailable",
                        "busy",
                        null,
                        ErrorContext.of("commit"),
                        0,
                        null);
        committer.restoreKept(ref(a, 0, true), 7);
        committer.commitAllLast();
        assertThat(a.status).isEqualTo("committed");
        assertThat(a.commitAttempts).isEqualTo(2);
        // the failed attempt counts against the budget: the retry waited a full interval
        assertThat(sleeps).containsExactly(60_000L, 60_000L);
    }

    /**
     * The service answers a commit with a retryable error while the session is already
     * 'committing'; its writer moves on to a new session and never offers the old one again. The
     * committer still commits the old session (before the newer one), instead of losing it.
     */
    @Test
    void aSessionWhoseCommitFailedIsRetriedEvenWhenNoWriterOffersItAgain() {
        FakeSession a = session("ds=1");
        now.addAndGet(INTERVAL.toMillis());
        a.nextCommitFailure =
                new TunnelException(
                        503,
                        "ServiceUnavailable",
                        "busy",
                        null,
                        ErrorContext.of("commit"),
                        0,
                        null);
        committer.commitDue(List.of(ref(a, 0, false)));
        assertThat(table.commitOrder).isEmpty();
        a.status = "committing";
        FakeSession b = session("ds=1");

        now.addAndGet(INTERVAL.toMillis());
        committer.commitDue(List.of(ref(b, 0, false)));
        now.addAndGet(INTERVAL.toMillis());
        committer.commitDue(List.of(ref(b, 0, false)));

        assertThat(table.commitOrder).containsExactly(a.id, b.id);
    }

    @Test
    void anAbortedSessionFailsTheCommitNamingIt() {
        FakeSession a = session("ds=1");
        a.status = "aborted";
        now.addAndGet(60_000);
        assertThatThrownBy(() -> committer.commitDue(List.of(ref(a, 0, false))))
                .hasMessage(
                        "The upsert session s1 of p.users partition ds=1 is 'aborted'"
                                + " and cannot be committed; its changes are lost");
    }

    /**
     * A restore more than a day after its checkpoint: the shared session the writers' state names
     * is unknown to the service. It is reported once for all writers that wrote it, naming its
     * first checkpoint and their changes, and counted; the other sessions are committed.
     */
    @Test
    void aSessionTheServiceNoLongerKnowsIsReportedOnceWithItsCheckpointAndChangesAndCounted() {
        SimpleCounter expired = new SimpleCounter();
        SimpleCounter changes = new SimpleCounter();
        UpsertSessionCommitter c =
                new UpsertSessionCommitter(
                        table,
                        pacer,
                        now::get,
                        new UnknownSessions("upsert", "p.users", false, expired, changes));
        Map<Long, List<UpsertSessionRef>> offered = new TreeMap<>();
        offered.put(
                3L,
                List.of(
                        new UpsertSessionRef("ds=1", "gone", 0, 2, false, false, 5),
                        new UpsertSessionRef("ds=1", "gone", 1, 2, false, false, 7)));
        offered.put(
                4L,
                List.of(
                        new UpsertSessionRef("ds=1", "gone", 0, 2, false, false, 9),
                        new UpsertSessionRef("ds=1", "gone", 1, 2, false, false, 7)));
        now.addAndGet(INTERVAL.toMillis());

        c.commitDue(offered);

        assertThat(expired.getCount()).isEqualTo(1);
        assertThat(changes.getCount()).isEqualTo(16);
        // it is forgotten: offered again, it is not reported twice
        c.commitDue(Map.of(5L, List.of(new UpsertSessionRef("ds=1", "gone", 0, 2))));
        assertThat(expired.getCount()).isEqualTo(1);
    }

    @Test
    void withFailOnExpiredSessionsAnUnknownSessionFailsNamingTableSessionCheckpointAndChanges() {
        UpsertSessionCommitter c =
                new UpsertSessionCommitter(
                        table,
                        pacer,
                        now::get,
                        new UnknownSessions(
                                "upsert",
                                "p.users",
                                true,
                                new SimpleCounter(),
                                new SimpleCounter()));
        now.addAndGet(INTERVAL.toMillis());

        assertThatThrownBy(
                        () ->
                                c.commitDue(
                                        Map.of(
                                                8L,
                                                List.of(
                                                        new UpsertSessionRef(
                                                                "ds=1", "gone", 0, 1, false, false,
                                                                3)))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "Upsert session gone of table p.users partition ds=1 (checkpoint 8, 3"
                                + " changes from 1 writers) is unknown to the service: it expired"
                                + " (upsert sessions live 24 hours) or was removed before this"
                                + " commit ran. If its commit ran before (a checkpoint or savepoint"
                                + " restored after it was committed) nothing is lost; otherwise"
                                + " these changes are lost (failing as configured: ")
                .hasMessageContaining("NoSuchUpload");
    }

    /**
     * A handed-over session the service no longer knows costs no commit: the partition's next
     * session is committed in the same round, the report names the checkpoint the writers restored
     * and the changes of the restored writer and of its restarted successor, and nothing counts as
     * committed but the real commit.
     */
    @Test
    void anUnknownHandedOverSessionCostsNoCommitAndIsReportedWithTheRestoredCheckpoint() {
        SimpleCounter expired = new SimpleCounter();
        SimpleCounter changes = new SimpleCounter();
        UpsertSessionCommitter c =
                new UpsertSessionCommitter(
                        table,
                        pacer,
                        now::get,
                        new UnknownSessions("upsert", "p.users", false, expired, changes));
        FakeSession b = session("ds=1");
        now.addAndGet(INTERVAL.toMillis());
        UpsertSessionRef gone = new UpsertSessionRef("ds=1", "gone", 0, 1, false, false, 4);

        c.commitDue(
                Map.of(
                        101L,
                        List.of(
                                gone.handedOverFrom(100),
                                new UpsertSessionRef("ds=1", "gone", 0, 1, false, false, 3),
                                new UpsertSessionRef(b.partition.toString(), b.id, 0, 1))));

        assertThat(table.commitOrder).containsExactly(b.id);
        assertThat(c.sessionsCommitted()).isEqualTo(1);
        assertThat(expired.getCount()).isEqualTo(1);
        assertThat(changes.getCount()).isEqualTo(7);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theReportNamesTheRestoredCheckpointAndAnUnknownCountOfAnEarlierVersionsState() {
        UpsertSessionCommitter c =
                new UpsertSessionCommitter(
                        table,
                        pacer,
                        now::get,
                        new UnknownSessions(
                                "upsert",
                                "p.users",
                                true,
                                new SimpleCounter(),
                                new SimpleCounter()));
        now.addAndGet(INTERVAL.toMillis());
        UpsertSessionRef old = new UpsertSessionRef("ds=1", "gone", 2, 4, false, false, -1, -1);

        assertThatThrownBy(() -> c.commitDue(Map.of(101L, List.of(old.handedOverFrom(100)))))
                .hasMessageStartingWith(
                        "Upsert session gone of table p.users partition ds=1 (checkpoint 100, an"
                                + " unknown number of changes from 1 writers) is unknown to the"
                                + " service");
    }

    /** The service may report an expired session by its status instead of a 404. */
    @Test
    void aSessionWhoseStatusIsExpiredIsReportedAsUnknownNotAFailure() throws Exception {
        SimpleCounter expired = new SimpleCounter();
        UpsertSessionCommitter c =
                new UpsertSessionCommitter(
                        table,
                        pacer,
                        now::get,
                        new UnknownSessions(
                                "upsert", "p.users", false, expired, new SimpleCounter()));
        FakeSession a = session("ds=1");
        a.status = "expired";
        c.restoreKept(ref(a, 0, true), 7);

        c.commitAllLast();

        assertThat(expired.getCount()).isEqualTo(1);
        assertThat(c.sessionsCommitted()).isZero();
        assertThat(table.commitOrder).isEmpty();
        assertThat(sleeps).isEmpty();
    }
}
