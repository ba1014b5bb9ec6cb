package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.sink.exactlyonce.SessionLifecycle.Grant;
import io.github.mctunnel.flink.sink.session.SessionStatus;

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
    private static class FakeService implements SessionLifecycle.SessionService {
        final Map<String, SessionStatus> sessions = new LinkedHashMap<>();
        final List<String> closedEmpty = new ArrayList<>();
        String unreadable;
        int statusCalls;
        int created;

        @Override
        public String create(String partition) {
            String id = "s" + (++created);
            sessions.put(id, SessionStatus.OPEN);
            return id;
        }

        @Override
        public SessionStatus status(String partition, String sessionId) throws IOException {
            if (sessionId.equals(unreadable)) {
                throw new IOException("status of " + sessionId + " unreadable");
            }
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

    private int parallelism = 1;

    private SessionLifecycle lifecycle(
            int parallelism, TableWriteLimits limits, boolean overwrite) {
        this.parallelism = parallelism;
        return new SessionLifecycle(
                "t", service, limits, 4, "setMaxPartitionsPerCheckpoint", overwrite);
    }

    /** Writer {@code subtask}'s request (attempt 0) at the test's parallelism. */
    private Grant grant(SessionLifecycle l, String partition, long epoch, int subtask, long at)
            throws IOException {
        return l.grant(partition, epoch, subtask, parallelism, 0, at);
    }

    private static BlockIdRange range(Grant g) {
        return new BlockIdRange(g.firstBlockId(), g.blockCount());
    }

    @Test
    void writersOfOneEpochShareTheSessionWithDisjointRanges() throws IOException {
        SessionLifecycle l = lifecycle(2);
        Grant a = grant(l, "ds=1", 5, 0, now);
        Grant b = grant(l, "ds=1", 5, 1, now);

        assertThat(b.sessionId()).isEqualTo(a.sessionId());
        assertThat(range(a).first()).isEqualTo(BlockIdRange.of(0, 2, 0).first());
        assertThat(range(b).first()).isEqualTo(BlockIdRange.of(1, 2, 0).first());
        assertThat(grant(l, "ds=1", 5, 0, now)).isEqualTo(a);
        assertThat(service.sessions).hasSize(1);
    }

    @Test
    void usedSessionsCommitAtTheirCheckpointAndAreForgottenOnceCommitted() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();

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
        grant(l, "ds=1", 5, 0, now);
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
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        l.checkpointComplete(5, now);
        service.sessions.remove(s);

        l.checkpointComplete(6, now);
        assertThat(l.isEmpty()).isTrue();
    }

    @Test
    void globalFailoverFencesTheSessionsOfTheFailedAttempt() throws IOException {
        SessionLifecycle l = lifecycle(2);
        Grant before = grant(l, "ds=1", 5, 0, now);

        l.resetTo(4);
        Grant after = grant(l, "ds=1", 5, 0, now);

        assertThat(after.sessionId()).isEqualTo(before.sessionId());
        assertThat(range(after).first()).isEqualTo(BlockIdRange.of(0, 2, 1).first());
        // the other writer of the new attempt gets the new generation too
        assertThat(range(grant(l, "ds=1", 5, 1, now)).first())
                .isEqualTo(BlockIdRange.of(1, 2, 1).first());
    }

    @Test
    void regionalFailoverRetiresCompletedEpochsAndFencesTheSubtasksLaterSessions()
            throws IOException {
        SessionLifecycle l = lifecycle(2);
        String done = grant(l, "ds=1", 4, 0, now).sessionId();
        Grant later = grant(l, "ds=2", 5, 0, now);
        Grant other = grant(l, "ds=3", 5, 1, now);

        // checkpoint 4 completed, but its notification never reached the coordinator
        l.subtaskReset(0, 4);

        assertThat(l.counts()).containsEntry("committing", 1).containsEntry("assigned", 2);
        assertThat(l.openSessionIds()).contains(done);
        Grant again = grant(l, "ds=2", 5, 0, now);
        assertThat(again.sessionId()).isEqualTo(later.sessionId());
        assertThat(again.firstBlockId()).isNotEqualTo(later.firstBlockId());
        // subtask 1 was not reset: its session keeps its generation
        assertThat(grant(l, "ds=3", 5, 1, now)).isEqualTo(other);
    }

    @Test
    void sessionOfAFailedAttemptThatNobodyReusesBecomesASpareForTheNextEpoch() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now); // the new attempt wrote nothing to ds=1 in epoch 5

        assertThat(l.counts()).containsEntry("spare", 1);
        Grant next = grant(l, "ds=1", 6, 0, now);
        assertThat(next.sessionId()).isEqualTo(s);
        assertThat(range(next).first()).isEqualTo(BlockIdRange.of(0, 1, 1).first());
        assertThat(service.sessions).hasSize(1);
    }

    @Test
    void spareCommittedMeanwhileIsNotHandedOutAgain() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        byte[] state = l.snapshot();
        // the spare is closed (committed empty) after the checkpoint, then the JobManager fails
        service.commit(s);

        SessionLifecycle restored = lifecycle(1);
        restored.restore(state, 5, now);
        restored.resetTo(5);
        Grant next = grant(restored, "ds=1", 6, 0, now);
        restored.checkpointComplete(6, now);

        assertThat(next.sessionId()).isNotEqualTo(s);
        assertThat(restored.openSessionIds()).containsExactly(next.sessionId());
    }

    @Test
    void spareTheServiceForgotIsNotHandedOutAgain() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        service.sessions.remove(s);

        assertThat(grant(l, "ds=1", 6, 0, now).sessionId()).isNotEqualTo(s);
    }

    @Test
    void spareTooOldToReuseIsClosedEmptyAndReplaced() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);

        long late = now + SessionLifecycle.LIFETIME_MILLIS - SessionLifecycle.REUSE_MARGIN_MILLIS;
        String next = grant(l, "ds=1", 6, 0, late).sessionId();
        assertThat(next).isNotEqualTo(s);
        assertThat(service.closedEmpty).containsExactly(s);
        assertThat(l.openSessions(late)).isEqualTo(1);
    }

    /** Overwrite sessions are never committed empty: abandoned, they count until they expire. */
    @Test
    void anOverwriteSpareTooOldToReuseIsAbandonedAndCountsUntilItsLifetimeEnds()
            throws IOException {
        SessionLifecycle l = lifecycle(1, TableWriteLimits.defaults(), true);
        String s = grant(l, "ds=1", 1, 0, now).sessionId();
        l.resetTo(0);
        l.checkpointComplete(1, now);

        long late = now + SessionLifecycle.LIFETIME_MILLIS - SessionLifecycle.REUSE_MARGIN_MILLIS;
        assertThat(grant(l, "ds=1", 2, 0, late).sessionId()).isNotEqualTo(s);
        assertThat(service.closedEmpty).isEmpty();
        assertThat(l.counts()).containsEntry("abandoned", 1);
        assertThat(l.openSessions(late)).isEqualTo(2);
        assertThat(l.openSessions(now + SessionLifecycle.LIFETIME_MILLIS)).isEqualTo(1);
    }

    @Test
    void atTheConcurrentSessionCapSparesOfOtherPartitionsAreClosedEmpty() throws IOException {
        SessionLifecycle l = lifecycle(1, new TableWriteLimits(500, 500, 2, 75), false);
        String spare = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        grant(l, "ds=2", 6, 0, now);

        Grant c = grant(l, "ds=3", 6, 0, now);

        assertThat(c.sessionId()).isNotNull();
        assertThat(service.closedEmpty).containsExactly(spare);
        assertThat(l.openSessions(now)).isEqualTo(2);
    }

    @Test
    void atTheCapWithNothingToFreeTheWriterWaits() throws IOException {
        SessionLifecycle l = lifecycle(1, new TableWriteLimits(500, 500, 2, 75), false);
        grant(l, "ds=1", 5, 0, now);
        grant(l, "ds=2", 5, 0, now);

        Grant waiting = grant(l, "ds=3", 5, 0, now);

        assertThat(waiting.sessionId()).isNull();
        assertThat(waiting.retryAfterMillis()).isPositive();
    }

    @Test
    void creationWaitsForTheFiveMinuteBudget() throws IOException {
        SessionLifecycle l = lifecycle(1, new TableWriteLimits(1, 500, 32, 75), false);
        grant(l, "ds=1", 5, 0, now);

        Grant waiting = grant(l, "ds=2", 5, 0, now + 1000);

        assertThat(waiting.sessionId()).isNull();
        assertThat(waiting.retryAfterMillis()).isEqualTo(299_000);
        assertThat(grant(l, "ds=2", 5, 0, now + 300_000).sessionId()).isNotNull();
    }

    @Test
    void morePartitionsInAnEpochThanConfiguredFailNamingTheSetting() throws IOException {
        SessionLifecycle l = lifecycle(1);
        for (int p = 0; p < 4; p++) {
            grant(l, "ds=" + p, 5, 0, now);
        }
        assertThatThrownBy(() -> grant(l, "ds=9", 5, 0, now))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "more than 4 partitions were written between two checkpoints; raise"
                                + " setMaxPartitionsPerCheckpoint (within the table's budgets) or"
                                + " route fewer partitions to the sink per checkpoint");
    }

    @Test
    void restoredAssignmentsAreCommittingAndEverySessionIsKept() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String assigned = grant(l, "ds=1", 5, 0, now).sessionId();
        String spare = grant(l, "ds=2", 5, 0, now).sessionId();
        l.resetTo(4);
        grant(l, "ds=1", 5, 0, now);
        l.checkpointComplete(5, now); // ds=2 unused: spare
        String committing = grant(l, "ds=3", 6, 0, now).sessionId();
        l.checkpointComplete(6, now);
        String current = grant(l, "ds=1", 7, 0, now).sessionId();
        byte[] state = l.snapshot();

        SessionLifecycle restored = lifecycle(1);
        restored.restore(state, 7, now);
        restored.resetTo(7);

        assertThat(restored.openSessionIds())
                .containsExactlyInAnyOrder(assigned, spare, committing, current);
        // the spare waits as committing until a checkpoint after the restored one completed
        assertThat(restored.counts()).containsEntry("spare", 0).containsEntry("assigned", 0);
    }

    /**
     * JobManager failover: the coordinator's checkpoint 7 (taken before barrier 7) lists a spare;
     * at barrier 7 a writer took it and wrote a block, which the restored committer commits. Until
     * a checkpoint after 7 completed, the spare is neither handed out (a writer would overwrite
     * that block) nor closed (closing would commit the block's rows twice or lose them).
     */
    @Test
    void aRestoredSpareWaitsUntilTheRestoredCommitterRan() throws IOException {
        SessionLifecycle l = lifecycle(1, new TableWriteLimits(500, 500, 2, 75), false);
        String spare = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        byte[] state = l.snapshot(); // coordinator checkpoint 7
        // ... barrier 7: the writer takes the spare for epoch 7 and writes; checkpoint 7 completes

        SessionLifecycle restored = lifecycle(1, new TableWriteLimits(500, 500, 2, 75), false);
        restored.restore(state, 7, now);
        restored.resetTo(7);
        Grant next = grant(restored, "ds=1", 8, 0, now);
        Grant other = grant(restored, "ds=2", 8, 0, now); // at the cap of 2: nothing may be closed

        assertThat(next.sessionId()).isNotEqualTo(spare);
        assertThat(other.sessionId()).isNull();
        assertThat(service.closedEmpty).isEmpty();
        // checkpoint 8 completes: the committer's restore commit ran; the session is still open,
        // so it was a spare indeed and is reused by the next epoch, in a new block generation
        restored.checkpointComplete(8, now);
        Grant reused = grant(restored, "ds=1", 9, 0, now);
        assertThat(reused.sessionId()).isEqualTo(spare);
        assertThat(range(reused).first()).isEqualTo(BlockIdRange.of(0, 1, 2).first());
    }

    @Test
    void requestsOfAFailedOrReplacedAttemptAreRefused() throws IOException {
        SessionLifecycle l = lifecycle(2);
        l.grant("ds=1", 5, 0, 2, 0, now);
        l.attemptFailed(0, 0);
        l.subtaskReset(0, 4);

        assertThatThrownBy(() -> l.grant("ds=1", 5, 0, 2, 0, now))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Refused a session request of subtask 0 execution attempt 0 of table t:"
                                + " attempt 1 replaced it");
        assertThat(l.grant("ds=1", 5, 0, 2, 1, now).firstBlockId())
                .isEqualTo(BlockIdRange.of(0, 2, 1).first());
        l.attemptReady(1, 3);
        assertThatThrownBy(() -> l.grant("ds=1", 5, 1, 2, 2, now))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSessionOutOfGenerationsThatNoWriterHoldsIsClosedEmptyNotLeftOpen() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        for (int g = 1; g < SessionLifecycle.GENERATIONS; g++) {
            l.resetTo(4);
            grant(l, "ds=1", 5, 0, now);
        }
        l.resetTo(4);

        String fresh = grant(l, "ds=1", 5, 0, now).sessionId();

        assertThat(fresh).isNotEqualTo(s);
        assertThat(service.closedEmpty).containsExactly(s);
        assertThat(l.openSessionIds()).containsExactly(fresh);
    }

    /**
     * BATCH INSERT OVERWRITE: writer 1 still writes the session while writer 0's region failed over
     * in every generation: a second overwrite session of the partition would replace the first
     * one's rows, so the whole job fails (not only writer 0's region, again and again).
     */
    @Test
    void anOverwriteSessionOutOfGenerationsThatAnotherWriterHoldsFailsTheJob() throws IOException {
        SessionLifecycle l = lifecycle(2, TableWriteLimits.defaults(), true);
        String s = grant(l, "ds=1", 1, 1, now).sessionId();
        for (int g = 0; g < SessionLifecycle.GENERATIONS; g++) {
            grant(l, "ds=1", 1, 0, now);
            l.subtaskReset(0, 0);
        }

        assertThatThrownBy(() -> grant(l, "ds=1", 1, 0, now))
                .isInstanceOf(SessionLifecycle.FatalSessionException.class)
                .hasMessage(
                        "Overwrite session "
                                + s
                                + " of table t partition ds=1 cannot serve a new writer attempt"
                                + " (it was fenced in all its 4 block generations) while writers"
                                + " {1} still write it; a second overwrite session would replace"
                                + " their rows. Rerun the INSERT OVERWRITE");
        assertThat(l.openSessionIds()).containsExactly(s);
    }

    /**
     * BATCH append: the same, but two appended sessions of one epoch commit correctly: the
     * restarted writer gets a new session, and the old one stays assigned for the other writer and
     * is committed with its blocks.
     */
    @Test
    void anAppendSessionOutOfGenerationsThatAnotherWriterHoldsGetsASecondSession()
            throws IOException {
        SessionLifecycle l = lifecycle(2);
        String s = grant(l, "ds=1", 1, 1, now).sessionId();
        for (int g = 0; g < SessionLifecycle.GENERATIONS; g++) {
            grant(l, "ds=1", 1, 0, now);
            l.subtaskReset(0, 0);
        }

        Grant fresh = grant(l, "ds=1", 1, 0, now);

        assertThat(fresh.sessionId()).isNotEqualTo(s);
        assertThat(fresh.firstBlockId()).isEqualTo(BlockIdRange.of(0, 2, 0).first());
        l.checkpointComplete(Long.MAX_VALUE, now); // the end of the input
        assertThat(l.counts()).containsEntry("committing", 2).containsEntry("assigned", 0);
        assertThat(service.closedEmpty).isEmpty();
    }

    /** A reset of a live coordinator that had no sessions yet keeps refusing old attempts. */
    @Test
    void aRestoreDoesNotForgetWhichAttemptsFailed() throws IOException {
        SessionLifecycle l = lifecycle(1);
        byte[] state = l.snapshot();
        l.attemptFailed(0, 0);
        l.restore(state, 0, now);
        l.resetTo(0);

        assertThatThrownBy(() -> l.grant("ds=1", 1, 0, 1, 0, now))
                .isInstanceOf(IllegalStateException.class);
    }

    /** A state that cannot be read leaves nothing half restored. */
    @Test
    void aCorruptStateRestoresNothing() throws IOException {
        SessionLifecycle l = lifecycle(1);
        grant(l, "ds=1", 5, 0, now);
        grant(l, "ds=2", 5, 0, now);
        byte[] state = l.snapshot();

        SessionLifecycle restored = lifecycle(1);
        assertThatThrownBy(
                        () ->
                                restored.restore(
                                        java.util.Arrays.copyOf(state, state.length - 3), 5, now))
                .isInstanceOf(IOException.class);
        assertThat(restored.isEmpty()).isTrue();
    }

    @Test
    void aFencedSessionTooOldToReuseIsReplaced() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);

        long late = now + SessionLifecycle.LIFETIME_MILLIS - SessionLifecycle.REUSE_MARGIN_MILLIS;
        assertThat(grant(l, "ds=1", 5, 0, late).sessionId()).isNotEqualTo(s);
        assertThat(service.closedEmpty).containsExactly(s);
    }

    @Test
    void fencedUnusedSessionsDoNotCountTowardThePartitionsOfAnEpoch() throws IOException {
        SessionLifecycle l = lifecycle(1);
        for (int p = 0; p < 4; p++) {
            grant(l, "ds=" + p, 5, 0, now);
        }
        l.resetTo(4); // the replay routes its rows to other partitions
        for (int p = 4; p < 8; p++) {
            assertThat(grant(l, "ds=" + p, 5, 0, now).sessionId()).isNotNull();
        }
    }

    @Test
    void theServicesSessionLimitMakesTheWriterWait() throws IOException {
        SessionLifecycle l =
                new SessionLifecycle(
                        "t",
                        new FakeService() {
                            @Override
                            public String create(String partition) {
                                return null;
                            }
                        },
                        TableWriteLimits.defaults(),
                        4,
                        "setMaxPartitionsPerCheckpoint",
                        false);

        Grant waiting = l.grant("ds=1", 5, 0, 1, 0, now);

        assertThat(waiting.sessionId()).isNull();
        assertThat(waiting.retryAfterMillis()).isPositive();
    }

    @Test
    void aSpareWhoseStatusCannotBeReadIsSkipped() throws IOException {
        SessionLifecycle l = lifecycle(1);
        String s = grant(l, "ds=1", 5, 0, now).sessionId();
        l.resetTo(4);
        l.checkpointComplete(5, now);
        service.unreadable = s;

        assertThat(grant(l, "ds=1", 6, 0, now).sessionId()).isNotEqualTo(s);
        assertThat(l.counts()).containsEntry("abandoned", 1);
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
                Grant g = grant(l, partition, epoch, subtask, now);
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
