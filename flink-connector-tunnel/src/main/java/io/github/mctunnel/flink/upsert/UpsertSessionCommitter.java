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
                            checkpointOf.putIfAbsent(ref.sessionId(), checkpoint);
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
            }
            byPartition
                    .computeIfAbsent(ref.partition(), p -> new LinkedHashMap<>())
                    .putIfAbsent(ref.sessionId(), ref);
        }
        for (Map.Entry<String, Map<String, UpsertSessionRef>> e : byPartition.entrySet()) {
            boolean handedOver =
                    e.getValue().values().stream().anyMatch(UpsertSessionRef::restored);
            UpsertSessionRef oldest = null;
            for (UpsertSessionRef ref : e.getValue().values()) {
                if (handedOver && !ref.restored()) {
                    continue;
                }
                if (oldest == null
                        || waitingSince.get(ref.sessionId())
                                < waitingSince.get(oldest.sessionId())) {
                    oldest = ref;
                }
            }
            UpsertSessionRef ref = oldest;
            try {
                if (pacer.commitIfDue(e.getKey(), () -> commitSession(ref))) {
                    markCommitted(ref);
                }
            } catch (TunnelException ex) {
                if (!ex.isRetryable()) {
                    throw failure(ref, ex);
                }
                // kept until committed, before any newer session of its partition: its writer may
                // never offer it again (it moves to a new session once this one is 'committing')
                UpsertSessionRef kept = ref.asRestored();
                pendingKept.put(kept.sessionId(), kept);
                LOG.warn(
                        "Commit of upsert session {} of {} failed; it is retried after a later"
                                + " checkpoint",
                        ref.sessionId(),
                        table.name(),
                        ex);
            }
        }
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
                    pacer.commitWhenDue(ref.partition(), () -> commitSession(ref));
                    markCommitted(ref);
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
    }

    private void noteChanges(UpsertSessionRef ref) {
        changesOf
                .computeIfAbsent(ref.sessionId(), id -> new HashMap<>())
                .merge(ref.subtask(), ref.changes(), Math::max);
    }

    long sessionsCommitted() {
        return sessionsCommitted;
    }

    private void markCommitted(UpsertSessionRef ref) {
        committed.put(ref.sessionId(), Boolean.TRUE);
        waitingSince.remove(ref.sessionId());
        checkpointOf.remove(ref.sessionId());
        changesOf.remove(ref.sessionId());
        pendingKept.remove(ref.sessionId());
        sessionsCommitted++;
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
     * Commits the session unless it is committed already.
     *
     * @throws IllegalStateException when it was aborted or expired
     */
    private void commitSession(UpsertSessionRef ref) throws TunnelException {
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
            return;
        }
        String status = session.status();
        if ("normal".equals(status) || "committing".equals(status)) {
            session.commit();
            LOG.info(
                    "Committed upsert session {} of {}{}",
                    id,
                    table.name(),
                    partition.isEmpty() ? "" : " partition " + partition);
        } else if (!"committed".equals(status)) {
            throw new IllegalStateException(
                    "The upsert session "
                            + id
                            + " of "
                            + table.name()
                            + (partition.isEmpty() ? "" : " partition " + partition)
                            + " is '"
                            + status
                            + "' and cannot be committed; its changes are lost");
        }
    }

    /** A session the service no longer knows: reported once for all writers that wrote it. */
    private void reportUnknown(UpsertSessionRef ref, TunnelException e) {
        Long checkpoint = checkpointOf.get(ref.sessionId());
        Map<Integer, Long> perWriter = changesOf.getOrDefault(ref.sessionId(), Map.of());
        long changes = perWriter.values().stream().mapToLong(Long::longValue).sum();
        try {
            unknownSessions.report(
                    ref.partition(),
                    ref.sessionId(),
                    checkpoint == null ? "unknown" : checkpoint.toString(),
                    changes,
                    changes + " changes from " + perWriter.size() + " writers",
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
