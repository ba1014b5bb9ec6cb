package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.upsert.FakeUpsertTable.FakeSession;

import org.apache.flink.api.connector.sink2.Committer.CommitRequest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The global committer's pacing with a fake clock (sleeping advances it). */
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
    private final UpsertLastSessionCommitter lastCommitter =
            new UpsertLastSessionCommitter(table, pacer);

    {
        table.clock = now::get;
    }

    private FakeSession session(String partition) {
        return table.createSession(PartitionSpec.parse(partition), 1);
    }

    private static Request request(FakeSession s, int subtask, boolean last) {
        return new Request(new UpsertSessionRef(s.partition.toString(), s.id, subtask, 2, last));
    }

    @Test
    void commitsAtMostOneSessionPerPartitionPerIntervalOldestFirst() throws Exception {
        FakeSession a = session("ds=1");
        FakeSession b = session("ds=1");
        FakeSession c = session("ds=2");

        // a fresh committer waits one interval (its predecessor may just have committed)
        committer.commit(List.of(request(a, 0, false)));
        assertThat(table.commitOrder).isEmpty();

        now.addAndGet(30_000);
        committer.commit(List.of(request(a, 0, false), request(b, 1, false)));
        assertThat(table.commitOrder).isEmpty();

        now.addAndGet(30_000);
        committer.commit(List.of(request(b, 1, false), request(a, 0, false), request(c, 0, false)));
        // a waited longest; ds=2 has its own budget
        assertThat(table.commitOrder).containsExactly(a.id, c.id);

        now.addAndGet(59_999);
        Request again = request(a, 0, false);
        committer.commit(List.of(again, request(b, 1, false)));
        assertThat(again.alreadyCommitted).isTrue();
        assertThat(table.commitOrder).containsExactly(a.id, c.id);

        now.addAndGet(1);
        committer.commit(List.of(request(b, 1, false)));
        assertThat(table.commitOrder).containsExactly(a.id, c.id, b.id);
        assertThat(table.commitTimes).containsExactly(1_060_000L, 1_060_000L, 1_119_999L + 1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void lastSessionsAreCommittedByTheWritersCommitterWaitingTheIntervalBetweenTwo()
            throws Exception {
        FakeSession a = session("ds=1");
        FakeSession b = session("ds=1");
        now.addAndGet(60_000);
        committer.commit(List.of(request(a, 0, false)));
        assertThat(table.commitTimes).containsExactly(1_060_000L);

        now.addAndGet(10_000);
        FakeSession c = session("ds=1");
        Request notLast = request(session("ds=1"), 0, false);
        lastCommitter.commit(List.of(notLast));
        lastCommitter.commit(List.of(request(b, 0, true)));
        lastCommitter.commit(List.of(request(c, 1, true)));

        assertThat(table.commitOrder).containsExactly(a.id, b.id, c.id);
        assertThat(table.commitTimes).containsExactly(1_060_000L, 1_120_000L, 1_180_000L);
        assertThat(sleeps).containsExactly(50_000L, 60_000L);

        // the global committer leaves them alone when they reach it
        Request lastAgain = request(c, 1, true);
        now.addAndGet(60_000);
        committer.commit(List.of(lastAgain));
        assertThat(lastAgain.alreadyCommitted).isTrue();
        assertThat(table.commitOrder).hasSize(3);
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
        Request r = request(a, 0, true);
        lastCommitter.commit(List.of(r));
        assertThat(r.retried).isTrue();
        assertThat(a.status).isEqualTo("normal");

        lastCommitter.commit(List.of(r));
        assertThat(a.status).isEqualTo("committed");
        // the failed attempt counts against the budget: the retry waited a full interval
        assertThat(sleeps).containsExactly(60_000L, 60_000L);
    }

    @Test
    void anAbortedSessionFailsTheCommitNamingIt() {
        FakeSession a = session("ds=1");
        a.status = "aborted";
        now.addAndGet(60_000);
        Request r = request(a, 0, false);
        assertThatThrownBy(() -> committer.commit(List.of(r)))
                .hasMessage(
                        "failed: The upsert session s1 of p.users partition ds=1 is 'aborted'"
                                + " and cannot be committed; its changes are lost");
    }

    /** A commit request double recording how it was answered. */
    private static final class Request implements CommitRequest<UpsertSessionRef> {
        final UpsertSessionRef ref;
        boolean alreadyCommitted;
        boolean retried;

        Request(UpsertSessionRef ref) {
            this.ref = ref;
        }

        @Override
        public UpsertSessionRef getCommittable() {
            return ref;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            throw new IllegalStateException("failed: " + t.getMessage(), t);
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            throw new IllegalStateException("failed: " + t.getMessage(), t);
        }

        @Override
        public void retryLater() {
            retried = true;
        }

        @Override
        public void updateAndRetryLater(UpsertSessionRef committable) {
            retried = true;
        }

        @Override
        public void signalAlreadyCommitted() {
            alreadyCommitted = true;
        }
    }
}
