package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.sink.exactlyonce.SessionLifecycle.Grant;
import io.github.mctunnel.flink.sink.exactlyonce.SessionLifecycle.SessionStatus;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every transition of the session lifecycle on a fake service and a fake clock: grant, retire to
 * committing or spare, forget, fence on regional and global failovers, abandon, make room, snapshot
 * and restore, and a simulated week that keeps the state bounded.
 */
class SessionLifecycleTest {

    private static final long HOUR = 3600_000;

    private final FakeService service = new FakeService();
    private long now = 1_000_000;

    /** A service whose sessions the test can commit, expire or forget. */
    private static final class FakeService implements SessionLifecycle.SessionService {
        final Map<String, SessionStatus> sessions = new LinkedHashMap<>();
        final List<String> closedEmpty = new ArrayList<>();
        int statusCalls;
        int created;

        @Override
        public String create(String partition) {
            String id = "s" + (++created);
            sessions.put(id, SessionStatus.OPEN);
            return id;
        }

        @Override
        public SessionStatus status(String partition, String sessionId) {
            statusCalls++;
            return sessions.getOrDefault(sessionId, SessionStatus.GONE);
        }

        @Override
        public void closeEmpty(String partition, String sessionId) {
            closedEmpty.add(sessionId);
            sessions.put(sessionId, SessionStatus.COMMITTED);
        }

        /** The committer commits every open session among these. */
        void commit(String... ids) {
            for (String id : ids) {
                sessions.put(id, SessionStatus.COMMITTED);
            }
        }
    }

    private SessionLifecycle lifecycle(int parallelism) {
        return lifecycle(parallelism, TableWriteLimits.defaults(), false);
    }

    private SessionLifecycle lifecycle(
            int parallelism, TableWriteLimits limits, boolean overwrite) {
        return new SessionLifecycle(
                "t", service, limits, parallelism, 4, "setMaxPartitionsPerCheckpoint", overwrite);
    }

    private static BlockIdRange range(Grant g) {
        return new BlockIdRange(g.firstBlockId(), g.blockCount());
    }

    @Test
    void writersOfOneEpochShareTheSessionWithDisjointRanges() throws IOException {
        SessionLifecycle l = lifecycle(2);
        Grant a = l.grant("ds=1", 5, 0, now);
        Grant b = l.grant("ds=1", 5, 1, now);

        assertThat(b.sessionId()).isEqualTo(a.sessionId());
        assertThat(range(a).first()).isEqualTo(BlockIdRange.of(0, 2, 0).first());
        assertThat(range(b).first()).isEqualTo(BlockIdRange.of(1, 2, 0).first());
        assertThat(l.grant("ds=1", 5, 0, now)).isEqualTo(a);
        assertThat(service.sessions).hasSize(1);
    }

    @Test
    void usedSessionsCommitAtTheirCheckpointAndAreForgottenOnceCommitted() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = l.grant("ds=1", 5, 0, now).sessionId();

        l.checkpointComplete(5, now);
        assertThat(l.counts()).containsEntry("committing", 1).containsEntry("assigned", 0);
        // its committer has not necessarily run: the same checkpoint does not ask the service
        assertThat(service.statusCalls).isZero();

        service.commit(s);
        l.checkpointComplete(6, now);
        assertThat(l.isEmpty()).isTrue();
    }

    @Test
    void committingSessionNeverCommittedIsForgottenAfterTheLifetimeWithoutAsking()
            throws IOException {
        SessionLifecycle l = lifecycle(1);
        l.grant("ds=1", 5, 0, now);
        l.checkpointComplete(5, now);
        l.checkpointComplete(6, now);
        assertThat(l.counts()).containsEntry("committing", 1); // still open at the service
        int calls = service.statusCalls;

        l.checkpointComplete(7, now + SessionLifecycle.LIFETIME_MILLIS);
        assertThat(l.isEmpty()).isTrue();
        assertThat(service.statusCalls).isEqualTo(calls);
    }

    @Test
    void committingSessionTheServiceForgotIsForgotten() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = l.grant("ds=1", 5, 0, now).sessionId();
        l.checkpointComplete(5, now);
        service.sessions.remove(s);

        l.checkpointComplete(6, now);
        assertThat(l.isEmpty()).isTrue();
    }

    @Test
    void globalFailoverFencesTheSessionsOfTheFailedAttempt() throws IOException {
        SessionLifecycle l = lifecycle(2);
        Grant before = l.grant("ds=1", 5, 0, now);

        l.resetTo(4);
        Grant after = l.grant("ds=1", 5, 0, now);

        assertThat(after.sessionId()).isEqualTo(before.sessionId());
        assertThat(range(after).first()).isEqualTo(BlockIdRange.of(0, 2, 1).first());
        // the other writer of the new attempt gets the new generation too
        assertThat(range(l.grant("ds=1", 5, 1, now)).first())
                .isEqualTo(BlockIdRange.of(1, 2, 1).first());
    }

    @Test
    void regionalFailoverRetiresCompletedEpochsAndFencesTheSubtasksLaterSessions()
            throws IOException {
        SessionLifecycle l = lifecycle(2);
        String done = l.grant("ds=1", 4, 0, now).sessionId();
        Grant later = l.grant("ds=2", 5, 0, now);
        Grant other = l.grant("ds=3", 5, 1, now);

        // checkpoint 4 completed, but its notification never reached the coordinator
        l.subtaskReset(0, 4);

        assertThat(l.counts()).containsEntry("committing", 1).containsEntry("assigned", 2);
        assertThat(l.openSessionIds()).contains(done);
        Grant again = l.grant("ds=2", 5, 0, now);
        assertThat(again.sessionId()).isEqualTo(later.sessionId());
        assertThat(again.firstBlockId()).isNotEqualTo(later.firstBlockId());
        // subtask 1 was not reset: its session keeps its generation
        assertThat(l.grant("ds=3", 5, 1, now)).isEqualTo(other);
    }

    @Test
    void sessionOfAFailedAttemptThatNobodyReusesBecomesASpareForTheNextEpoch() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = l.grant("ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now); // the new attempt wrote nothing to ds=1 in epoch 5

        assertThat(l.counts()).containsEntry("spare", 1);
        Grant next = l.grant("ds=1", 6, 0, now);
        assertThat(next.sessionId()).isEqualTo(s);
        assertThat(range(next).first()).isEqualTo(BlockIdRange.of(0, 1, 1).first());
        assertThat(service.sessions).hasSize(1);
    }

    @Test
    void spareCommittedMeanwhileIsNotHandedOutAgain() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = l.grant("ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        byte[] state = l.snapshot();
        // the spare is closed (committed empty) after the checkpoint, then the JobManager fails
        service.commit(s);

        SessionLifecycle restored = lifecycle(1);
        restored.restore(state, now);
        restored.resetTo(5);
        Grant next = restored.grant("ds=1", 6, 0, now);

        assertThat(next.sessionId()).isNotEqualTo(s);
        assertThat(restored.openSessionIds()).containsExactly(next.sessionId());
    }

    @Test
    void spareTheServiceForgotIsNotHandedOutAgain() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = l.grant("ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        service.sessions.remove(s);

        assertThat(l.grant("ds=1", 6, 0, now).sessionId()).isNotEqualTo(s);
    }

    @Test
    void spareTooOldToReuseIsAbandonedAndCountsUntilItsLifetimeEnds() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = l.grant("ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);

        long late = now + SessionLifecycle.LIFETIME_MILLIS - SessionLifecycle.REUSE_MARGIN_MILLIS;
        String next = l.grant("ds=1", 6, 0, late).sessionId();
        assertThat(next).isNotEqualTo(s);
        assertThat(l.counts()).containsEntry("abandoned", 1);
        assertThat(l.openSessions(late)).isEqualTo(2);
        assertThat(l.openSessions(now + SessionLifecycle.LIFETIME_MILLIS)).isEqualTo(1);
    }

    @Test
    void sessionFencedInEveryGenerationIsAbandonedAndReplaced() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = l.grant("ds=1", 5, 0, now).sessionId();
        for (int g = 1; g < SessionLifecycle.GENERATIONS; g++) {
            l.resetTo(4);
            Grant again = l.grant("ds=1", 5, 0, now);
            assertThat(again.sessionId()).isEqualTo(s);
            assertThat(range(again).first()).isEqualTo(BlockIdRange.of(0, 1, g).first());
        }
        l.resetTo(4);
        Grant fresh = l.grant("ds=1", 5, 0, now);

        assertThat(fresh.sessionId()).isNotEqualTo(s);
        assertThat(range(fresh).first()).isZero();
        assertThat(l.counts()).containsEntry("abandoned", 1).containsEntry("assigned", 1);
        assertThat(service.sessions.get(s)).isEqualTo(SessionStatus.OPEN); // never committed
    }

    @Test
    void atTheConcurrentSessionCapSparesOfOtherPartitionsAreClosedEmpty() throws IOException {
        SessionLifecycle l = lifecycle(1, new TableWriteLimits(500, 500, 2, 75), false);
        String spare = l.grant("ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        l.grant("ds=2", 6, 0, now);

        Grant c = l.grant("ds=3", 6, 0, now);

        assertThat(c.sessionId()).isNotNull();
        assertThat(service.closedEmpty).containsExactly(spare);
        assertThat(l.openSessions(now)).isEqualTo(2);
    }

    @Test
    void atTheCapWithNothingToFreeTheWriterWaits() throws IOException {
        SessionLifecycle l = lifecycle(1, new TableWriteLimits(500, 500, 2, 75), false);
        l.grant("ds=1", 5, 0, now);
        l.grant("ds=2", 5, 0, now);

        Grant waiting = l.grant("ds=3", 5, 0, now);

        assertThat(waiting.sessionId()).isNull();
        assertThat(waiting.retryAfterMillis()).isPositive();
    }

    @Test
    void creationWaitsForTheFiveMinuteBudget() throws IOException {
        SessionLifecycle l = lifecycle(1, new TableWriteLimits(1, 500, 32, 75), false);
        l.grant("ds=1", 5, 0, now);

        Grant waiting = l.grant("ds=2", 5, 0, now + 1000);

        assertThat(waiting.sessionId()).isNull();
        assertThat(waiting.retryAfterMillis()).isEqualTo(299_000);
        assertThat(l.grant("ds=2", 5, 0, now + 300_000).sessionId()).isNotNull();
    }

    @Test
    void morePartitionsInAnEpochThanConfiguredFailNamingTheSetting() throws IOException {
        SessionLifecycle l = lifecycle(1);
        for (int p = 0; p < 4; p++) {
            l.grant("ds=" + p, 5, 0, now);
        }
        assertThatThrownBy(() -> l.grant("ds=9", 5, 0, now))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "more than 4 partitions were written between two checkpoints; raise"
                                + " setMaxPartitionsPerCheckpoint (within the table's budgets) or"
                                + " route fewer partitions to the sink per checkpoint");
    }

    @Test
    void restoredAssignmentsAreCommittingAndEverySessionIsKept() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String assigned = l.grant("ds=1", 5, 0, now).sessionId();
        String spare = l.grant("ds=2", 5, 0, now).sessionId();
        l.resetTo(4);
        l.grant("ds=1", 5, 0, now);
        l.checkpointComplete(5, now); // ds=2 unused: spare
        String committing = l.grant("ds=3", 6, 0, now).sessionId();
        l.checkpointComplete(6, now);
        String current = l.grant("ds=1", 7, 0, now).sessionId();
        byte[] state = l.snapshot();

        SessionLifecycle restored = lifecycle(1);
        restored.restore(state, now);
        restored.resetTo(7);

        assertThat(restored.openSessionIds())
                .containsExactlyInAnyOrder(assigned, spare, committing, current);
        assertThat(restored.counts()).containsEntry("spare", 1).containsEntry("assigned", 0);
    }

    @Test
    void stateOfTheFirstVersionIsRestored() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeInt(1); // assignments
            out.writeUTF("ds=1");
            out.writeLong(7);
            out.writeUTF("a");
            out.writeInt(1); // spares of one partition
            out.writeUTF("ds=2");
            out.writeInt(1);
            out.writeUTF("b");
            out.writeInt(1); // committing
            out.writeUTF("c");
            out.writeUTF("ds=3");
        }
        SessionLifecycle l = lifecycle(1);
        l.restore(bytes.toByteArray(), now);
        l.resetTo(7);

        assertThat(l.openSessionIds()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(l.counts()).containsEntry("committing", 2).containsEntry("spare", 1);
        // none of them exists at this service: the next checkpoint forgets the committing ones
        l.checkpointComplete(8, now);
        assertThat(l.openSessionIds()).containsExactly("b");
    }

    /**
     * A simulated week: hourly partitions, a checkpoint a minute, a regional or global failover
     * every few hours at random, sessions committed by the committer after their checkpoint. The
     * tracked sessions and the state stay bounded.
     */
    @Test
    void aWeekOfHourlyPartitionsWithFailoversKeepsStateAndOpenSessionsBounded() throws IOException {
        SessionLifecycle l = lifecycle(4);
        Random random = new Random(42);
        long checkpoint = 0;
        long epoch = 1;
        int peakOpen = 0;
        int peakState = 0;
        List<String> toCommit = new ArrayList<>();
        for (int minute = 0; minute < 7 * 24 * 60; minute++) {
            now += 60_000;
            String partition = "ds=" + (minute / 60);
            for (int subtask = 0; subtask < 4; subtask++) {
                Grant g = l.grant(partition, epoch, subtask, now);
                assertThat(g.sessionId()).isNotNull();
                if (!toCommit.contains(g.sessionId())) {
                    toCommit.add(g.sessionId());
                }
            }
            if (random.nextInt(240) == 0) {
                // a failover before the checkpoint: the epoch is replayed
                if (random.nextBoolean()) {
                    l.resetTo(checkpoint);
                } else {
                    for (int subtask = 0; subtask < 4; subtask++) {
                        l.subtaskReset(subtask, checkpoint);
                    }
                }
                toCommit.clear();
                continue;
            }
            checkpoint = epoch;
            l.checkpointComplete(checkpoint, now);
            service.commit(toCommit.toArray(new String[0]));
            toCommit.clear();
            epoch = checkpoint + 1;
            peakOpen = Math.max(peakOpen, l.openSessions(now));
            peakState = Math.max(peakState, l.snapshot().length);
        }
        assertThat(peakOpen).isLessThanOrEqualTo(3);
        assertThat(peakState).isLessThan(300);
        assertThat(l.openSessions(now)).isLessThanOrEqualTo(2);
    }
}
