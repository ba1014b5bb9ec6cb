package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.flink.sink.session.ExecutionAttempts;
import io.github.mctunnel.flink.sink.session.RetiredSessions;
import io.github.mctunnel.flink.sink.session.SessionLifetime;
import io.github.mctunnel.flink.sink.session.SessionStatus;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The life of every upsert session of one upsert sink, kept by its coordinator on the JobManager.
 * Pure state machine on the shared session core ({@link SessionLifetime}, {@link
 * ExecutionAttempts}, {@link RetiredSessions}): the service is reached only through {@link
 * UpsertService}, time comes from the caller, and nothing here is thread-safe.
 *
 * <pre>
 *   created ─▶ CURRENT (partition) ─ a writer reports it committed or expired, it nears the end of
 *                 │                  its lifetime, or a global failover ─▶ RETIRED
 *                 └─ every writer of the partition writes it; committers commit it (paced)
 *   RETIRED ─ service says committed or gone (checked 1, 2, 4, ... checkpoints later), or its
 *             lifetime is over ─▶ forgotten
 *   CURRENT ─ service says committed or gone (a committer committed it and the partition's writers
 *             moved on; checked 1, 2, 4, ... checkpoints after it became current) ─▶ forgotten
 * </pre>
 *
 * <p>One session per partition is current at a time, so one commit per commit interval makes the
 * changes of all writers visible. A retired session is not handed out again; the committers commit
 * it (the writers that wrote it offer it, or hand it over after a restore). Requests of execution
 * attempts that failed or were replaced are refused, so a writer cut off from the JobManager gets
 * no new session. Nothing is kept in checkpoints: after a global failover or a JobManager failover
 * the restored writers hand the sessions of their state to the committer and new sessions become
 * current; after a regional failover the restarted writers go on in the current sessions (their
 * replayed changes then follow the failed attempt's in the same session).
 */
@Internal
final class UpsertSessionLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(UpsertSessionLifecycle.class);

    /** What the lifecycle needs of the service. */
    interface UpsertService {
        /** Creates an upsert session of the partition (tunnel form, "" when not partitioned). */
        String create(String partition) throws IOException;

        /** The session's status at the service. */
        SessionStatus status(String partition, String sessionId) throws IOException;
    }

    private static final class Tracked implements RetiredSessions.Retired {
        final String id;
        final String partition;
        final long createdAt;
        long retiredAt;

        /** The last completed checkpoint when it became current. */
        long currentSince;

        Tracked(String id, String partition, long createdAt) {
            this.id = id;
            this.partition = partition;
            this.createdAt = createdAt;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String partition() {
            return partition;
        }

        @Override
        public long createdAt() {
            return createdAt;
        }

        @Override
        public long retiredAt() {
            return retiredAt;
        }
    }

    private final String table;
    private final UpsertService service;
    private final ExecutionAttempts attempts;
    private final RetiredSessions<Tracked> retired;
    private final Map<String, Tracked> current = new LinkedHashMap<>();
    private long lastCompleted;
    private long sessionsCreated;

    UpsertSessionLifecycle(String table, UpsertService service) {
        this.table = table;
        this.service = service;
        this.attempts = new ExecutionAttempts(table);
        this.retired = new RetiredSessions<>(table, "upsert");
    }

    void attemptFailed(int subtask, int attempt) {
        attempts.failed(subtask, attempt);
    }

    void attemptReady(int subtask, int attempt) {
        attempts.ready(subtask, attempt);
    }

    /**
     * The session every writer currently writes {@code partition} into, for writer {@code subtask}
     * (execution attempt {@code attempt}).
     *
     * @param replaced the session the writer found unusable (committed, expired), or "": replaced
     *     unless another writer's report replaced it already
     * @throws IllegalStateException for a request of an attempt that failed or was replaced
     */
    String session(String partition, String replaced, int subtask, int attempt, long now)
            throws IOException {
        attempts.check(subtask, attempt, "an upsert session request");
        retireOld(now);
        Tracked c = current.get(partition);
        if (c != null && c.id.equals(replaced)) {
            retire(c, "a writer found it committed or expired");
            c = null;
        }
        if (c == null) {
            String id = service.create(partition);
            sessionsCreated++;
            c = new Tracked(id, partition, now);
            c.currentSince = lastCompleted;
            current.put(partition, c);
            LOG.info(
                    "Upsert session {} of table {}{} shared by all writers",
                    id,
                    table,
                    partition.isEmpty() ? "" : " partition " + partition);
        }
        return c.id;
    }

    /** Retires current sessions too old to be handed out (partitions not written any more too). */
    private void retireOld(long now) {
        Iterator<Tracked> it = current.values().iterator();
        List<Tracked> old = new ArrayList<>();
        while (it.hasNext()) {
            Tracked c = it.next();
            if (SessionLifetime.tooOldToHandOut(c.createdAt, now)) {
                it.remove();
                old.add(c);
            }
        }
        old.forEach(c -> retireRemoved(c, "it nears the end of its lifetime"));
    }

    private void retire(Tracked c, String why) {
        current.remove(c.partition);
        retireRemoved(c, why);
    }

    private void retireRemoved(Tracked c, String why) {
        c.retiredAt = lastCompleted;
        retired.add(c);
        LOG.info(
                "Upsert session {} of table {}{} retired: {}; its writers' committers commit it",
                c.id,
                table,
                c.partition.isEmpty() ? "" : " partition " + c.partition,
                why);
    }

    /**
     * Checkpoint {@code checkpointId} completed: retired sessions done at the service go, and so do
     * current ones a committer committed that no writer reported (the partition's writers moved on:
     * hourly partitions), looked at 1, 2, 4, ... checkpoints after they became current.
     */
    void checkpointComplete(long checkpointId, long now) {
        lastCompleted = Math.max(lastCompleted, checkpointId);
        retireOld(now);
        retired.check(checkpointId, now, false, s -> false, s -> false, service::status);
        Iterator<Tracked> it = current.values().iterator();
        while (it.hasNext()) {
            Tracked c = it.next();
            if (!RetiredSessions.dueForLook(c.currentSince, checkpointId)) {
                continue;
            }
            SessionStatus status;
            try {
                status = service.status(c.partition, c.id);
            } catch (IOException e) {
                LOG.warn(
                        "Could not read the status of upsert session {} of table {}; asking again"
                                + " later",
                        c.id,
                        table,
                        e);
                continue;
            }
            if (status == SessionStatus.COMMITTED || status == SessionStatus.GONE) {
                it.remove(); // the next writer asking for the partition gets a new one
                LOG.debug("Upsert session {} of table {} is {}; forgotten", c.id, table, status);
            }
        }
    }

    /**
     * A region restarts from checkpoint {@code checkpointId}. Its writers go on in the partition's
     * current session: after the changes the failed attempt flushed there, so their order within
     * the session puts the replay last (BATCH: the other writers' regions still write it; a new
     * session could be committed before it and let the failed attempt's older changes win).
     */
    void subtaskReset(int subtask, long checkpointId) {
        lastCompleted = Math.max(lastCompleted, checkpointId);
    }

    /**
     * A global failover to checkpoint {@code checkpointId} (or a new coordinator after a JobManager
     * failover): every current session is retired; the restored writers hand the sessions of their
     * state to the committer, and new sessions become current.
     */
    void resetTo(long checkpointId) {
        lastCompleted = Math.max(lastCompleted, checkpointId);
        for (Tracked c : new ArrayList<>(current.values())) {
            retire(c, "global failover to checkpoint " + checkpointId);
        }
    }

    /** Sessions created so far. */
    long sessionsCreated() {
        return sessionsCreated;
    }

    /** Sessions the service counts as open for this sink, as far as the lifecycle knows. */
    int openSessions(long now) {
        retired.expire(now);
        return current.size() + retired.size();
    }

    /** How many sessions of each state are tracked (for tests and the state bound). */
    Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("current", current.size());
        counts.put("retired", retired.size());
        return counts;
    }
}
