package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.flink.sink.session.SessionStatus;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every transition of the upsert session lifecycle on a fake clock and a fake service: CURRENT →
 * RETIRED (replaced, too old, global failover) → forgotten (committed, gone, lifetime over), the
 * regional failover that keeps sessions, and the refusal of failed attempts.
 */
class UpsertSessionLifecycleTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final Map<String, SessionStatus> service = new LinkedHashMap<>();
    private final List<String> statusRequests = new ArrayList<>();
    private final UpsertSessionLifecycle lifecycle =
            new UpsertSessionLifecycle(
                    "p.t",
                    new UpsertSessionLifecycle.UpsertService() {
                        @Override
                        public String create(String partition) {
                            String id = "s" + (service.size() + 1);
                            service.put(id, SessionStatus.OPEN);
                            return id;
                        }

                        @Override
                        public SessionStatus status(String partition, String sessionId)
                                throws IOException {
                            statusRequests.add(sessionId);
                            SessionStatus s = service.get(sessionId);
                            if (s == null) {
                                throw new IOException("unreachable");
                            }
                            return s;
                        }
                    });
    private long now = 1_000_000;

    private String ask(String partition, String replaced) throws IOException {
        return lifecycle.session(partition, replaced, 0, 0, now);
    }

    @Test
    void onePartitionOneCurrentSessionForEveryWriter() throws IOException {
        String a = lifecycle.session("ds=1", "", 0, 0, now);
        assertThat(lifecycle.session("ds=1", "", 5, 0, now)).isEqualTo(a);
        String b = ask("ds=2", "");
        assertThat(b).isNotEqualTo(a);
        assertThat(lifecycle.counts()).containsEntry("current", 2).containsEntry("retired", 0);
    }

    @Test
    void aReportedSessionIsReplacedOnceAndRetired() throws IOException {
        String a = ask("ds=1", "");
        String b = ask("ds=1", a);
        assertThat(b).isNotEqualTo(a);
        // later reports of the same session get the replacement
        assertThat(ask("ds=1", a)).isEqualTo(b);
        assertThat(lifecycle.sessionsCreated()).isEqualTo(2);
        assertThat(lifecycle.counts()).containsEntry("current", 1).containsEntry("retired", 1);
        assertThat(lifecycle.openSessions(now)).isEqualTo(2);
    }

    @Test
    void retiredSessionsAreLookedAtAfter1_2_4_CheckpointsAndForgottenWhenCommittedOrGone()
            throws IOException {
        lifecycle.checkpointComplete(10, now);
        String a = ask("ds=1", "");
        String b = ask("ds=1", a); // a retired at checkpoint 10
        String c = ask("ds=2", "");
        String d = ask("ds=2", c); // c retired at checkpoint 10
        service.put(a, SessionStatus.COMMITTING);

        lifecycle.checkpointComplete(11, now); // 1 after: looked at, the current ones too
        assertThat(statusRequests).containsExactly(a, c, b, d);
        lifecycle.checkpointComplete(13, now); // 3 after: not looked at
        assertThat(statusRequests).hasSize(4);

        service.put(a, SessionStatus.COMMITTED);
        service.put(c, SessionStatus.GONE);
        lifecycle.checkpointComplete(14, now); // 4 after
        assertThat(lifecycle.counts()).containsEntry("current", 2).containsEntry("retired", 0);
        assertThat(ask("ds=1", "")).isEqualTo(b);
    }

    @Test
    void aStatusThatCannotBeReadIsAskedAgainLater() throws IOException {
        String a = ask("ds=1", "");
        ask("ds=1", a);
        service.remove(a); // the fake answers with an IOException
        lifecycle.checkpointComplete(1, now);
        assertThat(lifecycle.counts()).containsEntry("retired", 1);
        service.put(a, SessionStatus.COMMITTED);
        lifecycle.checkpointComplete(2, now);
        assertThat(lifecycle.counts()).containsEntry("retired", 0);
    }

    @Test
    void aSessionNearTheEndOfItsLifetimeIsReplacedAndForgottenWhenItsLifetimeIsOver()
            throws IOException {
        String a = ask("ds=1", "");
        now += 23 * HOUR - 1;
        assertThat(ask("ds=1", "")).isEqualTo(a);
        now += 1;
        String b = ask("ds=1", "");
        assertThat(b).isNotEqualTo(a);
        assertThat(lifecycle.counts()).containsEntry("retired", 1);

        // never committed (nobody wrote it), never reported: forgotten with its lifetime
        now += HOUR;
        assertThat(lifecycle.openSessions(now)).isEqualTo(1);
    }

    @Test
    void partitionsNoLongerWrittenAreRetiredAtACheckpointAndStateStaysBounded() throws IOException {
        // a week of hourly partitions: every hour a new partition, a checkpoint a minute
        long checkpoint = 0;
        int maxOpen = 0;
        for (int hour = 0; hour < 24 * 7; hour++) {
            String s = ask("ds=" + hour, "");
            for (int minute = 0; minute < 60; minute++) {
                now += 60_000;
                if (minute == 30) {
                    service.put(s, SessionStatus.COMMITTED); // a committer committed it
                }
                lifecycle.checkpointComplete(++checkpoint, now);
                maxOpen = Math.max(maxOpen, lifecycle.openSessions(now));
            }
        }
        // a committed session nobody reported is forgotten at its next look (32 checkpoints after
        // it became current): the partition of the hour before and the current one at most
        assertThat(maxOpen).isLessThanOrEqualTo(2);
        assertThat(lifecycle.counts()).containsEntry("current", 0).containsEntry("retired", 0);
    }

    @Test
    void aRegionalFailoverKeepsTheCurrentSessionsAndAGlobalOneRetiresThem() throws IOException {
        String a = ask("ds=1", "");
        lifecycle.subtaskReset(0, 3);
        assertThat(ask("ds=1", "")).isEqualTo(a);

        lifecycle.resetTo(3);
        String b = ask("ds=1", "");
        assertThat(b).isNotEqualTo(a);
        assertThat(lifecycle.counts()).containsEntry("current", 1).containsEntry("retired", 1);
    }

    @Test
    void requestsOfAFailedOrReplacedAttemptAreRefused() throws IOException {
        String a = lifecycle.session("ds=1", "", 3, 0, now);
        lifecycle.attemptFailed(3, 0);
        assertThatThrownBy(() -> lifecycle.session("ds=1", a, 3, 0, now))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Refused an upsert session request of subtask 3 execution attempt 0 of"
                                + " table p.t: attempt 1 replaced it");
        // the zombie's report did not replace the session
        assertThat(lifecycle.session("ds=1", "", 3, 1, now)).isEqualTo(a);

        lifecycle.attemptReady(4, 2);
        assertThatThrownBy(() -> lifecycle.session("ds=1", "", 4, 1, now))
                .hasMessageContaining("attempt 2 replaced it");
        // other subtasks are not affected
        assertThat(lifecycle.session("ds=1", "", 5, 0, now)).isEqualTo(a);
    }

    /**
     * Hourly partitions: a committer commits the partition's session after its writers moved on,
     * and nobody reports it; the lifecycle finds it committed at a look and forgets it, and the
     * next writer asking for the partition gets a new session.
     */
    @Test
    void aCurrentSessionACommitterCommittedIsForgottenAtItsNextLook() throws IOException {
        lifecycle.checkpointComplete(5, now);
        String a = ask("ds=1", "");
        lifecycle.checkpointComplete(6, now); // looked at: open
        assertThat(lifecycle.counts()).containsEntry("current", 1);
        service.put(a, SessionStatus.COMMITTED);
        lifecycle.checkpointComplete(7, now); // 2 after: looked at
        assertThat(lifecycle.counts()).containsEntry("current", 0).containsEntry("retired", 0);
        assertThat(ask("ds=1", "")).isNotEqualTo(a);
    }
}
