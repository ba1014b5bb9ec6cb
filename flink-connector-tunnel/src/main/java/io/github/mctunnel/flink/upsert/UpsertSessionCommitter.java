package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.sink.session.UnknownSessions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.SimpleCounter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Commits the upsert sessions of completed checkpoints for the single {@link UpsertCommitOperator}:
 * per partition at most one session per commit interval ({@link UpsertCommitPacer}), the one
 * waiting longest. A session that is not due is left alone without failing: its writer keeps it
 * open and offers it again at the next checkpoint, so commits cover several checkpoints and the job
 * never waits for the interval.
 *
 * <p>Sessions offered for the last time ({@link UpsertSessionRef#last()}, their writer's input
 * ended) and sessions handed over after a rescaling ({@link UpsertSessionRef#restored()}) are kept
 * until committed: when due after a later checkpoint, and all of them, waiting for the interval
 * where needed, once the whole input ended ({@link #commitAllLast()}). While a partition has a
 * handed-over session, only those are committed in it (they hold its oldest changes).
 *
 * <p>A commit that fails with a retryable error is tried again later; a session that was aborted,
 * or a commit the service refuses, fails the job. A session the service no longer knows (it
 * expired: a restore more than 24 h after the checkpoint) is logged with its checkpoint and the
 * changes the writers reported, counted and skipped, or fails the job when so configured (see
 * {@link UnknownSessions}). Not thread-safe.
 */
@Internal
final class UpsertSessionCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpsertSessionCommitter.class);
    private static final int REMEMBERED_SESSIONS = 10_000;

    /** Attempts of a last session's commit that fail with a retryable error before giving up. */
    static final int LAST_COMMIT_ATTEMPTS = 5;

    private final UpsertTable table;
    private final UpsertCommitPacer pacer;
    private final LongSupplier clock;
    private final UnknownSessions unknownSessions;
    private final Map<String, Long> waitingSince = new HashMap<>();

    /** Per session not yet committed: the first checkpoint it was offered at. */
    private final Map<String, Long> checkpointOf = new HashMap<>();

    /** Per session not yet committed: per writer subtask, the changes it reported. */
    private final Map<String, Map<Integer, Long>> changesOf = new HashMap<>();

    private final Map<String, UpsertSessionRef> pendingKept = new LinkedHashMap<>();
    private final Map<String, Boolean> committed =
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_SESSIONS;
                }
            };
    private volatile long sessionsCommitted;

    /** The size of {@link #pendingKept}, for a gauge read on another thread. */
    private volatile int pendingKeptCount;

    UpsertSessionCommitter(UpsertTable table, UpsertCommitPacer pacer, LongSupplier clock) {
        this(
                table,
                pacer,
                clock,
                new UnknownSessions(
                        "upsert", table.name(), false, new SimpleCounter(), new SimpleCounter()));
    }

    /**
     * @param unknownSessions what happens with a session the service no longer knows
     */
    UpsertSessionCommitter(
            UpsertTable table,
            UpsertCommitPacer pacer,
            LongSupplier clock,
            UnknownSessions unknownSessions) {
        this.table = table;
        this.pacer = pacer;
        this.clock = clock;
        this.unknownSessions = unknownSessions;
    }

    /**
     * Commits what is due of the sessions offered at the completed checkpoints {@code byCheckpoint}
     * (see {@link #commitDue(Collection)}), noting the checkpoint each was first offered at.
     */
    void commitDue(Map<Long, List<UpsertSessionRef>> byCheckpoint) {
        List<UpsertSessionRef> refs = new ArrayList<>();
        byCheckpoint.forEach(
                (checkpoint, offered) -> {
                    for (UpsertSessionRef ref : offered) {
                        if (!committed.containsKey(ref.sessionId())) {
                            // a handed-over session belongs to the checkpoint its writer restored
                            checkpointOf.putIfAbsent(
                                    ref.sessionId(),
                                    ref.restored() && ref.checkpoint() >= 0
                                            ? ref.checkpoint()
                                            : checkpoint);
                        }
                        refs.add(ref);
                    }
                });
        commitDue(refs);
    }

    /**
     * Commits, per partition, the longest-waiting of {@code refs} (sessions of completed
     * checkpoints) and of the kept last sessions, if the partition is due.
     *
     * @throws IllegalStateException when a session cannot be committed (aborted, expired, refused)
     */
    void commitDue(Collection<UpsertSessionRef> refs) {
        long now = clock.getAsLong();
        // partition -> session id -> ref, in arrival order
        Map<String, Map<String, UpsertSessionRef>> byPartition = new LinkedHashMap<>();
        for (UpsertSessionRef ref : pendingKept.values()) {
            byPartition
                    .computeIfAbsent(ref.partition(), p -> new LinkedHashMap<>())
                    .put(ref.sessionId(), ref);
        }
        for (UpsertSessionRef ref : refs) {
            if (committed.containsKey(ref.sessionId())) {
                continue;
            }
            waitingSince.putIfAbsent(ref.sessionId(), now);
            noteChanges(ref);
            if (ref.kept()) {
                pendingKept.put(ref.sessionId(), ref);
                pendingKeptCount = pendingKept.size();
            }
            byPartition
                    .computeIfAbsent(ref.partition(), p -> new LinkedHashMap<>())
                    .putIfAbsent(ref.sessionId(), ref);
        }
        for (Map.Entry<String, Map<String, UpsertSessionRef>> e : byPartition.entrySet()) {
            // a session found committed or unknown costs no commit: the next one may go
            for (UpsertSessionRef ref = next(e.getValue().values()); ref != null; ) {
                UpsertSessionRef candidate = ref;
                Outcome[] outcome = new Outcome[1];
                try {
                    if (!pacer.commitIfDue(
                            e.getKey(),
                            () -> {
                                outcome[0] = commitSession(candidate);
                                return outcome[0] == Outcome.COMMITTED;
                            })) {
                        break; // not due
                    }
                } catch (TunnelException ex) {
                    if (!ex.isRetryable()) {
                        throw failure(candidate, ex);
                    }
                    // kept until committed, before any newer session of its partition: its writer
                    // may never offer it again (it moves to a new session once this one is
                    // 'committing')
                    UpsertSessionRef kept = candidate.asRestored();
                    pendingKept.put(kept.sessionId(), kept);
                    pendingKeptCount = pendingKept.size();
                    LOG.warn(
                            "Commit of upsert session {} of {} failed; it is retried after a later"
                                    + " checkpoint",
                            candidate.sessionId(),
                            table.name(),
                            ex);
                    break;
                }
                done(candidate, outcome[0]);
                if (outcome[0] == Outcome.COMMITTED) {
                    break;
                }
                e.getValue().remove(candidate.sessionId());
                ref = next(e.getValue().values());
            }
        }
    }

    /**
     * The session of a partition to commit next: the longest-waiting one, among the handed-over
     * ones while there are any (they hold the partition's oldest changes).
     */
    private UpsertSessionRef next(Collection<UpsertSessionRef> sessions) {
        boolean handedOver = sessions.stream().anyMatch(UpsertSessionRef::restored);
        UpsertSessionRef oldest = null;
        for (UpsertSessionRef ref : sessions) {
            if (handedOver && !ref.restored()) {
                continue;
            }
            if (oldest == null
                    || waitingSince.get(ref.sessionId()) < waitingSince.get(oldest.sessionId())) {
                oldest = ref;
            }
        }
        return oldest;
    }

    /**
     * Commits every kept last session, each when its partition is due, waiting for the commit
     * interval between two commits of a partition (the input ended: nothing else is to come).
     */
    void commitAllLast() throws InterruptedException {
        List<UpsertSessionRef> kept = new ArrayList<>(pendingKept.values());
        // handed-over sessions hold older changes than the others of their partition
        kept.sort((a, b) -> Boolean.compare(b.restored(), a.restored()));
        for (UpsertSessionRef ref : kept) {
            for (int attempt = 1; ; attempt++) {
                try {
                    Outcome known = settledWithoutCommit(ref);
                    if (known != null) {
                        done(ref, known); // no commit: no wait for the interval
                        break;
                    }
                    Outcome[] outcome = new Outcome[1];
                    pacer.commitWhenDue(
                            ref.partition(),
                            () -> {
                                outcome[0] = commitSession(ref);
                                return outcome[0] == Outcome.COMMITTED;
                            });
                    done(ref, outcome[0]);
                    break;
                } catch (TunnelException e) {
                    if (!e.isRetryable() || attempt >= LAST_COMMIT_ATTEMPTS) {
                        throw failure(ref, e);
                    }
                    LOG.warn(
                            "Commit of the last upsert session {} of {} failed; retrying after"
                                    + " the commit interval",
                            ref.sessionId(),
                            table.name(),
                            e);
                }
            }
        }
    }

    /** The kept (last or handed-over) sessions not yet committed, in arrival order. */
    List<UpsertSessionRef> pendingKept() {
        return new ArrayList<>(pendingKept.values());
    }

    /**
     * Keeps a last or handed-over session restored from the operator state of checkpoint {@code
     * checkpointId}.
     */
    void restoreKept(UpsertSessionRef ref, long checkpointId) {
        waitingSince.putIfAbsent(ref.sessionId(), clock.getAsLong());
        checkpointOf.putIfAbsent(ref.sessionId(), checkpointId);
        noteChanges(ref);
        pendingKept.put(ref.sessionId(), ref);
        pendingKeptCount = pendingKept.size();
    }

    /**
     * Notes the changes a writer reported for the session: per writer and per hand-over (a writer
     * restarted by a regional failover hands over the count of its restored state and counts its
     * new changes from 0), the largest count offered; -1 when unknown (state of an older version).
     */
    private void noteChanges(UpsertSessionRef ref) {
        changesOf
                .computeIfAbsent(ref.sessionId(), id -> new HashMap<>())
                .merge(
                        ref.subtask() * 2 + (ref.restored() ? 1 : 0),
                        ref.changes(),
                        (a, b) -> a < 0 || b < 0 ? -1 : Math.max(a, b));
    }

    /** How many kept sessions wait (safe to read on any thread). */
    int pendingKeptCount() {
        return pendingKeptCount;
    }

    long sessionsCommitted() {
        return sessionsCommitted;
    }

    /** What became of a session the committer took up. */
    enum Outcome {
        /** This committer committed it. */
        COMMITTED,
        /** It was committed before (by a committer before a restore). */
        ALREADY_COMMITTED,
        /** The service no longer knows it; reported. */
        UNKNOWN
    }

    /** Forgets a session the committer is done with. */
    private void done(UpsertSessionRef ref, Outcome outcome) {
        committed.put(ref.sessionId(), Boolean.TRUE);
        waitingSince.remove(ref.sessionId());
        checkpointOf.remove(ref.sessionId());
        changesOf.remove(ref.sessionId());
        pendingKept.remove(ref.sessionId());
        pendingKeptCount = pendingKept.size();
        if (outcome == Outcome.COMMITTED) {
            sessionsCommitted++;
        }
    }

    private IllegalStateException failure(UpsertSessionRef ref, TunnelException e) {
        return new IllegalStateException(
                "Could not commit the upsert session "
                        + ref.sessionId()
                        + " of "
                        + table.name()
                        + (ref.partition().isEmpty() ? "" : " partition " + ref.partition())
                        + ": "
                        + e.getMessage(),
                e);
    }

    /**
     * The outcome for a session that needs no commit (committed before, or unknown to the service:
     * reported), or null when it must be committed.
     */
    private Outcome settledWithoutCommit(UpsertSessionRef ref) throws TunnelException {
        UpsertSessionHandle session;
        try {
            session = table.attachSession(PartitionSpec.parse(ref.partition()), ref.sessionId());
        } catch (TunnelException e) {
            if (!UpsertSessions.isUnknown(e)) {
                throw e;
            }
            reportUnknown(ref, e);
            return Outcome.UNKNOWN;
        }
        return settled(ref, session);
    }

    /** The outcome of a session in a final state (committed, expired), null when still open. */
    private Outcome settled(UpsertSessionRef ref, UpsertSessionHandle session) {
        String status = session.status();
        if ("committed".equals(status)) {
            return Outcome.ALREADY_COMMITTED;
        }
        if (UpsertSessions.isExpired(status)) {
            reportUnknown(ref, new IllegalStateException("its status is '" + status + "'"));
            return Outcome.UNKNOWN;
        }
        if ("normal".equals(status) || "committing".equals(status)) {
            return null;
        }
        throw new IllegalStateException(
                "The upsert session "
                        + ref.sessionId()
                        + " of "
                        + table.name()
                        + (ref.partition().isEmpty() ? "" : " partition " + ref.partition())
                        + " is '"
                        + status
                        + "' and cannot be committed; its changes are lost");
    }

    /**
     * Commits the session unless it is committed already or unknown to the service.
     *
     * @throws IllegalStateException when it was aborted
     */
    private Outcome commitSession(UpsertSessionRef ref) throws TunnelException {
        String partition = ref.partition();
        String id = ref.sessionId();
        UpsertSessionHandle session;
        try {
            session = table.attachSession(PartitionSpec.parse(partition), id);
        } catch (TunnelException e) {
            if (!UpsertSessions.isUnknown(e)) {
                throw e;
            }
            reportUnknown(ref, e);
            return Outcome.UNKNOWN;
        }
        Outcome settled = settled(ref, session);
        if (settled != null) {
            return settled;
        }
        session.commit();
        LOG.info(
                "Committed upsert session {} of {}{}",
                id,
                table.name(),
                partition.isEmpty() ? "" : " partition " + partition);
        return Outcome.COMMITTED;
    }

    /** A session the service no longer knows: reported once for all writers that wrote it. */
    private void reportUnknown(UpsertSessionRef ref, Exception e) {
        Long checkpoint = checkpointOf.get(ref.sessionId());
        Map<Integer, Long> counts = changesOf.getOrDefault(ref.sessionId(), Map.of());
        long changes = 0;
        boolean unknownCount = false;
        java.util.Set<Integer> writers = new java.util.HashSet<>();
        for (Map.Entry<Integer, Long> c : counts.entrySet()) {
            writers.add(c.getKey() / 2);
            if (c.getValue() < 0) {
                unknownCount = true;
            } else {
                changes += c.getValue();
            }
        }
        String written =
                (unknownCount
                                ? (changes == 0 ? "an unknown number of" : "at least " + changes)
                                : String.valueOf(changes))
                        + " changes from "
                        + writers.size()
                        + " writers";
        try {
            unknownSessions.report(
                    ref.partition(),
                    ref.sessionId(),
                    checkpoint == null ? "unknown" : checkpoint.toString(),
                    changes,
                    written,
                    e);
        } catch (java.io.IOException failure) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        table.close();
    }
}
